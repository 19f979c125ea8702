"""Jobs, the schedule and the sensors: what runs when, and for which month.

- `monthly_build` builds the whole warehouse from every delivered file, runs the checks and
  publishes it. The monthly marts in it (fct_staffing_balance, fct_staffing_balance_field,
  fct_policy_cohort) are partitioned by report month: a run covers a range of months, and
  every run the schedule, the sensors and `sapnhap run` start covers every month (a full
  build). A run over fewer months (a backfill from the UI, `sapnhap backfill --rebuild`,
  `runner.build_warehouse(months=...)`) rewrites only those months of the monthly marts, of
  the person months, of the rollups tagged `by_month` and of the payment audit's rollups
  (tag `by_audit_month`); everything else in the job is rebuilt whole.
- `monthly_report` writes the report pack of one month (a partition) from the published
  warehouse. A month without any roster writes nothing and says so; its partition stays
  missing, as its pack is missing on disk.
- The schedule builds at 06:00 on the 1st (Asia/Ho_Chi_Minh). Provinces deliver the month
  just ended during the following days, so at 06:00 it is usually missing: the build
  publishes what has arrived and the report follows the latest month with data.
- `raw_files_sensor` builds again whenever files in raw/ change (a province delivers).
- `report_after_build` writes the report of the latest month with data after every
  successful build started by the schedule, the sensor or the UI (the CLI reports itself).
  A month some provinces have not delivered yet is reported as provisional, naming them;
  when their files arrive the sensor rebuilds and the report is written again.
"""

import os

from dagster import (
    AssetSelection,
    DagsterRunStatus,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    RunStatusSensorContext,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    run_status_sensor,
    schedule,
    sensor,
)

from dagster_project.partitions import (
    TIMEZONE,
    full_build_tags,
    last_ended_month,
    monthly_partitions,
)
from dagster_project.settings import get_settings
from dagster_project.warehouse.months import months_with_data
from dagster_project.warehouse.raw_files import build_fingerprint, last_built

MAIN_JOB = "monthly_build"
REPORT_JOB = "monthly_report"
REPORT_GROUP = "reports"
TRIGGER_TAG = "sapnhap/trigger"
MONTH_TAG = "sapnhap/month"
CLI_TRIGGER = "cli"

monthly_build = define_asset_job(
    MAIN_JOB,
    selection=AssetSelection.all() - AssetSelection.groups(REPORT_GROUP),
    partitions_def=monthly_partitions,
    description=(
        "Load the reference data and every delivery, build the marts, run the checks and "
        "publish the warehouse. Launched over every month, it builds everything; over a range "
        "of months (a backfill: one run, one dbt invocation), it rewrites only those months of "
        "the monthly marts and rebuilds what reads them."
    ),
)

monthly_report = define_asset_job(
    REPORT_JOB,
    selection=AssetSelection.groups(REPORT_GROUP),
    partitions_def=monthly_partitions,
    description=(
        "Write the report pack of a month from the published warehouse, without rebuilding: "
        "backfill it over all months from the UI or with `sapnhap backfill`."
    ),
)


@schedule(
    cron_schedule="0 6 1 * *",
    execution_timezone=TIMEZONE,
    job=monthly_build,
    name="monthly_report_schedule",
    default_status=DefaultScheduleStatus.RUNNING,
    description=(
        "06:00 on the 1st of each month (Asia/Ho_Chi_Minh): build and publish what has "
        "arrived; the report of the latest month with data follows (report_after_build)."
    ),
)
def monthly_schedule(context: ScheduleEvaluationContext):
    month = last_ended_month(context.scheduled_execution_time)
    return RunRequest(run_key=f"scheduled-{month}",
                      tags={TRIGGER_TAG: "monthly_report_schedule", MONTH_TAG: month,
                            **full_build_tags(context.scheduled_execution_time)})


def _sensor_default() -> DefaultSensorStatus:
    # Tests that start the UI on a scratch data folder turn it off; operators get it on.
    if os.environ.get("SAPNHAP_SENSOR_DEFAULT", "running") == "stopped":
        return DefaultSensorStatus.STOPPED
    return DefaultSensorStatus.RUNNING


@sensor(
    name="raw_files_sensor",
    job=monthly_build,
    minimum_interval_seconds=60,
    default_status=_sensor_default(),
    description="Builds and publishes again when files in raw/ are added, changed or removed.",
)
def raw_files_sensor(context: SensorEvaluationContext):
    settings = get_settings()
    fingerprint = build_fingerprint(settings.raw_dir)
    if fingerprint == context.cursor:
        return SkipReason("No new or changed files in raw/ (and no change of code).")
    context.update_cursor(fingerprint)
    if fingerprint == last_built(settings.build_dir):
        return SkipReason("The published warehouse was built from these files already.")
    return RunRequest(run_key=f"raw-{fingerprint}",
                      tags={TRIGGER_TAG: "raw_files_sensor", **full_build_tags()})


def report_request(run_id: str, trigger: str | None) -> RunRequest | SkipReason:
    """After a successful build: the report run of the latest month with data, if any."""
    if trigger == CLI_TRIGGER:
        return SkipReason("Built by the command line, which writes its own report.")
    settings = get_settings()
    last = monthly_partitions.get_last_partition_key()
    months = [m for m in months_with_data(settings.published_path) if f"{m:%Y-%m}" <= last]
    if not months:
        return SkipReason("No month after the merger has a roster yet: no report to write.")
    month = f"{months[-1]:%Y-%m}"
    return RunRequest(run_key=f"report-{run_id}", partition_key=month,
                      tags={TRIGGER_TAG: "report_after_build", MONTH_TAG: month})


@run_status_sensor(
    run_status=DagsterRunStatus.SUCCESS,
    name="report_after_build",
    monitored_jobs=[monthly_build],
    request_job=monthly_report,
    default_status=_sensor_default(),
    description="After each successful build, writes the report of the latest month with data.",
)
def report_after_build(context: RunStatusSensorContext):
    run = context.dagster_run
    return report_request(run.run_id, run.tags.get(TRIGGER_TAG))


jobs = [monthly_build, monthly_report]
schedules = [monthly_schedule]
sensors = [raw_files_sensor, report_after_build]
