"""Report months: one partition per month from July 2025 (the first month of the new
structure), in Vietnam's time zone. Keys look like "2025-07"."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dagster import MonthlyPartitionsDefinition

FIRST_MONTH = "2025-07"
TIMEZONE = "Asia/Ho_Chi_Minh"

monthly_partitions = MonthlyPartitionsDefinition(
    start_date=FIRST_MONTH, fmt="%Y-%m", timezone=TIMEZONE, end_offset=0
)


def month_start(partition_key: str) -> date:
    """"2025-07" -> date(2025, 7, 1), the report_month of the marts."""
    year, month = partition_key.split("-")
    return date(int(year), int(month), 1)


def last_ended_month(now: datetime | None = None) -> str:
    """The month that ended last before `now` in Vietnam (default: the clock): "2026-11" on
    1 December 2026."""
    now = (now or datetime.now(ZoneInfo(TIMEZONE))).astimezone(ZoneInfo(TIMEZONE))
    year, month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def all_months(now: datetime | None = None) -> list[str]:
    """Every partition key from FIRST_MONTH to the last month ended by `now` (the clock)."""
    return list(monthly_partitions.get_partition_keys(current_time=now))


def shift_month(month: str, by: int) -> str:
    """The month key `by` months after `month` (before, when negative)."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def in_months(months: list[str], column: str = "report_month") -> str:
    """SQL: `column` in one of `months` ("YYYY-MM"), as one range of dates per run of
    consecutive months (DuckDB skips the row groups outside a range; an `in` list it reads
    whole: the cohort's two months 0.30 -> 0.12 s nationally)."""
    ranges: list[list[str]] = []
    for month in sorted(set(months)):
        if ranges and shift_month(ranges[-1][1], 1) == month:
            ranges[-1][1] = month
        else:
            ranges.append([month, month])
    return " or ".join(f"({column} >= date '{first}-01' and {column} < date '{shift_month(last, 1)}-01')"
                       for first, last in ranges) or "false"


def months_between(first: str, last: str) -> list[str]:
    """The month keys from `first` to `last`, both included ("2025-11", "2026-01" -> three)."""
    start, end = month_start(first), month_start(last)
    keys = []
    index = start.year * 12 + start.month - 1
    while index <= end.year * 12 + end.month - 1:
        keys.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
        index += 1
    return keys


def months_to_build(key_range, every: list[str] | None = None) -> list[str] | None:
    """The months a run of the monthly marts rewrites, from its partition key range: None (a
    full build, every month the data hold, exactly as an unpartitioned build) when the range
    covers every partition; otherwise the range's months."""
    every = all_months() if every is None else every
    if every and key_range.start <= every[0] and key_range.end >= every[-1]:
        return None
    return months_between(key_range.start, key_range.end)


def range_tags(first: str, last: str) -> dict[str, str]:
    """The run tags of a run over the partitions `first`..`last` (one run, one dbt call)."""
    from dagster._core.storage.tags import (
        ASSET_PARTITION_RANGE_END_TAG,
        ASSET_PARTITION_RANGE_START_TAG,
    )

    return {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}


def full_build_tags(now: datetime | None = None) -> dict[str, str]:
    """The run tags of a build of every month (the schedule, the sensor, `sapnhap run`)."""
    months = all_months(now)
    return range_tags(months[0], months[-1])
