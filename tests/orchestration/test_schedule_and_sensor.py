"""The monthly schedule picks the month just ended; the sensor fires on changed files."""

from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import (
    DagsterInstance,
    RunRequest,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
)

from dagster_project.jobs import monthly_schedule, raw_files_sensor
from dagster_project.partitions import month_start, monthly_partitions

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _requests(when: datetime):
    with DagsterInstance.ephemeral() as instance:
        context = build_schedule_context(instance=instance, scheduled_execution_time=when)
        result = monthly_schedule.evaluate_tick(context)
    return result.run_requests or []


def test_schedule_runs_at_six_on_the_first_in_vietnam_time():
    assert monthly_schedule.cron_schedule == "0 6 1 * *"
    assert monthly_schedule.execution_timezone == "Asia/Ho_Chi_Minh"


def test_schedule_on_1_august_2026_builds_july_2026():
    requests = _requests(datetime(2026, 8, 1, 6, 0, tzinfo=VN))
    assert [r.partition_key for r in requests] == ["2026-07"]


def test_schedule_on_1_january_builds_december_of_the_year_before():
    requests = _requests(datetime(2026, 1, 1, 6, 0, tzinfo=VN))
    assert [r.partition_key for r in requests] == ["2025-12"]


def test_partitions_start_in_july_2025():
    keys = monthly_partitions.get_partition_keys(current_time=datetime(2025, 10, 15, tzinfo=VN))
    assert keys == ["2025-07", "2025-08", "2025-09"]
    assert month_start("2025-09").isoformat() == "2025-09-01"


def test_sensor_fires_once_per_change_of_raw_files(data_dir):
    personnel = data_dir / "raw" / "personnel"
    personnel.mkdir(parents=True)
    (personnel / "roster_2025-07-31.csv").write_text("national_id\n001190000001\n")
    with DagsterInstance.ephemeral() as instance:
        first = raw_files_sensor(build_sensor_context(instance=instance))
        assert isinstance(first, RunRequest)
        cursor = first.run_key.removeprefix("raw-")
        again = raw_files_sensor(build_sensor_context(instance=instance, cursor=cursor))
        assert isinstance(again, SkipReason)
        (personnel / "roster_2025-08-31.csv").write_text("national_id\n001190000002\n")
        changed = raw_files_sensor(build_sensor_context(instance=instance, cursor=cursor))
        assert isinstance(changed, RunRequest) and changed.run_key != first.run_key


def test_sensor_does_not_rebuild_what_was_just_published(data_dir):
    from dagster_project.settings import get_settings
    from dagster_project.warehouse.raw_files import raw_fingerprint, record_built

    personnel = data_dir / "raw" / "personnel"
    personnel.mkdir(parents=True)
    (personnel / "roster_2025-07-31.csv").write_text("national_id\n001190000001\n")
    settings = get_settings()
    record_built(settings.build_dir, raw_fingerprint(settings.raw_dir))
    with DagsterInstance.ephemeral() as instance:
        assert isinstance(raw_files_sensor(build_sensor_context(instance=instance)), SkipReason)
        (personnel / "roster_2025-08-31.csv").write_text("national_id\n001190000002\n")
        assert isinstance(raw_files_sensor(build_sensor_context(instance=instance)), RunRequest)
