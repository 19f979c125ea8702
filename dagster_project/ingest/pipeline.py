"""Ingest one delivery table: read every file, validate, load or quarantine, record the ledger.

`ingest_table(con, raw_dir, "personnel")` rebuilds raw.personnel and that table's part of
audit.quarantine from every file now under raw/personnel/, in one transaction, and brings
audit.ingest_ledger up to date (ledger.py states the rules). Every input row ends in exactly
one place: raw.<table> or audit.quarantine. Rows are processed in delivery order (file path
relative to raw/, then sheet order, then row), which decides which duplicate is kept.

Cross-table rules read what is already loaded: units are checked against raw.ref_units_pre /
raw.ref_units_post, lineage and personnel against raw.units, decisions against
raw.personnel; so ingest in the order units -> lineage -> personnel -> decisions.

How it streams (bench/bench_ingest.py measures it): two threads read and prepare files a few
ahead; rows are parsed and checked in batches, two batches side by side (`check_batch`, pure);
then, in delivery order, the `Gate` holds back every row a whole-table rule (duplicates, share
sums) could still reject, and a `Writer` thread appends the others to raw.<table> while the
next batches are checked. At the end the whole-table rules decide on the rows held back. All
of it runs inside the one transaction, so a failure leaves the tables as they were.
"""

import re
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from dagster_project.contract import (
    BOOLEAN,
    CODE,
    DATE,
    DECIMAL,
    ENUM,
    FALSE_VALUES,
    INTEGER,
    TABLES,
    TEXT,
    TRUE_VALUES,
    Column,
    Table,
)
from dagster_project.ingest import ledger, parse
from dagster_project.ingest.read import Sheet, discover, fold, header_map, read_file
from dagster_project.ingest.rules import message, message_exprs
from dagster_project.ingest.validate import (
    Check,
    column_checks,
    find_errors,
    location,
    period_of,
    row_checks,
)
from dagster_project.warehouse.ddl import PROVENANCE_COLUMNS, ensure_schemas

ORDER = ("units", "lineage", "personnel", "decisions")
FILE_DATE = re.compile(r"(\d{4})[-_]?(\d{2})[-_]?(\d{2})")
SHARE_TOLERANCE = 1e-3

QUARANTINE_COLUMNS = ("table_name", "file", "content_hash", "sheet", "row_number", "column_name",
                      "value", "rule", "message_vi", "message_en")
# Quarantine rows while ingest runs: with `__rid` (delivery order), dropped at the end.
QUARANTINE_SCHEMA = {"__rid": pl.UInt32} | {c: pl.Int64 if c == "row_number" else pl.String
                                            for c in QUARANTINE_COLUMNS}


@dataclass
class FileResult:
    """What happened to one file (or one sheet of a workbook)."""

    file: str
    sheet: str | None
    content_hash: str
    status: str  # loaded | rejected | skipped
    rows_read: int = 0  # data rows
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""
    rows_skipped: int = 0  # rows read as layout: header, title block, total, footer, blank
    skip_note: str = ""
    snapshot_dates: str | None = None  # personnel: ISO dates its rows carry, comma-separated
    province_codes: str | None = None  # personnel: provinces of its units in that period


@dataclass
class Rejected:
    """A sheet refused or skipped before its rows are checked, and (personnel) the distinct
    snapshot dates and unit codes it carries as text, to record what it was for."""

    result: FileResult
    quarantine: dict | None
    facts: pl.DataFrame | None = None  # columns __snapshot (text), __unit (text)


@dataclass
class IngestResult:
    table: str
    files: list[FileResult] = field(default_factory=list)
    ledger_changes: dict[str, int] = field(default_factory=dict)  # status -> ledger rows written
    top_reasons: list[tuple[str, int]] = field(default_factory=list)  # (rule, quarantine rows)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)


def file_date(path: str) -> str | None:
    """The first valid ISO-like date (2025-06-30, 2025_06_30, 20250630) in a file name."""
    for m in FILE_DATE.finditer(Path(path).name):
        try:
            return datetime(int(m[1]), int(m[2]), int(m[3])).date().isoformat()
        except ValueError:
            continue
    return None


def _file_rejection(sh: Sheet, table: str, rule: str, column: str | None, detail: str,
                    rows: int, facts: pl.DataFrame | None = None) -> Rejected:
    vi, en = message(rule, column, None, detail)
    q = {"table_name": table, "file": sh.file, "content_hash": sh.content_hash, "sheet": sh.sheet,
         "row_number": None, "column_name": column, "value": None, "rule": rule,
         "message_vi": f"{sh.file}: {vi}", "message_en": f"{sh.file}: {en}"}
    result = FileResult(sh.file, sh.sheet, sh.content_hash, "rejected", rows, 0, rows, en,
                        sh.rows_skipped, sh.skip_note)
    return Rejected(result, q, facts)


def _raw_facts(df: pl.DataFrame, snapshot: str | None, unit: str | None, fdate: str | None):
    """Distinct (snapshot date, unit code) texts of a sheet, before any check."""
    if unit is None or (snapshot is None and fdate is None):
        return None
    snap = pl.col(snapshot) if snapshot is not None else pl.lit(None, pl.String)
    return df.select(snap.fill_null(pl.lit(fdate, pl.String)).alias("__snapshot"),
                     pl.col(unit).alias("__unit")).unique()


