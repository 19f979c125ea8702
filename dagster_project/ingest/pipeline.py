"""Ingest one delivery table: read every file, validate, load or quarantine, record the ledger.

`ingest_table(con, raw_dir, "personnel")` rebuilds raw.personnel and that table's part of
audit.quarantine from every file now under raw/personnel/, in one transaction, and brings
audit.ingest_ledger up to date (ledger.py states the rules). Every input row ends in exactly
one place: raw.<table> or audit.quarantine. Rows are processed in delivery order (file path
relative to raw/, then sheet order, then row), which decides which duplicate is kept.

Cross-table rules read what is already loaded: units are checked against raw.ref_units_pre /
raw.ref_units_post, lineage and personnel against raw.units, decisions against
raw.personnel; so ingest in the order units -> lineage -> personnel -> decisions.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

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


@dataclass
class FileResult:
    """What happened to one file (or one sheet of a workbook)."""

    file: str
    sheet: str | None
    content_hash: str
    status: str  # loaded | rejected | skipped
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""


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
                    rows: int) -> tuple[FileResult, dict]:
    vi, en = message(rule, column, None, detail)
    q = {"table_name": table, "file": sh.file, "content_hash": sh.content_hash, "sheet": sh.sheet,
         "row_number": None, "column_name": column, "value": None, "rule": rule,
         "message_vi": f"{sh.file}: {vi}", "message_en": f"{sh.file}: {en}"}
    return FileResult(sh.file, sh.sheet, sh.content_hash, "rejected", rows, 0, rows, en), q


def prepare(sh: Sheet, table: Table, hmap: dict[str, str], is_workbook: bool):
    """Map headers and shape one sheet into the common all-text layout.

    Returns (frame, None), or (None, (FileResult, quarantine row)) for a rejected or
    skipped sheet."""
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
    if is_workbook and len(mapped) < 2:
        return None, (FileResult(sh.file, sh.sheet, sh.content_hash, "skipped", 0, 0, 0,
                                 f"sheet skipped: no recognised header ({df.height} rows)"), None)
    missing = [c.name for c in table.columns if c.required and c.name not in mapped.values()]
    fdate = file_date(sh.file) if table.name == "personnel" else None
    if table.name == "personnel" and "snapshot_date" not in mapped.values() and fdate is None:
        missing.insert(0, "snapshot_date")
    if missing:
        return None, _file_rejection(sh, table.name, "missing_required_column", ", ".join(missing),
                                     "", df.height)
    cols = [pl.col(h).alias(f"__raw_{n}") for h, n in mapped.items()]
    cols += [pl.lit(None, pl.String).alias(f"__raw_{c.name}")
             for c in table.columns if c.name not in mapped.values()]
    extra = (pl.struct(unknown).struct.json_encode() if unknown else pl.lit(None, pl.String)).alias("extra")
    frame = df.select(
        *cols,
        pl.lit(sh.file).alias("source_file"),
        pl.lit(sh.sheet, pl.String).alias("source_sheet"),
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("source_row"),
        pl.lit(sh.content_hash).alias("source_hash"),
        extra,
        pl.lit(fdate, pl.String).alias("__file_date"),
    )
    order = [f"__raw_{c.name}" for c in table.columns]
    return frame.select(*order, *[n for n, _ in PROVENANCE_COLUMNS], "__file_date"), None


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


def plain_values(delivered: pl.Series, c: Column) -> pl.Series | None:
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
        # The known spellings are parsed by the full path itself, so they agree by construction.
        f = _normalise_and_parse(pl.Series(_spellings(c), dtype=pl.String), c).drop_nulls("v")
        return parse.plain_lookup(delivered, dict(zip(f["r"], f["v"], strict=True)), f["v"].dtype)
    return None


def parse_series(delivered: pl.Series, c: Column) -> tuple[pl.Series, pl.Series]:
    """(parsed value, blank mask) of one column. Values already in plain form are parsed by
    one vectorised cast or lookup; only the others are normalised and parsed in full."""
    plain = plain_values(delivered, c)
    if plain is None:
        return full_parse_series(delivered, c)
    is_blank = (delivered.is_null() | (delivered == "")).fill_null(True)
    rest = plain.is_null() & ~is_blank
    if rest.any():
        idx = rest.arg_true()
        v, blank = full_parse_series(delivered.gather(idx), c)
        plain = plain.cast(v.dtype).scatter(idx, v)
        is_blank = is_blank.scatter(idx, blank)
    if c.kind in (TEXT, CODE):
        # Kept as delivered, the values would hold on to the read buffers of the whole column
        # (about 300 MB more at national scale); a compact copy lets those go with the batch.
        plain = plain.str.slice(0)
    return plain.alias(c.name), is_blank.alias(f"__blank_{c.name}")


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


def parse_frame(df: pl.DataFrame, table: Table) -> tuple[pl.DataFrame, list[Check]]:
    """Add the parsed value `c` and the blank mask `__blank_c` beside each delivered `__raw_c`;
    return the frame with the per-row checks."""
    columns = []
    for c in table.columns:
        columns.extend(parse_series(df.get_column(f"__raw_{c.name}"), c))
    df = df.with_columns(columns)
    if "snapshot_date" in table.column_names:
        df = df.with_columns(
            pl.when(pl.col("__blank_snapshot_date"))
            .then(pl.col("__file_date").str.to_date("%Y-%m-%d"))
            .otherwise(pl.col("snapshot_date"))
            .alias("snapshot_date")
        )
    return df, column_checks(table) + row_checks(table)


def _has_table(con, schema: str, name: str) -> bool:
    return con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()[0][0] > 0


def _codes(con, sql: str) -> pl.Series:
    return pl.from_arrow(con.sql(sql).to_arrow_table()).to_series().cast(pl.String)


def table_checks(con, df: pl.DataFrame, table: Table) -> tuple[pl.DataFrame, list[Check]]:
    """Rules across rows and tables. Returns the frame with helper columns and the checks."""
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
                         pl.lit("của giai đoạn ") + period, pl.lit("of period ") + period)

        return df, [
            in_ref("province_code", "province", ("pre", "post")),
            in_ref("district_code", "district", ("pre",)),
            in_ref("commune_code", "commune", ("pre", "post")),
        ]
    if table.name == "lineage":
        pre = _codes(con, "select distinct unit_code from raw.units where period = 'pre'")
        post = _codes(con, "select distinct unit_code from raw.units where period = 'post'")
        return df, [
            Check("old_unit_code", "unknown_unit_code",
                  pl.col("old_unit_code").is_not_null() & ~pl.col("old_unit_code").is_in(pre.implode()),
                  pl.lit("trước 01/07/2025 (raw.units, period = pre)"),
                  pl.lit("before 1 Jul 2025 (raw.units, period = pre)")),
            Check("new_unit_code", "unknown_unit_code",
                  pl.col("new_unit_code").is_not_null() & ~pl.col("new_unit_code").is_in(post.implode()),
                  pl.lit("từ 01/07/2025 (raw.units, period = post)"),
                  pl.lit("from 1 Jul 2025 (raw.units, period = post)")),
        ]
    if table.name == "personnel":
        # A unit of the snapshot's period, tested per period (no per-row key string to build).
        units_of = {p: _codes(con, f"select distinct unit_code from raw.units where period = '{p}'")
                    for p in ("pre", "post")}
        df = df.with_columns(period_of(pl.col("snapshot_date")).alias("__period"))
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
                  pl.lit("of period ") + pl.col("__period") + pl.lit(" (by snapshot date)")),
        ]
        if ref is not None:
            checks.append(Check(
                "national_id", "invalid_code",
                pl.col("national_id").is_not_null() & ~pl.col("national_id").str.slice(0, 3).is_in(ref.implode()),
                pl.lit("chữ số 1-3 không phải mã tỉnh"), pl.lit("digits 1-3 are not a province code")))
        return df, checks
    if table.name == "decisions":
        known = _codes(con, "select distinct national_id from raw.personnel")
        return df, [Check("national_id", "unknown_person",
                          pl.col("national_id").is_not_null() & ~pl.col("national_id").is_in(known.implode()))]
    return df, []


DUPLICATE_KEYS = {"units": (["period", "unit_code"], "unit_code", "duplicate_unit_code"),
                  "personnel": (["snapshot_date", "national_id"], "national_id", "duplicate_person")}


def duplicate_errors(df: pl.DataFrame, table: str, bad: pl.Series) -> pl.DataFrame:
    """Rows whose key was already seen earlier in delivery order; the message names where the
    kept (first) row is. Only rows that pass every other rule are compared (`bad`: the rows
    already quarantined), so the kept row is always a loaded one: a row quarantined for a
    wrong national ID does not push out the person that ID really belongs to."""
    if table not in DUPLICATE_KEYS or df.height == 0:
        return find_errors(df.clear(), [])
    keys, column, rule = DUPLICATE_KEYS[table]
    slim = df.select("__rid", *keys, "source_file", "source_sheet", "source_row").filter(
        pl.all_horizontal([pl.col(k).is_not_null() for k in keys]) & ~pl.col("__rid").is_in(bad.implode()))
    slim = slim.filter(slim.select(keys).is_duplicated())  # few rows from here on
    if slim.height == 0:
        return find_errors(df.clear(), [])
    groups = slim.group_by(keys).agg(pl.col("__rid").min().alias("__first_rid"))
    later = slim.join(groups.select(*keys, "__first_rid"), on=keys, how="inner").filter(
        pl.col("__rid") != pl.col("__first_rid"))
    first = slim.filter(pl.col("__rid").is_in(groups.get_column("__first_rid").implode())).select(
        pl.col("__rid").alias("__first_rid"), pl.col("source_file").alias("__first_file"),
        pl.col("source_sheet").alias("__first_sheet"), pl.col("source_row").alias("__first_row"))
    vi, en = location("__first_")
    return find_errors(later.join(first, on="__first_rid", how="left").sort("__rid"),
                       [Check(column, rule, pl.lit(True), vi, en)])


def share_sum_errors(df: pl.DataFrame, bad: pl.Series) -> pl.DataFrame:
    """Lineage: the shares (default 1) of one old unit, over its rows that pass every other
    rule, must add up to 1; otherwise all those rows are quarantined."""
    ok = df.filter(~pl.col("__rid").is_in(bad.implode()) & pl.col("old_unit_code").is_not_null())
    sums = ok.with_columns(pl.col("share").fill_null(1.0).sum().over("old_unit_code").alias("__sum"))
    check = Check("share", "share_sum", (pl.col("__sum") - 1.0).abs() > SHARE_TOLERANCE,
                  pl.col("__sum").round(6).cast(pl.String), value=pl.col("old_unit_code"))
    return find_errors(sums, [check])


def _quarantine_rows(df: pl.DataFrame, errors: pl.DataFrame, table: str) -> pl.DataFrame:
    prov = df.select(pl.col("__rid").cast(pl.UInt32), "source_file", "source_hash", "source_sheet", "source_row")
    joined = errors.join(prov, on="__rid", how="left")
    parts = []
    for rule in joined.get_column("rule").unique(maintain_order=True).to_list():
        parts.append(joined.filter(pl.col("rule") == rule).with_columns(message_exprs(rule)))
    if not parts:
        return pl.DataFrame(schema={c: pl.String for c in QUARANTINE_COLUMNS} | {"row_number": pl.Int64})
    return pl.concat(parts).sort("__rid", "column_name").select(
        pl.lit(table).alias("table_name"),
        pl.col("source_file").alias("file"),
        pl.col("source_hash").alias("content_hash"),
        pl.col("source_sheet").alias("sheet"),
        pl.col("source_row").alias("row_number"),
        "column_name", "value", "rule", "message_vi", "message_en",
    )


BATCH_ROWS = 500_000  # rows parsed at a time: bounds memory held as delivered text


def _empty_frame(table: Table) -> pl.DataFrame:
    return pl.DataFrame(schema={f"__raw_{c.name}": pl.String for c in table.columns}
                        | {"source_file": pl.String, "source_sheet": pl.String, "source_row": pl.Int64,
                           "source_hash": pl.String, "extra": pl.String, "__file_date": pl.String})


def _row_stage(frames: list[pl.DataFrame], offset: int, table: Table) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Parse and apply the per-row rules to a batch of sheets. Returns the parsed rows (the
    delivered text dropped) and their errors."""
    df = pl.concat(frames, how="vertical").with_row_index("__rid", offset=offset)
    frames.clear()
    parsed, checks = parse_frame(df, table)
    errors = find_errors(parsed, checks)
    keep = [*table.column_names, "__rid", *[n for n, _ in PROVENANCE_COLUMNS]]
    return parsed.select(keep), errors


