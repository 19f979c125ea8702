"""The contract's rules as checks on a frame of parsed rows.

A frame here holds, for every contract column `c`, the text as delivered in `__raw_c` and the
parsed value in `c`, plus `__rid` (the row's position in delivery order: file path, sheet
order, row) and the provenance columns. A `Check` is a boolean expression that is true where a
row breaks a rule; `find_errors` turns a list of checks into one row per broken rule.
"""

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from dagster_project.contract import (
    BOOLEAN,
    CODE,
    DATE,
    DECIMAL,
    ENUM,
    INTEGER,
    LAST_PRE_SNAPSHOT,
    Column,
    Table,
)

ERROR_SCHEMA = {
    "__rid": pl.UInt32,
    "column_name": pl.String,
    "value": pl.String,
    "rule": pl.String,
    "detail_vi": pl.String,
    "detail_en": pl.String,
}
LAST_PRE = date.fromisoformat(LAST_PRE_SNAPSHOT)
MIN_AGE, MAX_AGE = 16, 75


@dataclass
class Check:
    column: str  # the column the quarantine row names
    rule: str
    cond: pl.Expr  # true where the row breaks the rule (null counts as false)
    detail_vi: pl.Expr = field(default_factory=lambda: pl.lit(""))
    detail_en: pl.Expr | None = None  # None: same as detail_vi
    value: pl.Expr | None = None  # None: the column's text as delivered (else its parsed value)


def raw(name: str) -> pl.Expr:
    """The text as delivered."""
    return pl.col(f"__raw_{name}")


def blank(name: str) -> pl.Expr:
    """True where the delivered value is missing: null, empty or only whitespace."""
    return pl.col(f"__blank_{name}")


def fmt(template: str, *args: pl.Expr | int) -> pl.Expr:
    """Like pl.format (which panics under a lazy filter in polars 2.1): `{}` takes each arg."""
    pieces = template.split("{}")
    items: list[pl.Expr] = []
    for i, piece in enumerate(pieces):
        if piece:
            items.append(pl.lit(piece))
        if i < len(args):
            arg = args[i]
            items.append(pl.lit(str(arg)) if isinstance(arg, int) else arg.cast(pl.String))
    return pl.concat_str(items)


def _num(x: float) -> str:
    return f"{x:g}"


def bounds_text(c: Column) -> str:
    lo = None if c.min is None else _num(c.min)
    hi = None if c.max is None else _num(c.max)
    if lo is not None and hi is not None:
        return f"{'(' if c.min_exclusive else '['}{lo}, {hi}]"
    if lo is not None:
        return f"{'>' if c.min_exclusive else '≥'} {lo}"
    return f"≤ {hi}"


def column_checks(table: Table) -> list[Check]:
    """Missing required value, value that does not parse, value out of bounds: per column.

    A value is invalid when it is not blank and did not parse (parsed value null)."""
    invalid_rule = {DATE: "invalid_date", DECIMAL: "invalid_number", INTEGER: "invalid_number",
                    ENUM: "invalid_enum", BOOLEAN: "invalid_enum", CODE: "invalid_code"}
    checks = []
    for c in table.columns:
        missing, v = blank(c.name), pl.col(c.name)
        if c.required:
            checks.append(Check(c.name, "missing_value", missing))
        if c.kind in invalid_rule:
            if c.kind == ENUM:
                detail = pl.lit(", ".join(c.values))
            elif c.kind == BOOLEAN:
                detail = pl.lit("true/false")
            elif c.kind == CODE:
                detail = pl.lit(f"{c.digits} chữ số" if c.digits else "")
            else:
                detail = pl.lit("")
            detail_en = pl.lit(f"{c.digits} digits") if c.kind == CODE and c.digits else None
            checks.append(Check(c.name, invalid_rule[c.kind], ~missing & v.is_null(),
                                detail, detail_en))
        if c.min is not None or c.max is not None:
            low = (v <= c.min) if c.min_exclusive else (v < c.min) if c.min is not None else pl.lit(False)
            high = (v > c.max) if c.max is not None else pl.lit(False)
            checks.append(Check(c.name, "out_of_range", low | high, pl.lit(bounds_text(c))))
    return checks


def _required_for(vi: str, en: str) -> tuple[pl.Expr, pl.Expr]:
    return pl.lit(f" (bắt buộc với {vi})"), pl.lit(f" (required for {en})")


def row_checks(table: Table) -> list[Check]:
    """Rules that look at several columns of one row."""
    if table.name == "units":
        period, level = pl.col("period"), pl.col("level")
        return [
            Check("district_code", "missing_value",
                  (period == "pre") & level.is_in(["district", "commune"]) & blank("district_code"),
                  *_required_for("cấp huyện và cấp xã trước 01/07/2025",
                                 "district and commune level before 1 Jul 2025")),
            Check("commune_code", "missing_value",
                  (level == "commune") & blank("commune_code"),
                  *_required_for("cấp xã", "commune level")),
            Check("staffing_quota", "missing_value",
                  (pl.col("unit_kind") == "government") & blank("staffing_quota"),
                  *_required_for("cơ quan hành chính (government)", "government units")),
            Check("level", "level_not_in_period", (level == "district") & (period == "post")),
        ]
    if table.name == "personnel":
        return personnel_row_checks()
    return []


CENTURY_START = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200,
                 8: 1800, 9: 1800}