def prepare(sh: Sheet, table: Table, hmap: dict[str, str], is_workbook: bool):
    """Map headers and shape one sheet into the common all-text layout.

    Returns (frame, None), or (None, Rejected) for a rejected or skipped sheet."""
    if sh.error is not None:
        return None, _file_rejection(sh, table.name, "unreadable_file", None, sh.error, 0)
    df = sh.frame
    mapped: dict[str, str] = {}
    unknown: list[str] = []
    for header in df.columns:
        name = hmap.get(fold(header))
        if name is None:
            unknown.append(header)
        elif name in mapped.values():
            first = next(h for h, n in mapped.items() if n == name)
            return None, _file_rejection(sh, table.name, "duplicate_column", name,
                                         f"'{first}', '{header}'", df.height)
        else:
            mapped[header] = name
    if is_workbook and (len(mapped) < 2 or not sh.has_header):
        rows = sh.rows_skipped + df.height
        return None, Rejected(FileResult(
            sh.file, sh.sheet, sh.content_hash, "skipped", 0, 0, 0,
            f"sheet skipped: no recognised header ({rows} rows)", rows,
            sh.skip_note or (f"no header: rows 1-{rows}" if rows else "")), None)
    delivered = {n: h for h, n in mapped.items()}
    fdate = (file_date(sh.file) or sh.title_date) if table.name == "personnel" else None
    facts = (_raw_facts(df, delivered.get("snapshot_date"), delivered.get("unit_code"), fdate)
             if table.name == "personnel" else None)
    missing = [c.name for c in table.columns if c.required and c.name not in mapped.values()]
    if table.name == "personnel" and "snapshot_date" not in mapped.values() and fdate is None:
        missing.insert(0, "snapshot_date")
    if missing:
        return None, _file_rejection(sh, table.name, "missing_required_column", ", ".join(missing),
                                     "", df.height, facts)
    cols = [(pl.col(delivered[c.name]) if c.name in delivered else pl.lit(None, pl.String)).alias(f"__raw_{c.name}")
            for c in table.columns]
    extra = pl.struct(unknown).struct.json_encode() if unknown else pl.lit(None, pl.String)
    rows = (pl.int_range(pl.len(), dtype=pl.Int64) + sh.segments[0][1] if len(sh.segments) == 1
            else pl.lit(pl.Series(sh.row_numbers(), dtype=pl.Int64)))
    provenance = {
        "source_file": pl.lit(sh.file),
        "source_sheet": pl.lit(sh.sheet, pl.String),
        "source_row": rows,
        "source_hash": pl.lit(sh.content_hash),
        "extra": extra,
    }
    return df.select(
        *cols,
        *[provenance[n].alias(n) for n, _ in PROVENANCE_COLUMNS],
        pl.lit(fdate, pl.String).alias("__file_date"),
    ), None


def parse_expr(s: pl.Expr, c: Column) -> pl.Expr:
    """The parsed value of normalised text `s` for column `c`."""
    if c.kind == DATE:
        return parse.parse_date(s, year_only=c.name == "date_of_birth")
    if c.kind == DECIMAL:
        return parse.parse_decimal(s)
    if c.kind == INTEGER:
        return parse.parse_integer(s)
    if c.kind == CODE:
        return parse.parse_code(s, c.digits)
    if c.kind == ENUM:
        return parse.parse_enum(s, c)
    if c.kind == BOOLEAN:
        return parse.parse_boolean(s)
    return s


def _normalise_and_parse(values: pl.Series, c: Column) -> pl.DataFrame:
    """Columns r (as delivered), s (trimmed, NFC for text, null when blank) and v (parsed)."""
    f = pl.DataFrame({"r": values}).with_columns(parse.text(pl.col("r")).alias("s"))
    if c.kind in (TEXT, ENUM):
        f = f.with_columns(parse.nfc(f.get_column("s")))
    return f.with_columns(parse_expr(pl.col("s"), c).alias("v"))


def _spellings(c: Column) -> list[str]:
    """Likely deliveries of an enumeration or boolean: each accepted spelling in a few cases."""
    if c.kind == BOOLEAN:
        words = [*TRUE_VALUES, *FALSE_VALUES]
    else:
        words = [w for canonical, aliases in c.values.items() for w in (canonical, *aliases)]
    return sorted({v for w in words for v in (w, w.lower(), w.upper(), w.capitalize(), w.title())})


_KNOWN: dict[tuple, tuple[dict, pl.DataType]] = {}


def _known_spellings(c: Column) -> tuple[dict, pl.DataType]:
    # The known spellings are parsed by the full path itself, so they agree by construction.
    key = (c.kind, tuple((k, tuple(v)) for k, v in c.values.items()))
    if key not in _KNOWN:
        f = _normalise_and_parse(pl.Series(_spellings(c), dtype=pl.String), c).drop_nulls("v")
        _KNOWN[key] = dict(zip(f["r"], f["v"], strict=True)), f["v"].dtype
    return _KNOWN[key]


def plain_expr(delivered: pl.Expr, c: Column) -> pl.Expr | None:
    """Parsed values of the deliveries already in plain form, null elsewhere (parse.py); None
    when the kind has no fast path. Dates have none: a column repeats few dates, and parsing
    each distinct one (full_parse_series) beats parsing every row."""
    if c.kind == DECIMAL:
        return parse.plain_decimal(delivered)
    if c.kind == INTEGER:
        return parse.plain_integer(delivered)
    if c.kind == CODE:
        return parse.plain_code(delivered, c.digits)
    if c.kind == TEXT:
        return parse.plain_text(delivered)
    if c.kind in (ENUM, BOOLEAN):
        return parse.plain_lookup(delivered, *_known_spellings(c))
    return None


