"""Checks of one column at a time, from its description: a required value missing, a value
that does not parse as the column's kind, a value out of the column's bounds."""

from datetime import date

import polars as pl

from dagster_project.contract import DATE, Column, Delivery
from dagster_project.contract.model import EARLIEST_DATE, YearOf, latest_date
from dagster_project.ingest.checks.frame import Check, blank, fmt


def _num(x: float) -> str:
    return f"{x:g}"


def bounds_text(c: Column) -> str:
    """'[1, 10]', '(0, 1]', '≥ 0', '> 0', '≤ 30' from the column's fixed bounds."""
    lo = None if c.min is None else _num(c.min)
    hi = None if c.static_max is None else _num(c.static_max)
    if lo is not None and hi is not None:
        return f"{'(' if c.min_exclusive else '['}{lo}, {hi}]"
    if lo is not None:
        return f"{'>' if c.min_exclusive else '≥'} {lo}"
    return f"≤ {hi}"


def _invalid_detail(c: Column) -> tuple[pl.Expr, pl.Expr | None]:
    """What an invalid value's message says is accepted (Vietnamese, English or None: same),
    from the kind's templates; empty where a template needs what the column lacks."""
    fields = {"values": ", ".join(c.values), "digits": c.digits}

    def fill(template: str) -> str:
        try:
            return template.format(**{k: v for k, v in fields.items() if v})
        except KeyError:
            return ""

    vi = fill(c.kind.accepted_vi)
    en = None if c.kind.accepted_en is None else fill(c.kind.accepted_en)
    return pl.lit(vi), (None if en is None or not vi else pl.lit(en))


def _range_check(c: Column) -> Check:
    v = pl.col(c.name)
    if c.min is None:
        low = pl.lit(False)
    else:
        low = (v <= c.min) if c.min_exclusive else (v < c.min)
    if isinstance(c.max, YearOf):
        year = pl.col(c.max.column).dt.year()
        lo = "(" if c.min_exclusive else "["
        detail = pl.coalesce(fmt(f"{lo}{_num(c.min)}, {{year}}]", year=year), pl.lit(bounds_text(c))) \
            if c.min is not None else pl.coalesce(fmt("≤ {year}", year=year), pl.lit(""))
        return Check(c.name, "out_of_range", low | (v > year), detail)
    high = (v > c.max) if c.max is not None else pl.lit(False)
    return Check(c.name, "out_of_range", low | high, pl.lit(bounds_text(c)))


def _date_range_check(c: Column, today: date | None) -> Check:
    """A date from EARLIEST_DATE to latest_date(today)."""
    v, last = pl.col(c.name), latest_date(today)
    return Check(c.name, "out_of_range", (v < pl.lit(EARLIEST_DATE)) | (v > pl.lit(last)),
                 pl.lit(f"{EARLIEST_DATE:%d/%m/%Y} đến {last:%d/%m/%Y}"),
                 pl.lit(f"{EARLIEST_DATE:%Y-%m-%d} to {last:%Y-%m-%d}"))


def column_checks(delivery: Delivery, today: date | None = None) -> list[Check]:
    """Per column, in order: missing required value, value that does not parse (not blank and
    parsed value null), value out of bounds (a date: from EARLIEST_DATE to latest_date(today))."""
    checks = []
    for c in delivery.columns:
        missing, v = blank(c.name), pl.col(c.name)
        if c.required or (delivery.snapshot is not None and c.name == delivery.snapshot.column):
            # A roster's date may come from the file name or title instead (the engine fills
            # it in); a row still without one is a missing value.
            checks.append(Check(c.name, "missing_value", missing & v.is_null()))
        if c.kind.invalid_reason is not None:
            detail, detail_en = _invalid_detail(c)
            checks.append(Check(c.name, c.kind.invalid_reason, ~missing & v.is_null(), detail, detail_en))
        if c.min is not None or c.max is not None:
            checks.append(_range_check(c))
        if c.kind == DATE:
            checks.append(_date_range_check(c, today))
    return checks
