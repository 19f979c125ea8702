"""Read every file of a delivery and shape each sheet into the common all-text layout: one
`__raw_<column>` per delivered column (null where the file lacks it), the provenance columns,
and the date a roster's file name or form title gives. A sheet that cannot be used is a
`Rejected` instead (unreadable, a required column missing, a column twice, no header)."""

import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from dagster_project.contract import Delivery
from dagster_project.ingest.checks.messages import message
from dagster_project.ingest.engine.results import FileResult
from dagster_project.ingest.read import Sheet, fold, header_map, read_file
from dagster_project.warehouse.ddl import PROVENANCE_COLUMNS

FILE_DATE = re.compile(r"(\d{4})[-_]?(\d{2})[-_]?(\d{2})")
READ_AHEAD = 16  # files read (and prepared) ahead of the parser, on two threads


@dataclass
class Rejected:
    """A sheet refused or skipped before its rows are checked, and (a roster) the distinct
    snapshot dates and unit codes it carries as text, to record what it was for."""

    result: FileResult
    quarantine: dict | None
    facts: pl.DataFrame | None = None  # columns __snapshot (text), __unit (text)


def file_date(path: str) -> str | None:
    """The first valid ISO-like date (2025-06-30, 2025_06_30, 20250630) in a file name."""
    for m in FILE_DATE.finditer(Path(path).name):
        try:
            return datetime(int(m[1]), int(m[2]), int(m[3])).date().isoformat()
        except ValueError:
            continue
    return None


def name_date(delivery: Delivery, path: str) -> str | None:
    """The date a file name gives, for a delivery whose date may come from its file name."""
    return file_date(path) if delivery.snapshot is not None and delivery.snapshot.file_name else None


def file_rejection(sh: Sheet, table: str, reason: str, column: str | None, detail: str,
                   rows: int, facts: pl.DataFrame | None = None, detail_en: str | None = None) -> Rejected:
    vi, en = message(reason, column, None, detail, detail_en)
    q = {"table_name": table, "file": sh.file, "content_hash": sh.content_hash, "sheet": sh.sheet,
         "row_number": None, "column_name": column, "value": None, "rule": reason,
         "message_vi": f"{sh.file}: {vi}", "message_en": f"{sh.file}: {en}"}
    result = FileResult(sh.file, sh.sheet, sh.content_hash, "rejected", rows, 0, rows, en,
                        sh.rows_skipped, sh.skip_note)
    return Rejected(result, q, facts)


def bad_row(sh: Sheet, row: int, detail_vi: str, detail_en: str, table: str) -> dict:
    """The quarantine row of a line the reader could not split into the header's fields."""
    vi, en = message("malformed_row", None, None, detail_vi, detail_en)
    return {"table_name": table, "file": sh.file, "content_hash": sh.content_hash, "sheet": sh.sheet,
            "row_number": row, "column_name": None, "value": None, "rule": "malformed_row",
            "message_vi": f"{sh.file}, dòng {row}: {vi}", "message_en": f"{sh.file}, row {row}: {en}"}


def duplicate_of(sh: Sheet, first: str, table: str) -> Rejected:
    """The rejection of a file identical to one earlier in delivery order (one per file)."""
    return file_rejection(Sheet(sh.file, None, sh.content_hash), table, "duplicate_file", None, first, 0)


def _raw_facts(df: pl.DataFrame, snapshot: str | None, unit: str | None, fdate: str | None):
    """Distinct (snapshot date, unit code) texts of a sheet, before any check."""
    if unit is None or (snapshot is None and fdate is None):
        return None
    snap = pl.col(snapshot) if snapshot is not None else pl.lit(None, pl.String)
    return df.select(snap.fill_null(pl.lit(fdate, pl.String)).alias("__snapshot"),
                     pl.col(unit).alias("__unit")).unique()


def prepare(sh: Sheet, delivery: Delivery, hmap: dict[str, str], is_workbook: bool):
    """Map headers and shape one sheet into the common all-text layout.

    Returns (frame, None), or (None, Rejected) for a rejected or skipped sheet."""
    if sh.error is not None:
        return None, file_rejection(sh, delivery.name, "unreadable_file", None, sh.error_vi or sh.error, 0,
                                    detail_en=sh.error)
    df = sh.frame
    mapped: dict[str, str] = {}
    unknown: list[str] = []
    for header in df.columns:
        name = hmap.get(fold(header))
        if name is None:
            unknown.append(header)
        elif name in mapped.values():
            first = next(h for h, n in mapped.items() if n == name)
            return None, file_rejection(sh, delivery.name, "duplicate_column", name,
                                        f"'{first}', '{header}'", sh.rows_read)
        else:
            mapped[header] = name
    if is_workbook and (len(mapped) < 2 or not sh.has_header):
        rows = sh.rows_skipped + df.height
        return None, Rejected(FileResult(
            sh.file, sh.sheet, sh.content_hash, "skipped", 0, 0, 0,
            f"sheet skipped: no recognised header ({rows} rows)", rows,
            sh.skip_note or (f"no header: rows 1-{rows}" if rows else "")), None)
    delivered = {n: h for h, n in mapped.items()}
    snapshot = delivery.snapshot
    fdate = None
    missing = [c.name for c in delivery.columns if c.required and c.name not in mapped.values()]
    if snapshot is not None:
        fdate = name_date(delivery, sh.file) or (sh.title_date if snapshot.form_title else None)
        if snapshot.column not in mapped.values() and fdate is None:
            missing.insert(0, snapshot.column)
    if missing:
        # What a rejected roster was for; a loaded sheet's come from its checked rows (load.py).
        # Only here: computed for every sheet, they cost about 1 s of CPU at national scale.
        facts = None
        if snapshot is not None and snapshot.provinces_of is not None:
            facts = _raw_facts(df, delivered.get(snapshot.column), delivered.get(snapshot.provinces_of), fdate)
        return None, file_rejection(sh, delivery.name, "missing_required_column", ", ".join(missing),
                                    "", sh.rows_read, facts)
    cols = [(pl.col(delivered[c.name]) if c.name in delivered else pl.lit(None, pl.String)).alias(f"__raw_{c.name}")
            for c in delivery.columns]
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


def read_prepared(raw_dir: Path, files: list[str], delivery: Delivery,
                  prepared: dict[str, list] | None = None):
    """(Sheet, prepared frame, Rejected) of every sheet of every file, in delivery order.
    Files are read and prepared on two threads, a few files ahead of the caller; the sheets of
    a file in `prepared` (by file, as this yields them) are taken from it instead."""
    hmap = header_map(delivery)
    prepared = prepared if prepared is not None else {}

    def one(rel: str):
        if rel in prepared:
            return prepared.pop(rel)
        out = []
        for sh in read_file(raw_dir, rel, hmap):
            frame, rejected = prepare(sh, delivery, hmap, sh.sheet is not None)
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