def parse_columns(df: pl.DataFrame, columns: list[Column]) -> list[pl.Series]:
    """(parsed value `c`, blank mask `__blank_c`) of each column, from the delivered text in
    `__raw_c`. The fast paths of all columns run in one select (in parallel); only values not
    in plain form are then normalised and parsed in full, column by column."""
    fast = []
    for c in columns:
        r = pl.col(f"__raw_{c.name}")
        plain = plain_expr(r, c)
        if plain is not None:
            fast += [plain.alias(f"__plain_{c.name}"), (r.is_null() | (r == "")).alias(f"__blank_{c.name}")]
    plain_frame = df.select(fast)
    out = []
    for c in columns:
        delivered = df.get_column(f"__raw_{c.name}")
        if f"__plain_{c.name}" not in plain_frame.columns:
            out.extend(full_parse_series(delivered, c))
            continue
        plain = plain_frame.get_column(f"__plain_{c.name}")
        is_blank = plain_frame.get_column(f"__blank_{c.name}")
        rest = plain.is_null() & ~is_blank
        if rest.any():
            idx = rest.arg_true()
            v, blank = full_parse_series(delivered.gather(idx), c)
            plain = plain.cast(v.dtype).scatter(idx, v)
            is_blank = is_blank.scatter(idx, blank)
        out += [plain.alias(c.name), is_blank.alias(f"__blank_{c.name}")]
    return out


def parse_series(delivered: pl.Series, c: Column) -> tuple[pl.Series, pl.Series]:
    """(parsed value, blank mask) of one column (parse_columns for a single column)."""
    v, is_blank = parse_columns(pl.DataFrame({f"__raw_{c.name}": delivered}), [c])
    return v, is_blank


def full_parse_series(delivered: pl.Series, c: Column) -> tuple[pl.Series, pl.Series]:
    """(parsed value, blank mask) of one column. Most columns repeat few values (categories,
    coefficients, dates, unit codes), so each distinct value is normalised and parsed once and
    mapped back: several times faster at scale. Columns of mostly distinct values (names,
    IDs) are processed row by row."""
    distinct = delivered.drop_nulls().unique()
    if len(distinct) * 4 < len(delivered):
        f = _normalise_and_parse(distinct, c)
        v = delivered.replace_strict(f.get_column("r"), f.get_column("v"), default=None,
                                     return_dtype=f.get_column("v").dtype)
        blanks = f.filter(pl.col("s").is_null()).get_column("r")
        is_blank = delivered.is_null()
        if len(blanks):
            is_blank = is_blank | delivered.is_in(blanks.implode())
    else:
        f = _normalise_and_parse(delivered, c)
        v, is_blank = f.get_column("v"), f.get_column("s").is_null()
    return v.alias(c.name), is_blank.alias(f"__blank_{c.name}")


def parse_frame(df: pl.DataFrame, table: Table) -> pl.DataFrame:
    """Add the parsed value `c` and the blank mask `__blank_c` beside each delivered `__raw_c`."""
    df = df.with_columns(parse_columns(df, list(table.columns)))
    if "snapshot_date" in table.column_names:
        df = df.with_columns(
            pl.when(pl.col("__blank_snapshot_date"))
            .then(pl.col("__file_date").str.to_date("%Y-%m-%d"))
            .otherwise(pl.col("snapshot_date"))
            .alias("snapshot_date")
        )
    return df


def _has_table(con, schema: str, name: str) -> bool:
    return con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()[0][0] > 0


def _codes(con, sql: str) -> pl.Series:
    return pl.from_arrow(con.sql(sql).to_arrow_table()).to_series().cast(pl.String)


