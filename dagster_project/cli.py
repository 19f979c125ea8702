"""`sapnhap`: the command line. generate demo data, run the pipeline, write reports, check.

Every command reads SAPNHAP_DATA_DIR (default ./data) through settings.get_settings().
"""

import os
import sys
import time
from pathlib import Path

import click

from dagster_project.settings import SHIPPED_REFERENCE_DIR, get_settings


def has_personnel(raw_dir: Path) -> bool:
    from dagster_project.warehouse.raw_files import input_files

    return any(p.relative_to(raw_dir).parts[0] == "personnel" for p in input_files(raw_dir))


@click.group()
def main() -> None:
    """sapnhap: Vietnam's 2025 administrative merger, staff and Decree 178/67 warehouse."""


@main.command()
@click.option("--provinces", default="default", show_default=True,
              help='"default" (Ninh Bình 37, Hưng Yên 33, Cao Bằng 04), "all", or new province codes "04,33".')
@click.option("--scale", default=1.0, show_default=True, type=float, help="Density factor.")
@click.option("--through", default="2026-10", show_default=True, help="Last roster month YYYY-MM.")
@click.option("--seed", default=20250701, show_default=True, type=int)
@click.option("--out", "out_dir", default=None, type=click.Path(path_type=Path),
              help="Output folder (default: $SAPNHAP_DATA_DIR/raw).")
@click.option("--clean", is_flag=True, help="Write no defects.")
def generate(provinces: str, scale: float, through: str, seed: int, out_dir: Path | None,
             clean: bool) -> None:
    """Write realistic synthetic deliveries (units, lineage, personnel, decisions)."""
    from dagster_project.synth import generate as run_generator

    out = (out_dir or get_settings().raw_dir).resolve()
    summary = run_generator(out, provinces=provinces, scale=scale, through=through, seed=seed,
                            clean=clean, progress=True)
    click.echo(f"Wrote synthetic deliveries to {out}")
    for key, value in summary.items():
        if not isinstance(value, (dict, list)):
            click.echo(f"  {key}: {value}")


def execute_main_job(partition_key: str | None = None, job_name: str | None = None) -> bool:
    """Run a job (default: the main job) for one month in process, recorded in the
    project's Dagster instance, so the run shows in the UI's history."""
    from dagster import DagsterInstance

    from dagster_project.dagster_home import ensure_dagster_home
    from dagster_project.dbt_project import prepare_manifest

    ensure_dagster_home()
    prepare_manifest()
    from dagster_project.definitions import defs
    from dagster_project.jobs import MAIN_JOB
    from dagster_project.partitions import monthly_partitions

    job = defs.resolve_job_def(job_name or MAIN_JOB)
    partition_key = partition_key or monthly_partitions.get_last_partition_key()
    click.echo(f"  {job.name}, month {partition_key}")
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            partition_key=partition_key,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
    for event in result.all_events:
        if event.is_step_failure:
            click.echo(f"  FAILED  {event.step_key}: {event.event_specific_data.error.message.strip()}", err=True)
    materialized = [
        e.asset_key.to_user_string() for e in result.all_events if e.is_step_materialization
    ]
    click.echo(f"  {len(materialized)} assets materialised; run id {result.run_id}")
    return result.success


@main.command()
@click.option("--month", default=None, help="Report month YYYY-MM (default: the latest).")
def run(month: str | None) -> None:
    """Set up, generate demo data if none is present, build everything and publish."""
    from dagster_project.warehouse.reference import ensure_reference

    settings = get_settings()
    started = time.perf_counter()
    ensure_reference(settings.reference_dir, SHIPPED_REFERENCE_DIR)
    if not has_personnel(settings.raw_dir):
        click.echo(f"No personnel files in {settings.raw_dir / 'personnel'}: generating the demo data set.")
        from dagster_project.synth import generate as run_generator

        run_generator(settings.raw_dir, provinces="default", progress=True)
    click.echo(f"Building the warehouse from {settings.raw_dir} ...")
    ok = execute_main_job(partition_key=month)
    elapsed = time.perf_counter() - started
    if not ok:
        click.echo(
            f"The run failed after {elapsed:.0f} s; the published warehouse was left as it was: "
            f"{settings.published_path}", err=True)
        sys.exit(1)
    click.echo(f"Done in {elapsed:.0f} s.")
    click.echo(f"  Warehouse (open read-only): {settings.published_path}")
    click.echo("  Dagster UI: make ui, then http://127.0.0.1:3000")


