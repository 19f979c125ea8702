"""Jobs, the schedule and the sensor.

The main job builds the whole warehouse from every delivered file, publishes it, and writes
the report pack of one month (its partition). The schedule runs it at 06:00 on the 1st of
each month (Asia/Ho_Chi_Minh) for the month just ended; the sensor runs it when files in
raw/ change.
"""

import os

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    build_schedule_from_partitioned_job,
    define_asset_job,
    sensor,
)

from dagster_project.partitions import monthly_partitions
from dagster_project.settings import get_settings
from dagster_project.warehouse.raw_files import last_built, raw_fingerprint

MAIN_JOB = "monthly_build"

monthly_build = define_asset_job(
    MAIN_JOB,
    selection=AssetSelection.all(),
    partitions_def=monthly_partitions,
    description=(
        "Load the reference data and every delivery, build the marts, run the checks, "
        "publish the warehouse, and write the report pack of the month."
    ),
)

REPORT_JOB = "monthly_report"

monthly_report = define_asset_job(
    REPORT_JOB,
    selection=AssetSelection.groups("reports"),
    partitions_def=monthly_partitions,
    description=(
        "Write the report pack of a month from the published warehouse, without rebuilding: "
        "backfill it over all months from the UI or with `sapnhap backfill`."
    ),
)

monthly_schedule = build_schedule_from_partitioned_job(
    monthly_build,
    name="monthly_report_schedule",
    hour_of_day=6,
    minute_of_hour=0,
    description="06:00 on the 1st of each month (Asia/Ho_Chi_Minh): build, publish and report the month just ended.",
    default_status=DefaultScheduleStatus.RUNNING,
)


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
    description="Starts a build of the latest month when files in raw/ are added, changed or removed.",
)
def raw_files_sensor(context: SensorEvaluationContext):
    settings = get_settings()
    fingerprint = raw_fingerprint(settings.raw_dir)
    if fingerprint == context.cursor:
        return SkipReason("No new or changed files in raw/.")
    context.update_cursor(fingerprint)
    if fingerprint == last_built(settings.build_dir):
        return SkipReason("The published warehouse was built from these files already.")
    last = monthly_partitions.get_last_partition_key()
    return RunRequest(run_key=f"raw-{fingerprint}", partition_key=last,
                      tags={"sapnhap/trigger": "raw_files_sensor"})


jobs = [monthly_build, monthly_report]
schedules = [monthly_schedule]
sensors = [raw_files_sensor]
