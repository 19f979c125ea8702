"""Checks over the whole table, applied once every batch has passed the row checks, to the
rows the Gate held back: repeats of the key (the first in delivery order is kept) and sums
over groups (lineage shares)."""

import polars as pl

from dagster_project.contract import Delivery
from dagster_project.contract.model import SharesSumToOne
from dagster_project.ingest.checks.frame import ERROR_SCHEMA, Check, find_errors, location


def duplicate_keys(delivery: Delivery) -> tuple[str, ...] | None:
    """The key columns whose repeats are quarantined, or None."""
    return delivery.key.columns if delivery.key.duplicate is not None else None


def sums(delivery: Delivery) -> list[SharesSumToOne]:
    return [r for r in delivery.whole_table if isinstance(r, SharesSumToOne)]


def slim_columns(delivery: Delivery) -> list[str]:
    """The columns the whole-table checks read (kept, for the rows that pass, to the end)."""
    cols = list(duplicate_keys(delivery) or ())
    for r in sums(delivery):
        cols += [r.group, r.share]
    return list(dict.fromkeys(cols))


def duplicate_errors(df: pl.DataFrame, delivery: Delivery, locate, waited: pl.DataFrame) -> pl.DataFrame:
    """Rows whose key was already seen earlier in delivery order; the message names where the
    kept (first) row is. `df` holds only rows that pass every other check, so the kept row is
    always a loaded one: a row quarantined for a wrong national ID does not push out the
    person that ID really belongs to. `locate` adds where a row came from (file, sheet, row).
    `waited`: the rows the Gate held back, which include every later occurrence, so only
    keys among them need comparing."""
    keys = duplicate_keys(delivery)
    if keys is None or df.height == 0:
        return pl.DataFrame(schema=ERROR_SCHEMA)
    keys = list(keys)
    slim = df.select("__rid", *keys).filter(pl.all_horizontal([pl.col(k).is_not_null() for k in keys]))
    slim = slim.join(waited.select(keys).unique(), on=keys, how="semi")
    slim = slim.filter(slim.select(keys).is_duplicated())  # few rows from here on
    if slim.height == 0:
        return pl.DataFrame(schema=ERROR_SCHEMA)
    slim = locate(slim)
    groups = slim.group_by(keys).agg(pl.col("__rid").min().alias("__first_rid"))
    later = slim.join(groups.select(*keys, "__first_rid"), on=keys, how="inner").filter(
        pl.col("__rid") != pl.col("__first_rid"))
    first = slim.filter(pl.col("__rid").is_in(groups.get_column("__first_rid").implode())).select(
        pl.col("__rid").alias("__first_rid"), pl.col("source_file").alias("__first_file"),
        pl.col("source_sheet").alias("__first_sheet"), pl.col("source_row").alias("__first_row"))
    vi, en = location("__first_")
    return find_errors(later.join(first, on="__first_rid", how="left").sort("__rid"),
                       [Check(delivery.key.report, delivery.key.duplicate, pl.lit(True), vi, en)])


def share_sum_errors(df: pl.DataFrame, s: SharesSumToOne) -> pl.DataFrame:
    """The shares (default 1) of one group, over its rows that pass every other check (`df`),
    must add up to 1; otherwise all those rows are quarantined."""
    ok = df.filter(pl.col(s.group).is_not_null())
    summed = ok.with_columns(pl.col(s.share).fill_null(1.0).sum().over(s.group).alias("__sum"))
    check = Check(s.share, s.reason, (pl.col("__sum") - 1.0).abs() > s.tolerance,
                  pl.col("__sum").round(6).cast(pl.String), value=pl.col(s.group))
    return find_errors(summed, [check])


def whole_table_errors(kept: pl.DataFrame, delivery: Delivery, locate, waited: pl.DataFrame) -> pl.DataFrame:
    """Duplicates, then the sums over the rows that are not duplicates."""
    errors = duplicate_errors(kept, delivery, locate, waited)
    for s in sums(delivery):
        rest = kept.filter(~pl.col("__rid").is_in(errors.get_column("__rid").implode()))
        errors = pl.concat([errors, share_sum_errors(rest, s)])
    return errors
