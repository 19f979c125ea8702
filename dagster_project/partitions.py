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