def table_checks(con, table: Table) -> tuple[list[pl.Expr], list[Check]]:
    """Rules against other tables, ready to apply batch by batch: (helper columns to add,
    checks). They name the value as parsed (trimmed, NFC), as the lookup uses it."""
    if table.name == "units":
        for ref in ("ref_units_pre", "ref_units_post"):
            if not _has_table(con, "raw", ref):
                raise RuntimeError(f"raw.{ref} is missing: load the reference units before units")
        period = pl.col("period")

        def in_ref(col: str, level: str, periods: tuple[str, ...]) -> Check:
            cond = pl.lit(False)
            for p in periods:
                codes = _codes(con, f"select distinct code from raw.ref_units_{p} where level = '{level}'")
                cond = cond | ((period == p) & ~pl.col(col).is_in(codes.implode()))
            return Check(col, "unknown_reference_code", pl.col(col).is_not_null() & cond,
                         pl.lit("của giai đoạn ") + period, pl.lit("of period ") + period,
                         value=pl.col(col))

        return [], [
            in_ref("province_code", "province", ("pre", "post")),
            in_ref("district_code", "district", ("pre",)),
            in_ref("commune_code", "commune", ("pre", "post")),
        ]
    if table.name == "lineage":
        pre = _codes(con, "select distinct unit_code from raw.units where period = 'pre'")
        post = _codes(con, "select distinct unit_code from raw.units where period = 'post'")
        return [], [
            Check("old_unit_code", "unknown_unit_code",
                  pl.col("old_unit_code").is_not_null() & ~pl.col("old_unit_code").is_in(pre.implode()),
                  pl.lit("trước 01/07/2025 (raw.units, period = pre)"),
                  pl.lit("before 1 Jul 2025 (raw.units, period = pre)"), value=pl.col("old_unit_code")),
            Check("new_unit_code", "unknown_unit_code",
                  pl.col("new_unit_code").is_not_null() & ~pl.col("new_unit_code").is_in(post.implode()),
                  pl.lit("từ 01/07/2025 (raw.units, period = post)"),
                  pl.lit("from 1 Jul 2025 (raw.units, period = post)"), value=pl.col("new_unit_code")),
        ]
    if table.name == "personnel":
        # A unit of the snapshot's period, tested per period (no per-row key string to build).
        units_of = {p: _codes(con, f"select distinct unit_code from raw.units where period = '{p}'")
                    for p in ("pre", "post")}
        ref = _codes(con, "select distinct lpad(code, 3, '0') from raw.ref_units_pre where level = 'province' "
                          "union select distinct lpad(code, 3, '0') from raw.ref_units_post where level = 'province'") \
            if _has_table(con, "raw", "ref_units_pre") and _has_table(con, "raw", "ref_units_post") else None
        checks = [
            Check("unit_code", "unknown_unit_code",
                  pl.col("unit_code").is_not_null() & pl.col("snapshot_date").is_not_null()
                  & pl.when(pl.col("__period") == "pre")
                  .then(~pl.col("unit_code").is_in(units_of["pre"].implode()))
                  .otherwise(~pl.col("unit_code").is_in(units_of["post"].implode())),
                  pl.lit("của giai đoạn ") + pl.col("__period") + pl.lit(" (theo ngày báo cáo)"),
                  pl.lit("of period ") + pl.col("__period") + pl.lit(" (by snapshot date)"),
                  value=pl.col("unit_code")),
        ]
        if ref is not None:
            checks.append(Check(
                "national_id", "invalid_code",
                pl.col("national_id").is_not_null() & ~pl.col("national_id").str.slice(0, 3).is_in(ref.implode()),
                pl.lit("chữ số 1-3 không phải mã tỉnh"), pl.lit("digits 1-3 are not a province code"),
                value=pl.col("national_id")))
        return [period_of(pl.col("snapshot_date")).alias("__period")], checks
    if table.name == "decisions":
        known = _codes(con, "select distinct national_id from raw.personnel")
        return [], [Check("national_id", "unknown_person",
                          pl.col("national_id").is_not_null() & ~pl.col("national_id").is_in(known.implode()),
                          value=pl.col("national_id"))]
    return [], []


# Rules over the whole table, applied once every batch has passed the row rules, to the rows
# the Gate held back: duplicates (key columns, kept column, rule) and the lineage share sums.
DUPLICATE_KEYS = {"units": (["period", "unit_code"], "unit_code", "duplicate_unit_code"),
                  "personnel": (["snapshot_date", "national_id"], "national_id", "duplicate_person"),
                  "decisions": (["decision_no", "national_id"], "decision_no", "duplicate_decision")}
SHARE_SUM_TABLE, SHARE_SUM_COLUMNS = "lineage", ["old_unit_code", "share"]
WHOLE_TABLE_COLUMNS = {t: keys for t, (keys, _, _) in DUPLICATE_KEYS.items()} | {SHARE_SUM_TABLE: SHARE_SUM_COLUMNS}
SLIM_PROVENANCE = ["source_file", "source_sheet", "source_row", "source_hash"]


def duplicate_errors(df: pl.DataFrame, table: str, locate, waited: pl.DataFrame) -> pl.DataFrame:
    """Rows whose key was already seen earlier in delivery order; the message names where the
    kept (first) row is. `df` holds only rows that pass every other rule, so the kept row is
    always a loaded one: a row quarantined for a wrong national ID does not push out the
    person that ID really belongs to. `locate` adds where a row came from (file, sheet, row).
    `waited`: the rows the Gate held back, which include every later occurrence, so only
    keys among them need comparing."""
    if table not in DUPLICATE_KEYS or df.height == 0:
        return find_errors(df.clear(), [])
    keys, column, rule = DUPLICATE_KEYS[table]
    slim = df.select("__rid", *keys).filter(pl.all_horizontal([pl.col(k).is_not_null() for k in keys]))
    slim = slim.join(waited.select(keys).unique(), on=keys, how="semi")
    slim = slim.filter(slim.select(keys).is_duplicated())  # few rows from here on
    if slim.height == 0:
        return find_errors(df.clear(), [])
    slim = locate(slim)
    groups = slim.group_by(keys).agg(pl.col("__rid").min().alias("__first_rid"))
    later = slim.join(groups.select(*keys, "__first_rid"), on=keys, how="inner").filter(
        pl.col("__rid") != pl.col("__first_rid"))
    first = slim.filter(pl.col("__rid").is_in(groups.get_column("__first_rid").implode())).select(
        pl.col("__rid").alias("__first_rid"), pl.col("source_file").alias("__first_file"),
        pl.col("source_sheet").alias("__first_sheet"), pl.col("source_row").alias("__first_row"))
    vi, en = location("__first_")
    return find_errors(later.join(first, on="__first_rid", how="left").sort("__rid"),
                       [Check(column, rule, pl.lit(True), vi, en)])


