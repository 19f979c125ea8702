"""`sapnhap`: the command line. generate demo data, run the pipeline, write reports, check.

Every command reads SAPNHAP_DATA_DIR (default ./data) through settings.get_settings().
"""

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


def execute_main_job(partition_key: str | None = None) -> bool:
    """Run the main job in process, recorded in the project's Dagster instance."""
    from dagster import DagsterInstance

    from dagster_project.dagster_home import ensure_dagster_home
    from dagster_project.dbt_project import prepare_manifest

    ensure_dagster_home()
    prepare_manifest()
    from dagster_project.definitions import defs
    from dagster_project.jobs import MAIN_JOB
    from dagster_project.partitions import monthly_partitions

    job = defs.resolve_job_def(MAIN_JOB)
    partition_key = partition_key or monthly_partitions.get_last_partition_key()
    click.echo(f"  report month {partition_key}")
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


if __name__ == "__main__":
    main()
