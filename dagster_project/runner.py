"""Run the jobs in process, as the command line does, and say what happened in one line.

`run_month` is `sapnhap run`: build and publish every month, then write the report pack of
the requested month, or of the latest month with data. Both are Dagster runs recorded in the
data set's instance (they show in the UI). Its `Outcome.line` is the last line the command
prints: built or not, published (and whether the published file changed), report written or
why not. No clock is read except to know which months have ended.
"""

import contextlib
import gc
import os
from dataclasses import dataclass
from datetime import date

from dagster_project import guard
from dagster_project.partitions import last_ended_month, month_start
from dagster_project.settings import get_settings, private_dir, private_file
from dagster_project.warehouse.months import describe, months_with_data


@dataclass(frozen=True)
class JobOutcome:
    success: bool
    run_id: str
    materialized: int
    failure: str | None  # the cause of the first failure, one line
    restated: tuple[str, ...] = ()  # scopes whose report pack restates the one on disk before


def restated_note(restated: tuple[str, ...]) -> str:
    """What the last line of a command adds when a report restates the one issued before."""
    if not restated:
        return ""
    return f"; restated for {', '.join(restated)}: figures changed since the report issued before"


def _root_cause(error) -> str:
    while getattr(error, "cause", None) is not None:
        error = error.cause
    text = (error.message or "").strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextlib.contextmanager
def _frozen_heap():
    """What the process holds when a run starts (the definitions, dbt's manifest, the modules:
    about 300,000 objects the collector tracks, living as long as the process) is left out of
    Python's full garbage collections while the run runs, and put back after: each full
    collection scanned all of it (an added month at national scale made 13, 2.5 s in all).
    Objects are still freed when nothing refers to them; a cycle among them waits for a
    collection after the run."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def execute_job(job_name: str, partition_key: str | None = None,
                extra_tags: dict[str, str] | None = None) -> JobOutcome:
    """Run a job in process, recorded in the Dagster instance of the data set. dbt's own log
    lines go to `<build>/last_<job>.log`, not the console. `extra_tags`: e.g. the partition
    range of a build (partitions.range_tags)."""
    # Loading Dagster, dbt's manifest and the definitions creates objects that live as long as
    # the process: nothing to collect meanwhile.
    gc.disable()
    try:
        from dagster import DagsterEventType, DagsterInstance

        from dagster_project.dagster_home import ensure_dagster_home
        from dagster_project.dbt_project import prepare_manifest
        from dagster_project.jobs import CLI_TRIGGER, MONTH_TAG, TRIGGER_TAG

        ensure_dagster_home()
        prepare_manifest()
        from dagster_project.definitions import defs
    finally:
        gc.enable()

    settings = get_settings()
    job = defs.resolve_job_def(job_name)
    tags = {TRIGGER_TAG: CLI_TRIGGER, guard.DATA_DIR_TAG: str(settings.data_dir),
            guard.PID_TAG: str(os.getpid())}
    if partition_key:
        tags[MONTH_TAG] = partition_key
    tags.update(extra_tags or {})
    log = settings.build_dir / f"last_{job_name}.log"
    private_dir(log.parent)
    with DagsterInstance.get() as instance, open(log, "w", encoding="utf-8") as out, \
            contextlib.redirect_stdout(out):
        private_file(log)
        with _frozen_heap():
            result = job.execute_in_process(
                instance=instance,
                partition_key=partition_key,
                raise_on_error=False,
                tags=tags,
                run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
            )
    failure = None
    for event in result.all_events:
        if event.is_step_failure:
            failure = f"{event.step_key}: {_root_cause(event.event_specific_data.error)}"
            break
        if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.blocking:
                failure = (f"blocking check {evaluation.check_name} failed on "
                           f"{evaluation.asset_key.to_user_string()}")
                break
    if failure:
        failure += f"; details in {log}"
    materialized = [e.event_specific_data.materialization for e in result.all_events if e.is_step_materialization]
    restated = tuple(scope for m in materialized if "restated" in m.metadata for scope in m.metadata["restated"].value)
    return JobOutcome(result.success, result.run_id, len(materialized), failure, restated)


def build_warehouse(months: list[str] | None = None) -> JobOutcome:
    """Build, check and publish the warehouse: THE place to say which months to build.

    `months` None: every month (a full build; the monthly marts are rebuilt whole, as on a
    first build). `months` given ("YYYY-MM", e.g. the months a delivery touched): one run over
    the partition range from the first to the last of them (months in between included),
    which rewrites only those months of the monthly marts (fct_staffing_balance,
    fct_staffing_balance_field, fct_policy_cohort) and leaves every other month's rows as they
    are, and those months of the person months and of the `by_month` rollups; everything else
    upstream and downstream of them is rebuilt whole. The caller answers for the months: rows
    of another month that the change also affects stay as they were. A warehouse without the
    monthly marts yet gets them whole either way."""
    from dagster_project.jobs import MAIN_JOB
    from dagster_project.partitions import FIRST_MONTH, full_build_tags, range_tags

    if months is None:
        return execute_job(MAIN_JOB, extra_tags=full_build_tags())
    keys = sorted(f"{month_start(m):%Y-%m}" for m in months)
    if not keys or keys[0] < FIRST_MONTH or keys[-1] > last_ended_month():
        raise ValueError(f"months to build must be between {FIRST_MONTH} and {last_ended_month()}: {months}")
    return execute_job(MAIN_JOB, extra_tags=range_tags(keys[0], keys[-1]))


def report_month(requested: date | None, available: list[date],
                 last_ended: date | None = None) -> tuple[date | None, str]:
    """The month to report, or None and why: the requested month if it has ended and has
    data; without a request, the latest month with data that has ended."""
    last = last_ended or month_start(last_ended_month())
    if requested is not None:
        if requested > last:
            return None, f"{requested:%m/%Y} has not ended yet (last ended: {last:%m/%Y})"
        if requested not in available:
            return None, (f"no province has a roster for {requested:%m/%Y} "
                          f"(months with data: {describe(available)})")
        return requested, ""
    ended = [m for m in available if m <= last]
    if not ended:
        return None, f"no month with data has ended yet (months with data: {describe(available)})"
    return ended[-1], ""


def write_report(month: date) -> JobOutcome:
    from dagster_project.jobs import REPORT_JOB

    return execute_job(REPORT_JOB, partition_key=f"{month:%Y-%m}")


def _report_record(settings, month: date):
    return settings.build_dir / f"report_{month:%Y-%m}"


def record_report(settings, month: date) -> None:
    """Remember which build the month's report pack was written from (by `sapnhap run`)."""
    from dagster_project.warehouse.raw_files import last_built

    built = last_built(settings.build_dir)
    if built:
        record = _report_record(settings, month)
        record.write_text(built + "\n")
        private_file(record)


