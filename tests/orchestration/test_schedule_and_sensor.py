"""When runs start and for which month: the schedule at 06:00 on the 1st, the sensor on
changed files, and the report after a build (the latest month with data, never the clock's
month when that month has not been delivered)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import duckdb
from dagster import (
    DagsterInstance,
    RunRequest,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
)

from dagster_project.jobs import monthly_schedule, raw_files_sensor, report_request
from dagster_project.partitions import last_ended_month, month_start, monthly_partitions
from dagster_project.runner import report_month

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _requests(when: datetime):
    with DagsterInstance.ephemeral() as instance:
        context = build_schedule_context(instance=instance, scheduled_execution_time=when)
        result = monthly_schedule.evaluate_tick(context)
    return result.run_requests or []


def test_schedule_runs_at_six_on_the_first_in_vietnam_time():
    assert monthly_schedule.cron_schedule == "0 6 1 * *"
    assert monthly_schedule.execution_timezone == "Asia/Ho_Chi_Minh"


def test_schedule_on_1_august_2026_builds_and_names_july_2026():
    requests = _requests(datetime(2026, 8, 1, 6, 0, tzinfo=VN))
    assert len(requests) == 1
    assert requests[0].tags["sapnhap/month"] == "2026-07"
    # The build holds every month: one run over every monthly partition, July 2025 to the
    # month just ended (not one run per month, not the month alone).
    assert requests[0].partition_key is None
    key_range = requests[0].partition_key_range
    assert (key_range.start, key_range.end) == ("2025-07", "2026-07")


def test_schedule_on_1_january_names_december_of_the_year_before():
    requests = _requests(datetime(2026, 1, 1, 6, 0, tzinfo=VN))
    assert requests[0].tags["sapnhap/month"] == "2025-12"


def test_the_month_just_ended_is_read_in_vietnam_time():
    # 23:30 UTC on 30 Nov is 06:30 on 1 Dec in Hà Nội: November has ended there.
    assert last_ended_month(datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("UTC"))) == "2026-11"
    assert last_ended_month(datetime(2026, 11, 30, 16, 0, tzinfo=ZoneInfo("UTC"))) == "2026-10"


def test_partitions_start_in_july_2025():
    keys = monthly_partitions.get_partition_keys(current_time=datetime(2025, 10, 15, tzinfo=VN))
    assert keys == ["2025-07", "2025-08", "2025-09"]
    assert month_start("2025-09").isoformat() == "2025-09-01"


DATA = [date(2025, 7, 1), date(2025, 8, 1), date(2025, 9, 1), date(2025, 10, 1)]


def test_without_a_month_the_latest_month_with_data_is_reported_whatever_the_day():
    # The 1st of the month after the data end, before deliveries arrive; a month later; a
    # year later: always October, the last month with data (the old default, the month just
    # ended, had no data and failed).
    for today in (date(2025, 11, 1), date(2025, 12, 1), date(2026, 11, 1)):
        last_ended = month_start(last_ended_month(datetime(today.year, today.month, today.day, 6, 5, tzinfo=VN)))
        assert report_month(None, DATA, last_ended) == (date(2025, 10, 1), "")


def test_a_month_with_data_that_has_not_ended_is_not_reported_yet():
    # On 15 October the October rosters dated mid-month are in, but October has not ended.
    month, why = report_month(None, DATA, date(2025, 9, 1))
    assert month == date(2025, 9, 1) and why == ""
    month, why = report_month(date(2025, 10, 1), DATA, date(2025, 9, 1))
    assert month is None and "has not ended" in why


def test_a_requested_month_without_data_is_refused_with_the_months_that_have_data():
    month, why = report_month(date(2025, 11, 1), DATA, date(2026, 11, 1))
    assert month is None
    assert why == "no province has a roster for 11/2025 (months with data: 07/2025 to 10/2025)"


def _published_with_months(settings, months):
    settings.published_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.published_path))
    con.execute("create schema marts")
    con.execute("create table marts.fct_staffing_balance (report_month date, unit_code varchar)")
    con.executemany("insert into marts.fct_staffing_balance values (?, 'u')", [[m] for m in months])
    con.close()


def test_after_a_build_the_report_follows_the_latest_month_with_data(data_dir):
    from dagster_project.settings import get_settings

    settings = get_settings()
    assert isinstance(report_request("run-1", "raw_files_sensor"), SkipReason)  # nothing published
    _published_with_months(settings, DATA)
    request = report_request("run-2", "monthly_report_schedule")
    assert isinstance(request, RunRequest)
    assert request.partition_key == "2025-10"
    assert request.run_key == "report-run-2"
    # A build the command line started: the command writes its own report.
    assert isinstance(report_request("run-3", "cli"), SkipReason)


def test_sensor_fires_once_per_change_of_raw_files(data_dir):
    personnel = data_dir / "raw" / "personnel"
    personnel.mkdir(parents=True)
    (personnel / "roster_2025-07-31.csv").write_text("national_id\n001190000001\n")
    with DagsterInstance.ephemeral() as instance:
        first = raw_files_sensor(build_sensor_context(instance=instance))
        assert isinstance(first, RunRequest)
        # Every month: the files that changed may touch any of them.
        assert first.partition_key_range.start == "2025-07"
        assert first.partition_key_range.end == last_ended_month()
        cursor = first.run_key.removeprefix("raw-")
        again = raw_files_sensor(build_sensor_context(instance=instance, cursor=cursor))
        assert isinstance(again, SkipReason)
        (personnel / "roster_2025-08-31.csv").write_text("national_id\n001190000002\n")
        changed = raw_files_sensor(build_sensor_context(instance=instance, cursor=cursor))
        assert isinstance(changed, RunRequest) and changed.run_key != first.run_key


def test_sensor_does_not_rebuild_what_was_just_published(data_dir):
    from dagster_project.settings import get_settings
    from dagster_project.warehouse.raw_files import (
        build_fingerprint,
        record_built,
        record_published,
    )

    personnel = data_dir / "raw" / "personnel"
    personnel.mkdir(parents=True)
    (personnel / "roster_2025-07-31.csv").write_text("national_id\n001190000001\n")
    settings = get_settings()
    record_published(settings.build_dir, build_fingerprint(settings.raw_dir))
    record_built(settings.build_dir)
    with DagsterInstance.ephemeral() as instance:
        assert isinstance(raw_files_sensor(build_sensor_context(instance=instance)), SkipReason)
        (personnel / "roster_2025-08-31.csv").write_text("national_id\n001190000002\n")
        assert isinstance(raw_files_sensor(build_sensor_context(instance=instance)), RunRequest)


def test_a_build_killed_after_publish_but_before_its_docs_is_not_current(data_dir):
    """The build counts as done at its last step (the docs): a run killed between publish and
    the docs builds again instead of saying "nothing new" over missing docs."""
    from dagster_project.runner import is_current
    from dagster_project.settings import get_settings
    from dagster_project.warehouse.raw_files import (
        build_fingerprint,
        record_built,
        record_published,
    )

    personnel = data_dir / "raw" / "personnel"
    personnel.mkdir(parents=True)
    (personnel / "roster_2025-07-31.csv").write_text("national_id\n001190000001\n")
    settings = get_settings()
    settings.published_path.parent.mkdir(parents=True, exist_ok=True)
    settings.published_path.write_bytes(b"published")
    record_published(settings.build_dir, build_fingerprint(settings.raw_dir))
    assert not is_current(settings)
    with DagsterInstance.ephemeral() as instance:
        assert isinstance(raw_files_sensor(build_sensor_context(instance=instance)), RunRequest)
    record_built(settings.build_dir)
    assert is_current(settings)
