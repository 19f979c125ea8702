"""`sapnhap`: the command line. Generate demo data, run the pipeline, write reports, check.

Every command reads SAPNHAP_DATA_DIR (default: the checkout's data/) through
settings.get_settings(). An expected condition (a wrong month, a month without data, a missing
folder) ends the command with one line and exit status 1, never a stack trace; `run` and
`report` end with one line saying what was built, published and written.
"""

import sys
import time
from importlib.metadata import version
from pathlib import Path

import click

from dagster_project import guard
from dagster_project.guard import RunInProgress
from dagster_project.quick_exit import run_and_exit
from dagster_project.settings import DATA_DIR_ENV, SHIPPED_REFERENCE_DIR, Settings, get_settings
from dagster_project.warehouse.months import MonthError, describe, months_with_data, parse_month


class UserError(click.ClickException):
    """An expected condition: shown as one line, exit status 1."""

    def show(self, file=None) -> None:
        click.echo(f"sapnhap: {self.format_message()}", err=True)


class Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (MonthError, RunInProgress) as e:
            raise UserError(str(e)) from None


@click.group(cls=Group)
@click.version_option(version("sapnhap"), prog_name="sapnhap")
def main() -> None:
    """sapnhap: Vietnam's 2025 administrative merger, staff and Decree 178/67 warehouse."""


def has_personnel(raw_dir: Path) -> bool:
    from dagster_project.warehouse.raw_files import input_files

    return any(p.relative_to(raw_dir).parts[0] == "personnel" for p in input_files(raw_dir))


def data_folder(must_exist: bool = True) -> Settings:
    """The settings of the data folder; a folder named in SAPNHAP_DATA_DIR must exist (the
    checkout's own data/ is created on demand)."""
    settings = get_settings()
    if must_exist and not settings.is_default and not settings.data_dir.is_dir():
        raise UserError(f"the data folder {settings.data_dir} does not exist: create it or set "
                        f"{DATA_DIR_ENV} to an existing folder.")
    return settings


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

    parse_month(through)
    out = (out_dir or data_folder().raw_dir).resolve()
    try:
        summary = run_generator(out, provinces=provinces, scale=scale, through=through, seed=seed,
                                clean=clean, progress=True)
    except ValueError as e:
        raise UserError(str(e)) from None
    click.echo(f"Wrote synthetic deliveries to {out}")
    for key, value in summary.items():
        if not isinstance(value, (dict, list)):
            click.echo(f"  {key}: {value}")


@main.command()
@click.option("--month", default=None, help="Report month YYYY-MM (default: the latest with data).")
def run(month: str | None) -> None:
    """Set up, generate demo data if none is present, build everything, publish, and write
    the report pack of the month."""
    from dagster_project.runner import is_current, quarantine_lines, report_month, run_month
    from dagster_project.warehouse.reference import ensure_reference

    requested = parse_month(month) if month else None
    settings = data_folder()
    started = time.perf_counter()
    if requested is not None:
        _, why = report_month(requested, [requested])
        if why:  # a month that has not ended: known before building
            raise UserError(f"no report: {why}.")
    with guard.exclusive(settings, "sapnhap run"):
        ensure_reference(settings.reference_dir, SHIPPED_REFERENCE_DIR)
        if not has_personnel(settings.raw_dir):
            click.echo(f"No personnel files in {settings.raw_dir / 'personnel'}: generating the demo data set.")
            from dagster_project.synth import generate as run_generator

            run_generator(settings.raw_dir, provinces="default", progress=True)
        if not is_current(settings):
            click.echo(f"Building the warehouse from {settings.raw_dir} ...")
        outcome = run_month(requested)
    if outcome.built:
        for line in quarantine_lines(settings):
            click.echo(line)
    _finish(started, outcome.line, ok=outcome.ok)


def _finish(started: float, line: str, ok: bool) -> None:
    click.echo(f"{line} ({time.perf_counter() - started:.0f} s)", err=not ok)
    if not ok:
        sys.exit(1)


@main.command()
@click.option("--from", "first", default=None, help="First month YYYY-MM (default: 2025-07).")
@click.option("--to", "last", default=None, help="Last month YYYY-MM (default: the latest with data).")
@click.option("--rebuild", is_flag=True,
              help="Rebuild the monthly marts of these months (one run, one dbt call) before reporting.")
def backfill(first: str | None, last: str | None, rebuild: bool) -> None:
    """Build and publish once, then write the report pack of every month with data, one
    Dagster run a month, one after the other (one DuckDB writer at a time). With --rebuild,
    a warehouse already built from these files has the months from --from to --to of its
    monthly marts rebuilt (and what reads them), in one run, before the reports."""
    from dagster_project.partitions import FIRST_MONTH

    start = parse_month(first or FIRST_MONTH)
    end = parse_month(last) if last else None
    settings = data_folder()
    started = time.perf_counter()
    with guard.exclusive(settings, "sapnhap backfill"):
        _backfill(settings, start, end, started, rebuild)