def report_is_current(settings, month: date) -> bool:
    """The month's report pack was written by `sapnhap run` from the build that is published
    now, and its national workbook and page are still there: writing it again would give the
    same figures (at national scale the pack takes about 6 s)."""
    from dagster_project.warehouse.raw_files import last_built

    record = _report_record(settings, month)
    pack = settings.reports_dir / f"{month:%Y-%m}"
    national = [pack / f"bao_cao_{month:%Y-%m}_VN.{suffix}" for suffix in ("xlsx", "html")]
    return (record.exists() and all(p.exists() for p in national)
            and record.read_text().strip() == (last_built(settings.build_dir) or ""))


def is_current(settings) -> bool:
    """The published warehouse was built from exactly these raw files and this code."""
    from dagster_project.warehouse.raw_files import build_fingerprint, last_built

    return settings.published_path.exists() and last_built(settings.build_dir) == build_fingerprint(settings.raw_dir)


def quarantine_lines(settings) -> list[str]:
    """The console summary of what ingest set aside in the last build (read-only)."""
    import duckdb

    from dagster_project.quality.summary import quarantine_summary

    if not settings.working_path.exists():
        return []
    con = duckdb.connect(str(settings.working_path), read_only=True)
    try:
        return quarantine_summary(con)
    except duckdb.CatalogException:  # a build that stopped before ingest
        return []
    finally:
        con.close()


@dataclass(frozen=True)
class Outcome:
    ok: bool
    line: str
    built: bool  # a build ran (successful or not); False when nothing was new
    published_changed: bool
    month: date | None  # the report month, written or attempted
    report_written: bool


def run_month(requested: date | None = None) -> Outcome:
    """Build and publish, then report `requested` (or the latest month with data)."""

    settings = get_settings()
    with guard.exclusive(settings, "sapnhap run"):
        return _build_and_report(settings, requested)


def _build_and_report(settings, requested: date | None) -> Outcome:
    ran = not is_current(settings)
    if not ran:
        built, changed = "Nothing new since the last build", False
        published = f"the published warehouse is current ({settings.published_path})"
    else:
        before = guard.file_state(settings.published_path)
        build = build_warehouse()
        changed = guard.file_state(settings.published_path) != before
        built = "Built"
        published = (f"published {settings.published_path} (replaced)" if changed
                     else f"the published warehouse was left as it was ({settings.published_path})")
        if not build.success:
            return Outcome(False, f"Build failed ({build.failure}); {published}; no report written.",
                           True, changed, None, False)
    target, why = report_month(requested, months_with_data(settings.published_path))
    if target is None:
        return Outcome(False, f"{built}: {published}; no report: {why}.", ran, changed,
                       requested, False)
    where = settings.reports_dir / f"{target:%Y-%m}"
    if not ran and report_is_current(settings, target):
        return Outcome(True, f"{built}: {published}; report {target:%m/%Y} is current ({where}).",
                       ran, changed, target, False)
    report = write_report(target)
    if report.success and where.is_dir():
        record_report(settings, target)
        return Outcome(True, f"{built}: {published}; report {target:%m/%Y} written to {where}"
                             f"{restated_note(report.restated)}.", ran, changed, target, True)
    return Outcome(False, f"{built}: {published}; report {target:%m/%Y} failed ({report.failure}).",
                   ran, changed, target, False)