def share_sum_errors(df: pl.DataFrame) -> pl.DataFrame:
    """Lineage: the shares (default 1) of one old unit, over its rows that pass every other
    rule (`df`), must add up to 1; otherwise all those rows are quarantined."""
    ok = df.filter(pl.col("old_unit_code").is_not_null())
    sums = ok.with_columns(pl.col("share").fill_null(1.0).sum().over("old_unit_code").alias("__sum"))
    check = Check("share", "share_sum", (pl.col("__sum") - 1.0).abs() > SHARE_TOLERANCE,
                  pl.col("__sum").round(6).cast(pl.String), value=pl.col("old_unit_code"))
    return find_errors(sums, [check])


def whole_table_errors(kept: pl.DataFrame, table: str, locate, waited: pl.DataFrame) -> pl.DataFrame:
    """Duplicates, then (lineage) share sums over the rows that are not duplicates."""
    errors = duplicate_errors(kept, table, locate, waited)
    if table == SHARE_SUM_TABLE:
        rest = kept.filter(~pl.col("__rid").is_in(errors.get_column("__rid").implode()))
        errors = pl.concat([errors, share_sum_errors(rest)])
    return errors


def _quarantine_rows(df: pl.DataFrame, errors: pl.DataFrame, table: str) -> pl.DataFrame:
    """Quarantine rows (with `__rid`, for ordering) of `errors`; `df` gives their provenance."""
    prov = df.select(pl.col("__rid").cast(pl.UInt32), *SLIM_PROVENANCE)
    joined = errors.join(prov, on="__rid", how="left")
    parts = []
    for rule in joined.get_column("rule").unique(maintain_order=True).to_list():
        parts.append(joined.filter(pl.col("rule") == rule).with_columns(message_exprs(rule)))
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


class Gate:
    """Decides, batch by batch, which rows can be appended at once: those no whole-table rule
    can reject. A row whose duplicate key may have been seen earlier in delivery order waits;
    so does every row of a table with a rule over sums (lineage). At the end the exact rules
    decide on the rows that waited, so a row is never appended and then taken out again.

    "May have been seen": keys are hashed and marked in a table of 2**26 flags (64 MB). The
    same key always finds its flag set, so every true duplicate waits; another key shares
    the flag only now and then (a few % of rows at national scale), and such a row waits for
    nothing and is appended at the end."""

    BITS = 26

    def __init__(self, table: Table):
        self.keys = DUPLICATE_KEYS[table.name][0] if table.name in DUPLICATE_KEYS else None
        self.hold_all = table.name == SHARE_SUM_TABLE
        self.marks = np.zeros(2**self.BITS, dtype=np.bool_) if self.keys else None

    def waits(self, df: pl.DataFrame, good: pl.Series) -> pl.Series:
        """True for the rows of `df` that must wait; `good`: rows passing every row rule."""
        if self.hold_all:
            return good
        if self.keys is None or not good.any():
            return pl.Series([False]).new_from_index(0, df.height)
        good = good & df.select(pl.all_horizontal([pl.col(k).is_not_null() for k in self.keys])).to_series()
        hashed = pl.lit(0, pl.UInt64)
        for i, k in enumerate(self.keys):
            hashed = hashed ^ pl.col(k).hash(seed=i)
        hashes = df.select(hashed).to_series().filter(good)
        slot = (hashes.to_numpy() >> np.uint64(64 - self.BITS)).astype(np.intp)
        seen_before = self.marks[slot]
        self.marks[slot] = True
        wait = pl.Series(seen_before) | ~hashes.is_first_distinct()
        return pl.Series([False]).new_from_index(0, df.height).scatter(good.arg_true(), wait)


def compact(df: pl.DataFrame) -> pl.DataFrame:
    """A copy that no longer holds on to the buffers its text was cut from (a filter keeps
    the whole batch as read alive): for rows kept after their batch is gone. The round trip
    through Arrow's plain strings copies only the strings of these rows."""
    return pl.from_arrow(df.to_arrow(compat_level=pl.CompatLevel.oldest()))


@dataclass
class Checked:
    """One batch of rows after every rule that looks at one row at a time."""

    rows: pl.DataFrame  # every row: `__rid`, the table's columns and provenance
    is_bad: pl.Series  # rows that break a rule
    slim: pl.DataFrame  # of the rows passing, what the whole-table rules need (and `__rid`)
    quarantine: pl.DataFrame  # with `__rid`
    bad_counts: dict[tuple[str, str | None], int]  # quarantined rows per (file, sheet)
    facts: pl.DataFrame | None = None  # personnel: distinct (file, sheet, snapshot, province)


FACT_SCHEMA = {"source_file": pl.String, "source_sheet": pl.String, "snapshot_date": pl.Date,
               "province_code": pl.String}


def unit_provinces(con, table: Table) -> pl.DataFrame | None:
    """Personnel: (__period, unit_code, province_code) of every loaded unit, to tell which
    provinces a roster is for (old codes before the merger, new ones after)."""
    if table.name != "personnel":
        return None
    return con.sql("select distinct period as __period, unit_code, province_code from raw.units "
                   "where unit_code is not null").pl()


