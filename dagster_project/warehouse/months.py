"""Which report months a warehouse has data for, and which month a command means.

A report month is a month after the merger (from July 2025) in which at least one province's
roster was loaded. Commands that take no month use the latest such month, never the clock.
"""

import re
from datetime import date
from pathlib import Path

import duckdb

FIRST_REPORT_MONTH = date(2025, 7, 1)
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class MonthError(ValueError):
    """A month argument that cannot be used: the message is the one line the user sees."""


def parse_month(text: str) -> date:
    """"2025-07" -> date(2025, 7, 1); a clear MonthError for anything else."""
    m = MONTH_PATTERN.match(text.strip())
    if not m or not 1 <= int(m[2]) <= 12:
        raise MonthError(f"'{text}' is not a month: write it as YYYY-MM, for example 2025-10.")
    month = date(int(m[1]), int(m[2]), 1)
    if month < FIRST_REPORT_MONTH:
        raise MonthError(f"{month:%m/%Y} is before the merger: report months start in 07/2025.")
    return month


def months_with_data(warehouse: Path) -> list[date]:
    """Report months with any roster in `warehouse` (a built or published file), oldest first;
    empty when the file or the mart is missing."""
    if not Path(warehouse).exists():
        return []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'fct_staffing_balance'").fetchone()[0]
        if not found:
            return []
        rows = con.execute(
            "select distinct report_month from marts.fct_staffing_balance "
            "where report_month >= ? order by 1", [FIRST_REPORT_MONTH]).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def describe(months: list[date]) -> str:
    """'07/2025 to 10/2026' (or 'none')."""
    if not months:
        return "none"
    if len(months) == 1:
        return f"{months[0]:%m/%Y}"
    return f"{months[0]:%m/%Y} to {months[-1]:%m/%Y}"