def validate(con, sheets, table: Table):
    """Validate every sheet (any iterable: files are read as it is consumed). Returns (rows to
    load, quarantine rows, per-file results)."""
    hmap = header_map(table)
    results, file_quarantine, parsed_parts, error_parts = [], [], [], []
    batch, batch_rows, offset = [], 0, 0
    hashes: dict[str, str] = {}

    def flush():
        nonlocal batch, batch_rows, offset
        if batch:
            parsed, errors = _row_stage(batch, offset, table)
            parsed_parts.append(parsed)
            error_parts.append(errors)
            offset += parsed.height
        batch, batch_rows = [], 0

    for sh in sheets:
        hashes[sh.file] = sh.content_hash
        frame, rejected = prepare(sh, table, hmap, sh.sheet is not None)
        sh.frame = None  # the prepared frame holds what is needed
        if rejected is not None:
            result, q = rejected
            results.append(result)
            if q is not None:
                file_quarantine.append(q)
            continue
        results.append(FileResult(sh.file, sh.sheet, sh.content_hash, "loaded", frame.height))
        batch.append(frame)
        batch_rows += frame.height
        if batch_rows >= BATCH_ROWS:
            flush()
    flush()
    # A workbook none of whose sheets has a recognised header is rejected whole.
    for path in sorted({r.file for r in results if r.sheet is not None}):
        mine = [r for r in results if r.file == path]
        if all(r.status == "skipped" for r in mine):
            missing = ", ".join(c.name for c in table.columns if c.required)
            result, q = _file_rejection(Sheet(path, None, hashes[path]), table.name,
                                        "missing_required_column", missing, "", 0)
            result.message = f"no sheet has a recognised header: {result.message}"
            results = [r for r in results if r.file != path] + [result]
            file_quarantine.append(q)
    if not parsed_parts:
        parsed_parts.append(_row_stage([_empty_frame(table)], 0, table)[0])
    parsed = pl.concat(parsed_parts)
    parsed_parts.clear()
    parsed, more = table_checks(con, parsed, table)
    errors = pl.concat([*error_parts, find_errors(parsed, more)])
    errors = pl.concat([errors, duplicate_errors(parsed, table.name, errors.get_column("__rid"))])
    if table.name == "lineage":
        errors = pl.concat([errors, share_sum_errors(parsed, errors.get_column("__rid"))])
    is_bad = pl.col("__rid").is_in(errors.get_column("__rid").unique().implode())
    bad_rows = parsed.filter(is_bad)
    quarantine = _quarantine_rows(bad_rows, errors, table.name)
    counts = {
        (r["source_file"], r["source_sheet"]): r["n"]
        for r in bad_rows.group_by("source_file", "source_sheet").agg(pl.len().alias("n"))
        .iter_rows(named=True)
    }
    loaded = parsed.filter(~is_bad).select(*table.column_names, *[n for n, _ in PROVENANCE_COLUMNS])
    del parsed
    for r in results:
        if r.status == "loaded":
            r.rows_quarantined = counts.get((r.file, r.sheet), 0)
            r.rows_loaded = r.rows_read - r.rows_quarantined
    if file_quarantine:
        quarantine = pl.concat([pl.DataFrame(file_quarantine, schema=quarantine.schema), quarantine])
    return loaded, quarantine, results


INSERT_ROWS = 1_000_000  # rows converted to Arrow at a time: bounds the copy made for DuckDB


def insert_rows(con, target: str, frame: pl.DataFrame) -> None:
    """Append `frame` to table `target` (columns matched by name), in delivery order.

    Provenance repeats one value per file: as dictionaries DuckDB takes it ~30 % faster. Plain
    Arrow strings (the oldest compat level) go in ~20 % faster than string views, but are a
    copy, so they are made one slice at a time."""
    provenance = pl.col("source_file", "source_sheet", "source_hash").cast(pl.Categorical)
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
    sheets = (sh for rel in discover(raw_dir, table_name) for sh in read_file(raw_dir, rel))
    loaded, quarantine, results = validate(con, sheets, table)
    now = now or datetime.now(UTC).replace(tzinfo=None)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from raw.{table_name}")
        insert_rows(con, f"raw.{table_name}", loaded)
        del loaded
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