def delivery_facts(df: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """Distinct (source_file, source_sheet, snapshot_date, province_code) of roster rows with
    a parsed `snapshot_date` and `unit_code`; province_code null where the unit is unknown."""
    f = df.select("source_file", "source_sheet", "snapshot_date", "unit_code").unique()
    f = f.with_columns(period_of(pl.col("snapshot_date")).alias("__period"))
    f = f.join(units, on=["__period", "unit_code"], how="left")
    return f.select(*FACT_SCHEMA).unique().cast(FACT_SCHEMA)


def _facts_of_text(facts: pl.DataFrame, file: str, sheet: str | None,
                   units: pl.DataFrame) -> pl.DataFrame:
    """delivery_facts for the raw (snapshot, unit code) texts of a sheet not loaded."""
    snap, _ = parse_series(facts.get_column("__snapshot"), TABLES["personnel"].column("snapshot_date"))
    unit, _ = parse_series(facts.get_column("__unit"), TABLES["personnel"].column("unit_code"))
    df = pl.DataFrame({"snapshot_date": snap, "unit_code": unit}).with_columns(
        pl.lit(file).alias("source_file"), pl.lit(sheet, pl.String).alias("source_sheet"))
    return delivery_facts(df, units)


def _counts(bad: pl.DataFrame) -> dict[tuple[str, str | None], int]:
    return {(f, sh): n for f, sh, n in
            bad.group_by("source_file", "source_sheet").agg(pl.len()).iter_rows()}


def check_batch(frames: list[pl.DataFrame], offset: int, table: Table,
                extra: list[pl.Expr], checks: list[Check],
                units: pl.DataFrame | None = None) -> Checked:
    """Parse a batch of prepared sheets and apply every rule that looks at one row at a time
    (the contract's rules and those against other tables, in one pass). Pure: batches can
    be checked side by side. With `units` (personnel), also the delivery facts."""
    df = pl.concat(frames, how="vertical", rechunk=True).with_row_index("__rid", offset=offset)
    parsed = parse_frame(df, table)
    del df
    if extra:
        parsed = parsed.with_columns(extra)
    errors = find_errors(parsed, column_checks(table) + row_checks(table) + checks)
    is_bad = parsed.get_column("__rid").is_in(errors.get_column("__rid").unique().implode())
    # Columns are chosen before rows: a filter copies every column it is given.
    bad = parsed.select("__rid", *SLIM_PROVENANCE).filter(is_bad)
    rows = parsed.select("__rid", *table.column_names, *[n for n, _ in PROVENANCE_COLUMNS])
    slim_columns = WHOLE_TABLE_COLUMNS.get(table.name)
    slim = compact(parsed.select("__rid", *slim_columns).filter(~is_bad)) if slim_columns \
        else parsed.select("__rid").clear()
    facts = delivery_facts(parsed, units) if units is not None else None
    return Checked(rows, is_bad, slim, compact(_quarantine_rows(bad, errors, table.name)), _counts(bad),
                   facts)


BATCH_ROWS = 125_000  # rows parsed at a time: bounds memory held as delivered text
READ_AHEAD = 16  # files read (and prepared) ahead of the parser, on two threads
CHECKERS = 2  # batches checked side by side


def read_prepared(raw_dir: Path, files: list[str], table: Table):
    """(Sheet, prepared frame, Rejected) of every sheet of every file, in delivery order.
    Files are read and prepared on two threads, a few files ahead of the caller."""
    hmap = header_map(table)

    def one(rel: str):
        out = []
        for sh in read_file(raw_dir, rel, hmap):
            frame, rejected = prepare(sh, table, hmap, sh.sheet is not None)
            sh.frame = None  # the prepared frame holds what is needed
            out.append((sh, frame, rejected))
        return out

    with ThreadPoolExecutor(2, thread_name_prefix="sapnhap-read") as pool:
        pending: deque = deque()
        for rel in files:
            pending.append(pool.submit(one, rel))
            if len(pending) > READ_AHEAD:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


class Writer:
    """Appends batches to a raw table on a background thread, so DuckDB writes while polars
    parses the next batch. Rows go in several whole DuckDB row groups (122,880 rows) at a
    time: an insert that ends in a partial row group makes the next one slower (about 1.5x),
    and one of a single row group is slower still (measured: 5.1M rows in 41 inserts 4.9 s,
    in 21 inserts 2.7 s). The caller must not use the connection until `close()` returned."""

    ROW_GROUP = 122_880
    GROUPS = 2  # row groups per insert (at least)

    def __init__(self, con, target: str):
        self.con, self.target = con, target
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="sapnhap-insert")
        self.pending = None
        self.held: list[pl.DataFrame] = []  # rows not inserted yet, in order

    def put(self, frame: pl.DataFrame) -> None:
        self.held.append(frame)
        rows = sum(f.height for f in self.held)
        if rows < self.GROUPS * self.ROW_GROUP:
            return
        whole = rows - rows % self.ROW_GROUP
        ready = pl.concat(self.held)
        self.held = [ready.slice(whole)]
        self._submit(ready.slice(0, whole))

    def _submit(self, frame: pl.DataFrame) -> None:
        self.wait()
        self.pending = self.pool.submit(insert_rows, self.con, self.target, frame)

    def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def close(self, flush: bool = True) -> None:
        """Insert what is held (unless `flush` is false: after an error), then wait."""
        try:
            if flush and self.held:
                self._submit(pl.concat(self.held))
            self.held = []
            self.wait()
        finally:
            self.pool.shutdown()