def _backfill(settings, start, end, started, rebuild: bool = False) -> None:
    from dagster_project.partitions import FIRST_MONTH, last_ended_month, month_start
    from dagster_project.runner import build_warehouse, is_current, report_month, write_report

    built = "Nothing new to build"
    if not is_current(settings):
        # A partial rebuild of changed files would leave other months as they were: build all.
        click.echo(f"Building the warehouse from {settings.raw_dir} ...")
        build = build_warehouse()
        if not build.success:
            _finish(started, f"Build failed ({build.failure}); nothing was backfilled.", ok=False)
        built = "Built and published"
    elif rebuild:
        first = max(start, month_start(FIRST_MONTH))
        last = min(end or month_start(last_ended_month()), month_start(last_ended_month()))
        if last < first:
            raise UserError(f"no month to rebuild between {first:%m/%Y} and {last:%m/%Y}.")
        click.echo(f"Rebuilding the months {first:%m/%Y} to {last:%m/%Y} of the monthly marts ...")
        build = build_warehouse([f"{first:%Y-%m}", f"{last:%Y-%m}"])
        if not build.success:
            _finish(started, f"Rebuild failed ({build.failure}); nothing was backfilled.", ok=False)
        built = f"Rebuilt {first:%m/%Y}-{last:%m/%Y} and published"
    available = months_with_data(settings.published_path)
    latest, why = report_month(None, available)
    if latest is None:
        _finish(started, f"{built}; no report: {why}.", ok=False)
    end = min(end or latest, latest)
    months = [m for m in available if start <= m <= end]
    failed, restated = [], []
    with click.progressbar(months, label="Report packs") as bar:
        for month in bar:
            outcome = write_report(month)
            if not outcome.success:
                failed.append(f"{month:%m/%Y}")
            elif outcome.restated:
                restated.append(f"{month:%m/%Y} ({', '.join(outcome.restated)})")
    line = f"{built}; reported {len(months)} months ({describe(months)})"
    if restated:
        line += f"; restated: {'; '.join(restated)}: figures changed since the reports issued before"
    _finish(started, line + (f"; failed: {', '.join(failed)}." if failed else "."), ok=not failed)


@main.command()
@click.option("--month", default=None, help="Report month YYYY-MM (default: the latest with data).")
def report(month: str | None) -> None:
    """Write the report pack of a month from the published warehouse (no rebuild)."""
    from dagster_project.runner import report_month, restated_note, write_report

    requested = parse_month(month) if month else None
    settings = data_folder()
    if not settings.published_path.exists():
        raise UserError(f"no published warehouse at {settings.published_path}: run `sapnhap run` first.")
    started = time.perf_counter()
    target, why = report_month(requested, months_with_data(settings.published_path))
    if target is None:
        raise UserError(f"no report: {why}.")
    outcome = write_report(target)
    where = settings.reports_dir / f"{target:%Y-%m}"
    if not outcome.success:
        _finish(started, f"Report {target:%m/%Y} failed ({outcome.failure}).", ok=False)
    _finish(started, f"Report {target:%m/%Y} written to {where}{restated_note(outcome.restated)}.", ok=True)


@main.command()
@click.option("--out", "out_dir", default=".", show_default=True, type=click.Path(path_type=Path),
              help="Folder the workbooks are written to.")
def template(out_dir: Path) -> None:
    """Write the workbooks a province fills in (units, lineage, roster, decisions), with
    Vietnamese headers, drop-downs, input checks and an instructions sheet."""
    from dagster_project.deliver.template import write_templates

    for path in write_templates(out_dir):
        click.echo(f"Wrote {path}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of the explanation.")
def validate(files: tuple[Path, ...], lang: str) -> None:
    """Say, before sending, what ingest would load, quarantine or reject of FILES (files or
    folders, checked together) and why; no warehouse is touched. Exit status 0 when
    everything would load, 1 when something would be quarantined or rejected, 2 for a usage
    error (a missing file)."""
    from dagster_project.deliver.validate import ValidateError, render
    from dagster_project.deliver.validate import validate as check_files

    try:
        report = check_files(list(files))
    except ValidateError as e:
        click.echo(f"sapnhap: {e.vi if lang == 'vi' else e.en}", err=True)
        sys.exit(2)
    click.echo(render(report, lang), nl=False)
    sys.exit(0 if report.clean else 1)


@main.command()
def check() -> None:
    """Run the quality checks on the last build: row reconciliation, Great Expectations
    suites on raw.*, and every dbt data test. Exits 1 if a blocking check fails."""
    import duckdb

    from dagster_project.dbt_project import DATA_TEST_COMMAND, prepare_manifest, run_dbt
    from dagster_project.ingest import reconcile
    from dagster_project.quality.deliveries import describe as describe_missing
    from dagster_project.quality.deliveries import missing_deliveries
    from dagster_project.quality.suites import BLOCKING, SEVERITIES, run_suite

    settings = data_folder()
    if not settings.working_path.exists():
        raise UserError(f"no build at {settings.working_path}: run `sapnhap run` first.")
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
        missing = missing_deliveries(con) if con.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts' "
            "and table_name = 'fct_delivery_status'").fetchone()[0] else []
    finally:
        con.close()
    if missing:
        click.echo(f"  WARN  deliveries: {len(missing)} province-month(s) not delivered in full "
                   "(their balance is not computed; the month's report is provisional):")
        for m in missing:
            click.echo(f"          {describe_missing(m)}")
    else:
        click.echo("  PASS  deliveries: every province delivered every month in full")
    prepare_manifest()
    click.echo("dbt data tests:")
    result = run_dbt(DATA_TEST_COMMAND, warehouse=settings.working_path, check=False)
    failed_blocking |= result.returncode != 0
    if failed_blocking:
        raise UserError("some blocking checks failed.")
    click.echo("All blocking checks passed.")


def entry() -> None:
    """The `sapnhap` command: `main`, then the process ends without the interpreter's teardown
    (quick_exit.py: 1.4 s of every run at national scale, measured on an added month)."""
    run_and_exit(main)


if __name__ == "__main__":
    entry()
