"""A check on a frame of parsed rows, and how broken checks become error rows.

A frame here holds, for every delivered column `c`, the text as delivered in `__raw_c`, the
parsed value in `c` and the blank mask in `__blank_c`, plus `__rid` (the row's position in
delivery order: file path, sheet order, row) and the provenance columns. A `Check` is a
boolean expression that is true where a row breaks it; `find_errors` turns a list of checks
into one row per broken check (its reason and its details in Vietnamese and English).
"""

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from dagster_project.contract import LAST_PRE_SNAPSHOT

ERROR_SCHEMA = {
    "__rid": pl.UInt32,
    "column_name": pl.String,
    "value": pl.String,
    "rule": pl.String,  # the quarantine reason (audit.quarantine.rule)
    "detail_vi": pl.String,
    "detail_en": pl.String,
}
LAST_PRE = date.fromisoformat(LAST_PRE_SNAPSHOT)


@dataclass
class Check:
    column: str  # the column the quarantine row names
    reason: str  # a key of contract.REASONS
    cond: pl.Expr  # true where the row breaks the check (null counts as false)
    detail_vi: pl.Expr = field(default_factory=lambda: pl.lit(""))
    detail_en: pl.Expr | None = None  # None: same as detail_vi
    value: pl.Expr | None = None  # None: the column's text as delivered (else its parsed value)


def raw(name: str) -> pl.Expr:
    """The text as delivered."""
    return pl.col(f"__raw_{name}")


def blank(name: str) -> pl.Expr:
    """True where the delivered value is missing: null, empty or only whitespace."""
    return pl.col(f"__blank_{name}")


def fmt(template: str, **args: pl.Expr | int | str) -> pl.Expr:
    """`template` with each `{name}` replaced by `args[name]` (an expression, or a constant),
    as one string expression (pl.format panics under a lazy filter in polars 2.1). Null when
    an expression is null."""
    items: list[pl.Expr] = []
    rest = template
    while "{" in rest:
        head, tail = rest.split("{", 1)
        name, rest = tail.split("}", 1)
        if head:
            items.append(pl.lit(head))
        arg = args[name]
        items.append(arg.cast(pl.String) if isinstance(arg, pl.Expr) else pl.lit(str(arg)))
    if rest:
        items.append(pl.lit(rest))
    return pl.concat_str(items)


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
    # One boolean column per check, computed beside a real column so that a condition that is
    # a constant (a duplicate: every row given is one) is spread over every row: polars fails
    # on a constant filter predicate over a large frame ("filter predicate length of 2").
    hits = df.lazy().select(
        pl.col("__rid"), *(c.cond.fill_null(False).alias(f"__hit_{i}") for i, c in enumerate(checks))
    ).collect().drop("__rid")
    flags = hits.select(pl.any_horizontal(pl.all()).alias("hit")).to_series()
    if not flags.any():
        return pl.DataFrame(schema=ERROR_SCHEMA)

    def default_value(column: str) -> pl.Expr:
        # The text as delivered while it is there; after the row stage, the parsed value.
        return raw(column) if f"__raw_{column}" in df.columns else pl.col(column)

    # Only the columns the checks' messages read are carried to the rows that hit.
    used = {"__rid"}
    for c in checks:
        for e in (c.detail_vi, c.detail_en, c.value if c.value is not None else default_value(c.column)):
            if e is not None:
                used.update(e.meta.root_names())
    hit = pl.concat([df.select([n for n in df.columns if n in used]), hits], how="horizontal").filter(flags)
    del hits
    broken = hit.select(pl.col(f"__hit_{i}").any() for i in range(len(checks))).row(0)
    lazy = hit.lazy()
    parts = []

    for i, (c, any_broken) in enumerate(zip(checks, broken, strict=True)):
        if not any_broken:
            continue
        detail_en = c.detail_en if c.detail_en is not None else c.detail_vi
        parts.append(lazy.filter(pl.col(f"__hit_{i}")).select(
            pl.col("__rid").cast(pl.UInt32),
            pl.lit(c.column).alias("column_name"),
            (c.value if c.value is not None else default_value(c.column)).cast(pl.String).alias("value"),
            pl.lit(c.reason).alias("rule"),
            c.detail_vi.cast(pl.String).alias("detail_vi"),
            detail_en.cast(pl.String).alias("detail_en"),
        ))
    return pl.concat([p.collect(engine="in-memory") for p in parts])
