"""Lookups: a value must exist in what is already loaded (the reference registries, the
delivered units, the rosters). Each reads its codes once from DuckDB and becomes a `Check`
ready to apply batch by batch; messages name the value as parsed (trimmed, NFC), as the lookup
uses it."""

import polars as pl

from dagster_project.contract import Delivery
from dagster_project.contract.model import (
    IdProvinceKnown,
    InDelivery,
    InReferenceUnits,
    InUnits,
    InUnitsOfSnapshotPeriod,
)
from dagster_project.ingest.checks.frame import Check, fmt, period_of

PERIODS = ("pre", "post")


def has_table(con, schema: str, name: str) -> bool:
    return con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()[0][0] > 0


def _codes(con, sql: str) -> pl.Series:
    return pl.from_arrow(con.sql(sql).to_arrow_table()).to_series().cast(pl.String)


def _not_in(column: str, codes: pl.Series) -> pl.Expr:
    return pl.col(column).is_not_null() & ~pl.col(column).is_in(codes.implode())


def _in_reference_units(con, lk: InReferenceUnits) -> tuple[list, list[Check]]:
    period = pl.col(lk.period_column)
    cond = pl.lit(False)
    for p in lk.periods:
        codes = _codes(con, f"select distinct code from raw.ref_units_{p} where level = '{lk.level}'")
        cond = cond | ((period == p) & ~pl.col(lk.column).is_in(codes.implode()))
    return [], [Check(lk.column, lk.reason, pl.col(lk.column).is_not_null() & cond,
                      fmt(lk.detail_vi, period=period), fmt(lk.detail_en, period=period),
                      value=pl.col(lk.column))]


def _units_of(con, references: tuple[str, str], period: str) -> pl.Series:
    table, field = references
    return _codes(con, f"select distinct {field} from raw.{table} where period = '{period}'")


def _in_units(con, lk: InUnits) -> tuple[list, list[Check]]:
    codes = _units_of(con, lk.references, lk.period)
    return [], [Check(lk.column, lk.reason, _not_in(lk.column, codes), pl.lit(lk.detail_vi),
                      pl.lit(lk.detail_en), value=pl.col(lk.column))]


def _in_units_of_snapshot_period(con, lk: InUnitsOfSnapshotPeriod) -> tuple[list, list[Check]]:
    # Tested per period (no per-row key string to build).
    pre, post = (_units_of(con, lk.references, p) for p in PERIODS)
    col, period = pl.col(lk.column), pl.col("__period")
    cond = (col.is_not_null() & pl.col(lk.snapshot).is_not_null()
            & pl.when(period == "pre").then(~col.is_in(pre.implode()))
            .otherwise(~col.is_in(post.implode())))
    return ([period_of(pl.col(lk.snapshot)).alias("__period")],
            [Check(lk.column, lk.reason, cond, fmt(lk.detail_vi, period=period),
                   fmt(lk.detail_en, period=period), value=col)])


def _id_province_known(con, lk: IdProvinceKnown) -> tuple[list, list[Check]]:
    if not all(has_table(con, "raw", f"ref_units_{p}") for p in PERIODS):
        return [], []
    provinces = _codes(con, " union ".join(
        f"select distinct lpad(code, 3, '0') from raw.ref_units_{p} where level = 'province'"
        for p in PERIODS))
    col = pl.col(lk.column)
    return [], [Check(lk.column, lk.reason,
                      col.is_not_null() & ~col.str.slice(0, 3).is_in(provinces.implode()),
                      pl.lit(lk.detail_vi), pl.lit(lk.detail_en), value=col)]


def _in_delivery(con, lk: InDelivery) -> tuple[list, list[Check]]:
    known = _codes(con, f"select distinct {lk.target} from raw.{lk.delivery}")
    return [], [Check(lk.column, lk.reason, _not_in(lk.column, known), value=pl.col(lk.column))]


LOOKUPS = {
    InReferenceUnits: _in_reference_units,
    InUnits: _in_units,
    InUnitsOfSnapshotPeriod: _in_units_of_snapshot_period,
    IdProvinceKnown: _id_province_known,
    InDelivery: _in_delivery,
}