def locator(starts: list[tuple]):
    """A function adding source_file, source_sheet, source_row and source_hash to a frame
    with `__rid`, from the first `__rid` and spreadsheet row of every run of consecutive data
    rows of every sheet (rows are numbered in delivery order, sheet after sheet, so the row
    is `__rid - start + first row`)."""
    index = pl.DataFrame(starts, orient="row", schema={
        "__start": pl.UInt32, "source_file": pl.String, "source_sheet": pl.String,
        "source_hash": pl.String, "__first_row": pl.Int64})

    def locate(df: pl.DataFrame) -> pl.DataFrame:
        found = df.sort("__rid").join_asof(index, left_on="__rid", right_on="__start", strategy="backward")
        return found.with_columns(
            (pl.col("__rid").cast(pl.Int64) - pl.col("__start") + pl.col("__first_row")).alias("source_row")
        ).drop("__start", "__first_row")

    return locate


def _duplicate_of(sh: Sheet, first: str, table: str, rows: int, skipped: int) -> Rejected:
    """The rejection of a file identical to one earlier in delivery order (one per file)."""
    rejected = _file_rejection(Sheet(sh.file, None, sh.content_hash), table, "duplicate_file",
                               None, first, rows)
    rejected.result.rows_skipped = skipped
    return rejected


def _ledger_facts(facts: list[pl.DataFrame]) -> dict[tuple[str, str | None], tuple[str | None, str | None]]:
    """(file, sheet) -> (snapshot dates, province codes), each sorted, comma-separated."""
    if not facts:
        return {}
    f = pl.concat(facts).unique()
    agg = f.group_by("source_file", "source_sheet").agg(
        pl.col("snapshot_date").drop_nulls().unique().sort().dt.strftime("%Y-%m-%d").str.join(","),
        pl.col("province_code").drop_nulls().unique().sort().str.join(","))
    return {(a, b): (c or None, d or None) for a, b, c, d in agg.iter_rows()}


def load(con, sheets, table: Table, target: str) -> tuple[pl.DataFrame, list[FileResult]]:  # noqa: C901
    """Validate every prepared sheet (any iterable, consumed as it goes) and append the rows
    that pass to `target`, batch by batch; rows the Gate holds back are appended at the end,
    once the whole-table rules have decided on them. A file with the same content as one
    earlier in delivery order (and, for a roster, the same date in its name: two months with
    nothing changed are two snapshots) is rejected whole (`duplicate_file`). Returns
    (quarantine rows, per-file results). Runs inside the caller's transaction."""
    extra, checks = table_checks(con, table)
    units = unit_provinces(con, table)
    results, file_quarantine, quarantine_parts, slims = [], [], [], []
    bad_counts: Counter = Counter()
    batch, batch_rows, offset = [], 0, 0
    hashes: dict[str, str] = {}
    first_of: dict[tuple, str] = {}  # (content hash, name date) -> the first file with it
    duplicates: dict[str, FileResult] = {}
    facts: list[pl.DataFrame] = []
    starts: list[tuple] = []  # (first __rid, file, sheet, hash, first row) of every run of rows
    writer = Writer(con, target)
    gate = Gate(table)
    waiting = []

    checkers = ThreadPoolExecutor(CHECKERS, thread_name_prefix="sapnhap-check")
    in_flight: deque = deque()

    def finish_oldest():
        # In delivery order: the gate and the writer see batch after batch.
        done = in_flight.popleft().result()
        good = ~done.is_bad
        wait = gate.waits(done.rows, good)
        writer.put(done.rows.filter(good & ~wait))
        waiting.append(compact(done.rows.filter(good & wait)))
        slims.append(done.slim)
        quarantine_parts.append(done.quarantine)
        bad_counts.update(done.bad_counts)
        if done.facts is not None:
            facts.append(done.facts)

    def flush(last: bool = False):
        nonlocal batch, batch_rows, offset
        if batch:
            in_flight.append(checkers.submit(check_batch, batch, offset, table, extra, checks, units))
            offset += batch_rows
        batch, batch_rows = [], 0
        while in_flight and (last or len(in_flight) > CHECKERS):
            finish_oldest()

    def text_facts(raw: pl.DataFrame | None, file: str, sheet: str | None) -> None:
        if raw is not None and units is not None and raw.height:
            facts.append(_facts_of_text(raw, file, sheet, units))

    ok = False
    try:
        for sh, frame, rejected in sheets:
            hashes[sh.file] = sh.content_hash
            # the same bytes again, for the same date when the name dates a roster
            same = (sh.content_hash, file_date(sh.file) if table.name == "personnel" else None)
            first = first_of.setdefault(same, sh.file) if sh.content_hash else sh.file
            if first != sh.file:  # the same bytes as an earlier file: set aside whole
                rows = frame.height if frame is not None else rejected.result.rows_read
                skipped = sh.rows_skipped if frame is not None else rejected.result.rows_skipped
                if sh.file not in duplicates:
                    dup = _duplicate_of(sh, first, table.name, 0, 0)
                    duplicates[sh.file] = dup.result
                    results.append(dup.result)
                    file_quarantine.append(dup.quarantine)
                r = duplicates[sh.file]
                r.rows_read += rows
                r.rows_quarantined += rows
                r.rows_skipped += skipped
                if frame is not None and units is not None:
                    raw = frame.select(pl.col("__raw_snapshot_date").fill_null(pl.col("__file_date"))
                                       .alias("__snapshot"), pl.col("__raw_unit_code").alias("__unit")).unique()
                    text_facts(raw, sh.file, None)
                elif rejected is not None:
                    text_facts(rejected.facts, sh.file, None)
                continue
            if rejected is not None:
                results.append(rejected.result)
                if rejected.quarantine is not None:
                    file_quarantine.append(rejected.quarantine)
                text_facts(rejected.facts, sh.file, sh.sheet)
                continue
            results.append(FileResult(sh.file, sh.sheet, sh.content_hash, "loaded", frame.height,
                                      rows_skipped=sh.rows_skipped, skip_note=sh.skip_note))
            if frame.height:
                for off, first_row in sh.segments:
                    starts.append((offset + batch_rows + off, sh.file, sh.sheet, sh.content_hash, first_row))
            batch.append(frame)
            batch_rows += frame.height
            if batch_rows >= BATCH_ROWS:
                flush()
        flush(last=True)
        ok = True
    finally:
        for future in in_flight:
            future.cancel()
        checkers.shutdown()
        writer.close(flush=ok)
    # A workbook none of whose sheets has a recognised header is rejected whole.
    for path in sorted({r.file for r in results if r.sheet is not None}):
        mine = [r for r in results if r.file == path]
        if all(r.status == "skipped" for r in mine):
            missing = ", ".join(c.name for c in table.columns if c.required)
            rejected = _file_rejection(Sheet(path, None, hashes[path]), table.name,
                                       "missing_required_column", missing, "", 0)
            rejected.result.message = f"no sheet has a recognised header: {rejected.result.message}"
            rejected.result.rows_skipped = sum(r.rows_skipped for r in mine)
            results = [r for r in results if r.file != path] + [rejected.result]
            file_quarantine.append(rejected.quarantine)
    if slims:
        kept = pl.concat(slims)
        slims.clear()
        locate = locator(starts)
        waited = pl.concat(waiting)
        errors = whole_table_errors(kept, table.name, locate, waited)
        rejected_rids = errors.get_column("__rid").unique()
        if not rejected_rids.is_in(waited.get_column("__rid").implode()).all():
            raise RuntimeError("a whole-table rule rejected a row already appended (Gate)")
        if errors.height:
            gone = locate(kept.filter(pl.col("__rid").is_in(rejected_rids.implode())))
            quarantine_parts.append(_quarantine_rows(gone, errors, table.name))
            bad_counts.update(_counts(gone))
        insert_rows(con, target, waited.filter(~pl.col("__rid").is_in(rejected_rids.implode())))
    quarantine = pl.concat(quarantine_parts) if quarantine_parts else pl.DataFrame(schema=QUARANTINE_SCHEMA)
    quarantine = quarantine.sort("__rid", "column_name", maintain_order=True).drop("__rid")
    found = _ledger_facts(facts)
    for r in results:
        if r.status == "loaded":
            r.rows_quarantined = bad_counts.get((r.file, r.sheet), 0)
            r.rows_loaded = r.rows_read - r.rows_quarantined
        r.snapshot_dates, r.province_codes = found.get((r.file, r.sheet), (None, None))
    if file_quarantine:
        quarantine = pl.concat([pl.DataFrame(file_quarantine, schema=quarantine.schema), quarantine])
    return quarantine, results


