"""Quarantine rows and their messages, from the reasons' templates (contract/reasons.py)."""

import polars as pl

from dagster_project.contract import REASONS

QUARANTINE_COLUMNS = ("table_name", "file", "content_hash", "sheet", "row_number", "column_name",
                      "value", "rule", "message_vi", "message_en")
# Quarantine rows while ingest runs: with `__rid` (delivery order), dropped at the end.
QUARANTINE_SCHEMA = {"__rid": pl.UInt32} | {c: pl.Int64 if c == "row_number" else pl.String
                                            for c in QUARANTINE_COLUMNS}
SLIM_PROVENANCE = ["source_file", "source_sheet", "source_row", "source_hash"]


def message(
    reason: str, column: str | None = None, value: object = None, detail_vi: str = "",
    detail_en: str | None = None,
) -> tuple[str, str]:
    """The (Vietnamese, English) message of one quarantine row."""
    r = REASONS[reason]
    fields = {"column": column or "", "value": "" if value is None else str(value)}
    en = detail_vi if detail_en is None else detail_en
    return r.vi.format(**fields, detail=detail_vi), r.en.format(**fields, detail=en)


def _pieces(template: str) -> list[str]:
    """Split a template into literal text and placeholder names, alternating (text first)."""
    out, rest = [], template
    while "{" in rest:
        head, tail = rest.split("{", 1)
        name, rest = tail.split("}", 1)
        out += [head, name]
    out.append(rest)
    return out


def message_exprs(reason: str) -> list[pl.Expr]:
    """Polars expressions (message_vi, message_en) from columns column_name, value, detail_vi,
    detail_en."""
    exprs = []
    for template, detail in ((REASONS[reason].vi, "detail_vi"), (REASONS[reason].en, "detail_en")):
        cols = {"column": "column_name", "value": "value", "detail": detail}
        items = []
        for i, p in enumerate(_pieces(template)):
            if i % 2 == 0:
                if p:
                    items.append(pl.lit(p))
            else:
                items.append(pl.col(cols[p]).fill_null(""))
        exprs.append(pl.concat_str(items).alias("message_" + detail[-2:]))
    return exprs


def quarantine_rows(df: pl.DataFrame, errors: pl.DataFrame, table: str) -> pl.DataFrame:
    """Quarantine rows (with `__rid`, for ordering) of `errors`; `df` gives their provenance."""
    prov = df.select(pl.col("__rid").cast(pl.UInt32), *SLIM_PROVENANCE)
    joined = errors.join(prov, on="__rid", how="left")
    parts = []
    for reason in joined.get_column("rule").unique(maintain_order=True).to_list():
        parts.append(joined.filter(pl.col("rule") == reason).with_columns(message_exprs(reason)))
    if not parts:
        return pl.DataFrame(schema=QUARANTINE_SCHEMA)
    return pl.concat(parts).select(
        "__rid",
        pl.lit(table).alias("table_name"),
        pl.col("source_file").alias("file"),
        pl.col("source_hash").alias("content_hash"),
        pl.col("source_sheet").alias("sheet"),
        pl.col("source_row").alias("row_number"),
        "column_name", "value", "rule", "message_vi", "message_en",
    )