def personnel_row_checks() -> list[Check]:
    nid, sex, dob, snap = pl.col("national_id"), pl.col("sex"), pl.col("date_of_birth"), pl.col("snapshot_date")
    code = nid.str.slice(3, 1).cast(pl.Int32, strict=False)
    yy = nid.str.slice(4, 2).cast(pl.Int32, strict=False)
    id_sex = pl.when(code % 2 == 0).then(pl.lit("M")).otherwise(pl.lit("F"))
    id_year = code.replace_strict(CENTURY_START, default=None, return_dtype=pl.Int32) + yy
    age = (
        snap.dt.year() - dob.dt.year()
        - ((snap.dt.month() * 100 + snap.dt.day()) < (dob.dt.month() * 100 + dob.dt.day())).cast(pl.Int32)
    )
    category = pl.col("staff_category")
    return [
        Check("national_id", "national_id_mismatch", nid.is_not_null() & (id_sex != sex),
              fmt("giới tính {} (chữ số thứ 4 là {})", sex, code),
              fmt("sex {} (4th digit is {})", sex, code)),
        Check("national_id", "national_id_mismatch", nid.is_not_null() & (id_year != dob.dt.year()),
              fmt("năm sinh {} (chữ số 5-6 là {})", dob.dt.year(), nid.str.slice(4, 2)),
              fmt("birth year {} (digits 5-6 are {})", dob.dt.year(), nid.str.slice(4, 2))),
        Check("date_of_birth", "out_of_range", (age < MIN_AGE) | (age > MAX_AGE),
              fmt("tuổi {} tại ngày báo cáo, phải từ {} đến {}", age, MIN_AGE, MAX_AGE),
              fmt("age {} at the snapshot, must be {} to {}", age, MIN_AGE, MAX_AGE)),
        Check("salary_coefficient", "missing_value",
              (category != "commune_part_time") & blank("salary_coefficient"),
              *_required_for("mọi đối tượng trừ không chuyên trách", "all but commune_part_time")),
        Check("monthly_allowance_vnd", "missing_value",
              (category == "commune_part_time") & blank("monthly_allowance_vnd"),
              *_required_for("người hoạt động không chuyên trách", "commune_part_time")),
    ]


def period_of(snapshot: pl.Expr) -> pl.Expr:
    """`pre` for a snapshot on or before 30 Jun 2025, else `post`."""
    return pl.when(snapshot <= LAST_PRE).then(pl.lit("pre")).otherwise(pl.lit("post"))


def location(prefix: str) -> tuple[pl.Expr, pl.Expr]:
    """'file …, sheet …, row …' of the columns <prefix>file, <prefix>sheet, <prefix>row."""
    f, sh, r = (pl.col(prefix + x) for x in ("file", "sheet", "row"))

    def one(file_word: str, sheet_word: str, row_word: str) -> pl.Expr:
        return pl.concat_str([
            pl.lit(file_word + " "), f,
            pl.when(sh.is_not_null()).then(pl.lit(f", {sheet_word} ") + sh).otherwise(pl.lit("")),
            pl.lit(f", {row_word} "), r.cast(pl.String),
        ])

    return one("tệp", "trang", "dòng"), one("file", "sheet", "row")


def find_errors(df: pl.DataFrame, checks: list[Check]) -> pl.DataFrame:
    """One row per (row, broken check): __rid, column_name, value, rule, detail_vi/en.

    All conditions are evaluated in one pass (lazily, so shared sub-expressions such as a
    birth year are computed once); messages are then built on the (few) rows that break
    something, for the checks they break. Conditions must look at their own row only (no
    window expressions)."""
    if not checks or df.height == 0:
        return pl.DataFrame(schema=ERROR_SCHEMA)
    conds = [c.cond.fill_null(False) for c in checks]
    flags = df.lazy().select(pl.any_horizontal(conds).alias("hit")).collect().to_series()
    if not flags.any():
        return pl.DataFrame(schema=ERROR_SCHEMA)

    def default_value(column: str) -> pl.Expr:
        # The text as delivered while it is there; after the row stage, the parsed value.
        return raw(column) if f"__raw_{column}" in df.columns else pl.col(column)

    # Only the columns the checks and their messages read are carried to the rows that hit.
    used = {"__rid"}
    for c in checks:
        for e in (c.cond, c.detail_vi, c.detail_en, c.value if c.value is not None else default_value(c.column)):
            if e is not None:
                used.update(e.meta.root_names())
    hit = df.select([n for n in df.columns if n in used]).filter(flags)
    broken = hit.select(cond.any().alias(str(i)) for i, cond in enumerate(conds)).row(0)
    lazy = hit.lazy()
    parts = []

    for c, any_broken in zip(checks, broken, strict=True):
        if not any_broken:
            continue
        detail_en = c.detail_en if c.detail_en is not None else c.detail_vi
        parts.append(lazy.filter(c.cond.fill_null(False)).select(
            pl.col("__rid").cast(pl.UInt32),
            pl.lit(c.column).alias("column_name"),
            (c.value if c.value is not None else default_value(c.column)).cast(pl.String).alias("value"),
            pl.lit(c.rule).alias("rule"),
            c.detail_vi.cast(pl.String).alias("detail_vi"),
            detail_en.cast(pl.String).alias("detail_en"),
        ))
    return pl.concat([p.collect(engine="in-memory") for p in parts])
