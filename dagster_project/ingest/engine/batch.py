"""One batch of prepared rows, parsed and checked: pure, so batches are checked side by side."""

from dataclasses import dataclass

import polars as pl

from dagster_project.contract import Delivery
from dagster_project.ingest.checks import Check, column_checks, find_errors, row_checks
from dagster_project.ingest.checks.frame import period_of
from dagster_project.ingest.checks.messages import SLIM_PROVENANCE, quarantine_rows
from dagster_project.ingest.checks.whole_table import slim_columns
from dagster_project.ingest.parse import parse_columns, parse_series
from dagster_project.warehouse.ddl import PROVENANCE_COLUMNS

FACT_SCHEMA = {"source_file": pl.String, "source_sheet": pl.String, "snapshot_date": pl.Date,
               "province_code": pl.String}


@dataclass
class Checked:
    """One batch of rows after every check that looks at one row at a time."""

    rows: pl.DataFrame  # every row: `__rid`, the delivered columns and provenance
    is_bad: pl.Series  # rows that break a check
    slim: pl.DataFrame  # of the rows passing, what the whole-table checks need (and `__rid`)
    quarantine: pl.DataFrame  # with `__rid`
    bad_counts: dict[tuple[str, str | None], int]  # quarantined rows per (file, sheet)
    facts: pl.DataFrame | None = None  # rosters: distinct (file, sheet, snapshot, province)


def parse_frame(df: pl.DataFrame, delivery: Delivery) -> pl.DataFrame:
    """Add the parsed value `c` and the blank mask `__blank_c` beside each delivered `__raw_c`;
    a roster's missing snapshot date is the one its file name or form title gives."""
    df = df.with_columns(parse_columns(df, list(delivery.columns)))
    if delivery.snapshot is not None:
        df = df.with_columns(_snapshot(delivery))
    return df


def _snapshot(delivery: Delivery) -> pl.Expr:
    """The parsed snapshot date, or where it is blank the date of the file name or form title."""
    s = delivery.snapshot.column
    return (pl.when(pl.col(f"__blank_{s}")).then(pl.col("__file_date").str.to_date("%Y-%m-%d"))
            .otherwise(pl.col(s)).alias(s))


def key_values(frame: pl.DataFrame, delivery: Delivery) -> pl.DataFrame:
    """The distinct keys (snapshot date, and the column a repeat is reported on) the rows of a
    prepared roster sheet carry, parsed as the checks parse them, before any check; a row
    without a whole key is left out."""
    s, r = delivery.snapshot.column, delivery.key.report
    part = frame.select(f"__raw_{s}", f"__raw_{r}", "__file_date")
    parsed = part.with_columns(parse_columns(part, [delivery.column(s), delivery.column(r)]))
    return parsed.select(_snapshot(delivery), pl.col(r)).drop_nulls().unique()


def compact(df: pl.DataFrame) -> pl.DataFrame:
    """A copy that no longer holds on to the buffers its text was cut from (a filter keeps
    the whole batch as read alive): for rows kept after their batch is gone. The round trip
    through Arrow's plain strings copies only the strings of these rows."""
    return pl.from_arrow(df.to_arrow(compat_level=pl.CompatLevel.oldest()))


def delivery_facts(df: pl.DataFrame, delivery: Delivery, units: pl.DataFrame) -> pl.DataFrame:
    """Distinct (source_file, source_sheet, snapshot_date, province_code) of roster rows with
    a parsed snapshot date and unit; province_code null where the unit is unknown."""
    snap, unit = delivery.snapshot.column, delivery.snapshot.provinces_of
    f = df.select("source_file", "source_sheet", pl.col(snap).alias("snapshot_date"), unit).unique()
    f = f.with_columns(period_of(pl.col("snapshot_date")).alias("__period"))
    f = f.join(units, on=["__period", unit], how="left")
    return f.select(*FACT_SCHEMA).unique().cast(FACT_SCHEMA)


def facts_of_text(facts: pl.DataFrame, file: str, sheet: str | None, delivery: Delivery,
                  units: pl.DataFrame) -> pl.DataFrame:
    """delivery_facts for the raw (snapshot, unit) texts of a sheet not loaded."""
    snap, unit = delivery.snapshot.column, delivery.snapshot.provinces_of
    s, _ = parse_series(facts.get_column("__snapshot"), delivery.column(snap))
    u, _ = parse_series(facts.get_column("__unit"), delivery.column(unit))
    df = pl.DataFrame({snap: s, unit: u}).with_columns(
        pl.lit(file).alias("source_file"), pl.lit(sheet, pl.String).alias("source_sheet"))
    return delivery_facts(df, delivery, units)


def counts(bad: pl.DataFrame) -> dict[tuple[str, str | None], int]:
    return {(f, sh): n for f, sh, n in
            bad.group_by("source_file", "source_sheet").agg(pl.len()).iter_rows()}


def check_batch(frames: list[pl.DataFrame], offset: int, delivery: Delivery,
                extra: list[pl.Expr], lookups: list[Check],
                units: pl.DataFrame | None = None) -> Checked:
    """Parse a batch of prepared sheets and apply every check that looks at one row at a time
    (the columns', the rows' and the lookups, in one pass). Pure: batches can be checked side
    by side. With `units` (rosters), also the delivery facts."""
    df = pl.concat(frames, how="vertical", rechunk=True).with_row_index("__rid", offset=offset)
    parsed = parse_frame(df, delivery)
    del df
    if extra:
        parsed = parsed.with_columns(extra)
    errors = find_errors(parsed, column_checks(delivery) + row_checks(delivery) + lookups)
    is_bad = parsed.get_column("__rid").is_in(errors.get_column("__rid").unique().implode())
    # Columns are chosen before rows: a filter copies every column it is given.
    bad = parsed.select("__rid", *SLIM_PROVENANCE).filter(is_bad)
    rows = parsed.select("__rid", *delivery.column_names, *[n for n, _ in PROVENANCE_COLUMNS])
    slim_cols = slim_columns(delivery)
    slim = compact(parsed.select("__rid", *slim_cols).filter(~is_bad)) if slim_cols \
        else parsed.select("__rid").clear()
    facts = delivery_facts(parsed, delivery, units) if units is not None else None
    return Checked(rows, is_bad, slim, compact(quarantine_rows(bad, errors, delivery.name)),
                   counts(bad), facts)