@main.command()
@click.option("--from", "first", default=None, help="First month YYYY-MM (default: 2025-07).")
@click.option("--to", "last", default=None, help="Last month YYYY-MM (default: the last month ended).")
def backfill(first: str | None, last: str | None) -> None:
    """Build and publish once, then write the report pack of every month, one Dagster run a
    month, one after the other (one DuckDB writer at a time: no lock errors)."""
    import duckdb

    from dagster_project.jobs import REPORT_JOB
    from dagster_project.partitions import FIRST_MONTH, monthly_partitions

    settings = get_settings()
    started = time.perf_counter()
    keys = monthly_partitions.get_partition_keys()
    first = first or FIRST_MONTH
    last = last or keys[-1]
    click.echo(f"Building the warehouse for {last} ...")
    if not execute_main_job(partition_key=last):
        click.echo("The build failed; nothing was backfilled.", err=True)
        sys.exit(1)
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        with_data = {f"{m:%Y-%m}" for (m,) in con.execute(
            "select distinct report_month from marts.fct_staffing_balance").fetchall()}
    finally:
        con.close()
    months = [k for k in keys if first <= k < last and k in with_data]
    skipped = [k for k in keys if first <= k < last and k not in with_data]
    if skipped:
        click.echo(f"No roster data for {', '.join(skipped)}: no report for those months.")
    failed = []
    with click.progressbar(months, label="Report packs") as bar:
        for month in bar:
            if not execute_main_job(partition_key=month, job_name=REPORT_JOB):
                failed.append(month)
    click.echo(f"Backfilled {len(months) + 1} months in {time.perf_counter() - started:.0f} s"
               + (f"; failed: {', '.join(failed)}" if failed else ""))
    if failed:
        sys.exit(1)


@main.command()
@click.option("--month", required=True, help="Report month YYYY-MM.")
def report(month: str) -> None:
    """Write the report pack of a month from the published warehouse (no rebuild)."""
    from dagster_project.partitions import month_start
    from dagster_project.reports.build import write_pack

    settings = get_settings()
    if not settings.published_path.exists():
        click.echo(f"No published warehouse at {settings.published_path}: run `sapnhap run` first.", err=True)
        sys.exit(1)
    started = time.perf_counter()
    with click.progressbar(length=1, label=f"Báo cáo tháng {month}") as bar:
        pack = write_pack(settings.published_path, month_start(month), settings.reports_dir)
        bar.update(1)
    click.echo(f"Wrote {len(pack.files)} files for {', '.join(pack.scopes)} to {pack.folder} "
               f"in {time.perf_counter() - started:.1f} s")


@main.command()
def check() -> None:
    """Run the quality checks on the last build: row reconciliation, Great Expectations
    suites on raw.*, and every dbt data test. Exits 1 if a blocking check fails."""
    import subprocess

    import duckdb

    from dagster_project.dbt_project import prepare_manifest
    from dagster_project.ingest import reconcile
    from dagster_project.quality.suites import BLOCKING, SEVERITIES, run_suite
    from dagster_project.settings import DBT_PROJECT_DIR

    settings = get_settings()
    if not settings.working_path.exists():
        click.echo(f"No build at {settings.working_path}: run `sapnhap run` first.", err=True)
        sys.exit(1)
    failed_blocking = False
    con = duckdb.connect(str(settings.working_path), read_only=True)
    try:
        tables = ("units", "lineage", "personnel", "decisions")
        with click.progressbar(tables, label="rows read = loaded + quarantined") as bar:
            results = [(t, reconcile(con, t)) for t in bar]
        for table, frame in results:
            bad = frame.filter(~frame["ok"]).height
            click.echo(f"  {'PASS' if bad == 0 else 'FAIL'}  raw.{table}: {frame.height} files, {bad} not reconciled")
            failed_blocking |= bad > 0
        suites = [(t, s) for t in tables for s in SEVERITIES]
        with click.progressbar(suites, label="Great Expectations suites") as bar:
            outcomes = [(t, s, run_suite(con, t, s)) for t, s in bar]
        for table, severity, outcome in outcomes:
            label = "PASS" if outcome.success else ("FAIL" if BLOCKING[severity] else "WARN")
            click.echo(f"  {label}  raw.{table} {severity}: {outcome.evaluated} expectations")
            failed_blocking |= BLOCKING[severity] and not outcome.success
    finally:
        con.close()
    prepare_manifest()
    click.echo("dbt data tests:")
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), "test", "--exclude-resource-type", "unit_test", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR)],
        cwd=DBT_PROJECT_DIR, env={**os.environ, "SAPNHAP_WAREHOUSE_PATH": str(settings.working_path)},
    )
    failed_blocking |= result.returncode != 0
    if failed_blocking:
        click.echo("Some blocking checks failed.", err=True)
        sys.exit(1)
    click.echo("All blocking checks passed.")


if __name__ == "__main__":
    main()