INSERT_ROWS = 1_000_000  # rows converted to Arrow at a time: bounds the copy made for DuckDB


def insert_rows(con, target: str, frame: pl.DataFrame) -> None:
    """Append `frame` to table `target` (columns matched by name), in delivery order.

    Provenance repeats one value per file: as dictionaries DuckDB takes it ~30 % faster. Plain
    Arrow strings (the oldest compat level) go in ~20 % faster than string views, but are a
    copy, so they are made one slice at a time."""
    provenance = pl.col("source_file", "source_sheet", "source_hash").cast(pl.Categorical)
    frame = frame.drop("__rid", strict=False)
    for part in frame.iter_slices(INSERT_ROWS):
        con.register("__rows", part.with_columns(provenance).to_arrow(compat_level=pl.CompatLevel.oldest()))
        try:
            con.execute(f"insert into {target} by name select * from __rows")
        finally:
            con.unregister("__rows")


def ingest_table(con, raw_dir: Path | str, table_name: str, now: datetime | None = None) -> IngestResult:
    """Rebuild raw.<table_name> and its quarantine from raw_dir/<table_name>/, update the ledger.

    `con` is a plain read-write duckdb connection; the write is one transaction."""
    table = TABLES[table_name]
    raw_dir = Path(raw_dir)
    ensure_schemas(con)
    now = now or datetime.now(UTC).replace(tzinfo=None)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from raw.{table_name}")
        quarantine, results = load(con, read_prepared(raw_dir, discover(raw_dir, table_name), table),
                                   table, f"raw.{table_name}")
        con.execute("delete from audit.quarantine where table_name = ?", [table_name])
        con.register("__quarantine", quarantine.to_arrow())
        con.execute("insert into audit.quarantine by name select * from __quarantine")
        con.unregister("__quarantine")
        changes = ledger.record(con, table_name, results, now)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    top = (
        quarantine.group_by("rule").agg(pl.len().alias("n")).sort(["n", "rule"], descending=[True, False])
        if quarantine.height else pl.DataFrame(schema={"rule": pl.String, "n": pl.UInt32})
    )
    return IngestResult(table_name, results, changes, [(r, int(n)) for r, n in top.iter_rows()])


def ingest_all(con, raw_dir: Path | str, now: datetime | None = None) -> dict[str, IngestResult]:
    """All four delivery tables in dependency order."""
    return {t: ingest_table(con, raw_dir, t, now) for t in ORDER}
