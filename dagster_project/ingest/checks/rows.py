"""Checks over several columns of one row (a delivery's `checks`), as polars expressions."""

import polars as pl

from dagster_project.contract import Delivery
from dagster_project.contract.model import (
    CENTURY_START,
    AgeBetween,
    Condition,
    IdMatchesBirthYear,
    IdMatchesSex,
    NotAllowedWhen,
    RequiredWhen,
)
from dagster_project.ingest.checks.frame import Check, blank, fmt


def condition(c: Condition) -> pl.Expr:
    """True where the parsed value is (or with `negate` is not) one of the values; null where
    the value is missing or invalid (so a check on it does not fire)."""
    col = pl.col(c.column)
    if len(c.values) == 1:
        return (col != c.values[0]) if c.negate else (col == c.values[0])
    found = col.is_in(list(c.values))
    return ~found if c.negate else found


def all_of(conditions: tuple[Condition, ...]) -> pl.Expr:
    out = condition(conditions[0])
    for c in conditions[1:]:
        out = out & condition(c)
    return out


def _required_when(r: RequiredWhen) -> Check:
    return Check(r.column, r.reason, all_of(r.when) & blank(r.column),
                 pl.lit(r.detail_vi.format(who=r.vi)), pl.lit(r.detail_en.format(who=r.en)))


def _not_allowed_when(r: NotAllowedWhen) -> Check:
    return Check(r.column, r.reason, all_of(r.when))


def _id_digit(column: str) -> pl.Expr:
    """Digit 4 of a national ID: the century and sex code."""
    return pl.col(column).str.slice(3, 1).cast(pl.Int32, strict=False)


def _id_matches_sex(r: IdMatchesSex) -> Check:
    nid, sex, code = pl.col(r.column), pl.col(r.sex), _id_digit(r.column)
    id_sex = pl.when(code % 2 == 0).then(pl.lit(r.male)).otherwise(pl.lit(r.female))
    return Check(r.column, r.reason, nid.is_not_null() & (id_sex != sex),
                 fmt(r.detail_vi, sex=sex, digit=code), fmt(r.detail_en, sex=sex, digit=code))


def _id_matches_birth_year(r: IdMatchesBirthYear) -> Check:
    nid, dob = pl.col(r.column), pl.col(r.birth)
    yy = nid.str.slice(4, 2).cast(pl.Int32, strict=False)
    id_year = _id_digit(r.column).replace_strict(CENTURY_START, default=None, return_dtype=pl.Int32) + yy
    digits = nid.str.slice(4, 2)
    return Check(r.column, r.reason, nid.is_not_null() & (id_year != dob.dt.year()),
                 fmt(r.detail_vi, year=dob.dt.year(), digits=digits),
                 fmt(r.detail_en, year=dob.dt.year(), digits=digits))


def _age_between(r: AgeBetween) -> Check:
    dob, at = pl.col(r.column), pl.col(r.at)
    age = (
        at.dt.year() - dob.dt.year()
        - ((at.dt.month() * 100 + at.dt.day()) < (dob.dt.month() * 100 + dob.dt.day())).cast(pl.Int32)
    )
    return Check(r.column, r.reason, (age < r.min) | (age > r.max),
                 fmt(r.detail_vi, age=age, min=r.min, max=r.max),
                 fmt(r.detail_en, age=age, min=r.min, max=r.max))


ROW_CHECKS = {
    RequiredWhen: _required_when,
    NotAllowedWhen: _not_allowed_when,
    IdMatchesSex: _id_matches_sex,
    IdMatchesBirthYear: _id_matches_birth_year,
    AgeBetween: _age_between,
}


def row_checks(delivery: Delivery) -> list[Check]:
    """The delivery's checks over several columns of a row, in the order described."""
    return [ROW_CHECKS[type(r)](r) for r in delivery.checks]