def lookup_checks(con, delivery: Delivery) -> tuple[list[pl.Expr], list[Check]]:
    """(helper columns to add to each batch, checks) of the delivery's lookups, in order."""
    needed = {p for lk in delivery.lookups if isinstance(lk, InReferenceUnits) for p in lk.periods}
    for p in PERIODS:
        if p in needed and not has_table(con, "raw", f"ref_units_{p}"):
            raise RuntimeError(f"raw.ref_units_{p} is missing: load the reference units first")
    extra: dict[str, pl.Expr] = {}
    checks: list[Check] = []
    for lk in delivery.lookups:
        more, found = LOOKUPS[type(lk)](con, lk)
        extra.update({e.meta.output_name(): e for e in more})
        checks += found
    return list(extra.values()), checks


def unit_provinces(con, delivery: Delivery) -> pl.DataFrame | None:
    """For a roster whose ledger records provinces: (__period, <unit column>, province_code)
    of every loaded unit, to tell which provinces a file is for (old codes before the merger,
    new ones after). None for other deliveries."""
    if delivery.snapshot is None or delivery.snapshot.provinces_of is None:
        return None
    column = delivery.snapshot.provinces_of
    lookup = next(lk for lk in delivery.lookups
                  if isinstance(lk, InUnitsOfSnapshotPeriod) and lk.column == column)
    table, field = lookup.references
    return con.sql(f"select distinct period as __period, {field} as {column}, province_code "
                   f"from raw.{table} where {field} is not null").pl()


def _sources(lk) -> list[tuple[str, tuple[str, ...]]]:
    """(table, columns) of what one lookup reads from the warehouse."""
    if isinstance(lk, InReferenceUnits):
        return [(f"ref_units_{p}", ("code", "level")) for p in lk.periods]
    if isinstance(lk, IdProvinceKnown):
        return [(f"ref_units_{p}", ("code", "level")) for p in PERIODS]
    if isinstance(lk, (InUnits, InUnitsOfSnapshotPeriod)):
        table, field = lk.references
        # province_code: `unit_provinces` (the ledger's provinces of a roster) reads it too
        return [(table, (field, "period", "province_code"))]
    if isinstance(lk, InDelivery):
        return [(lk.delivery, (lk.target,))]
    raise TypeError(f"no sources known for lookup {type(lk).__name__}")


def source_name(table: str, columns: tuple[str, ...]) -> str:
    """How `lookup_fingerprint` names what a lookup reads: the table and its columns."""
    return f"{table}({', '.join(columns)})"


def lookup_fingerprint(con, delivery: Delivery) -> str:
    """What the delivery's lookups would read from the warehouse now, as one string: per table
    and columns read (`source_name`), the number of distinct values and an order-free hash of
    them, after a colon. Equal fingerprints: every lookup (and the ledger's provinces of a
    roster) decides as before."""
    parts = []
    for table, columns in sorted({s for lk in delivery.lookups for s in _sources(lk)}):
        if not has_table(con, "raw", table):
            parts.append(f"{table}:absent")
            continue
        cols = ", ".join(columns)
        n, h = con.execute(f"select count(*), bit_xor(hash({cols})) from "
                           f"(select distinct {cols} from raw.{table})").fetchone()
        parts.append(f"{source_name(table, columns)}:{n}:{h}")
    return ";".join(parts)


def in_delivery_sources(delivery: Delivery) -> dict[str, InDelivery]:
    """The delivery's `InDelivery` lookups by the name of what each reads (`source_name`)."""
    return {source_name(table, columns): lk for lk in delivery.lookups if isinstance(lk, InDelivery)
            for table, columns in _sources(lk)}


def rows_deciding_otherwise(con, delivery: Delivery, lk: InDelivery) -> int:
    """How many rows of what `delivery` holds now the lookup `lk` could decide otherwise, its
    values having changed: the loaded rows whose value it no longer finds, and the rows it
    quarantined (their value may be there now). 0: the lookup decides every row as before."""
    table, column = delivery.name, lk.column
    return con.execute(f"""
        select (select count(*) from raw."{table}" as t
                where t."{column}" is not null and not exists (
                    select 1 from raw."{lk.delivery}" as r where r."{lk.target}" = t."{column}"))
             + (select count(*) from audit.quarantine where table_name = ? and rule = ?)""",
        [table, lk.reason]).fetchone()[0]
