"""The streaming load of one delivery: batches, two checkers, the Gate, the Writer.

In delivery order (file path relative to raw/, then sheet order, then row) prepared sheets are
gathered into batches; two batches are parsed and checked side by side (`check_batch`, pure);
then, batch after batch, the `Gate` holds back every row a whole-table check could still
reject and the `Writer` appends the others while the next batches are checked. At the end the
whole-table checks decide on the rows held back. Runs inside the caller's transaction.
"""

from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from dagster_project.contract import Delivery
from dagster_project.ingest.checks import lookup_checks
from dagster_project.ingest.checks.lookups import unit_provinces
from dagster_project.ingest.checks.messages import QUARANTINE_SCHEMA, quarantine_rows
from dagster_project.ingest.checks.whole_table import whole_table_errors
from dagster_project.ingest.engine.batch import check_batch, compact, counts, facts_of_text
from dagster_project.ingest.engine.gate import Gate
from dagster_project.ingest.engine.prepare import bad_row, duplicate_of, file_rejection, name_date
from dagster_project.ingest.engine.results import FileResult
from dagster_project.ingest.engine.writer import Writer, insert_rows
from dagster_project.ingest.read import Sheet

BATCH_ROWS = 125_000  # rows parsed at a time: bounds memory held as delivered text
CHECKERS = 2  # batches checked side by side


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


def ledger_facts(facts: list[pl.DataFrame]) -> dict[tuple[str, str | None], tuple[str | None, str | None]]:
    """(file, sheet) -> (snapshot dates, province codes), each sorted, comma-separated."""
    if not facts:
        return {}
    f = pl.concat(facts).unique()
    agg = f.group_by("source_file", "source_sheet").agg(
        pl.col("snapshot_date").drop_nulls().unique().sort().dt.strftime("%Y-%m-%d").str.join(","),
        pl.col("province_code").drop_nulls().unique().sort().str.join(","))
    return {(a, b): (c or None, d or None) for a, b, c, d in agg.iter_rows()}


def load(con, sheets, delivery: Delivery, target: str) -> tuple[pl.DataFrame, list[FileResult]]:  # noqa: C901
    """Check every prepared sheet (any iterable, consumed as it goes) and append the rows
    that pass to `target`, batch by batch; rows the Gate holds back are appended at the end,
    once the whole-table checks have decided on them. A file with the same content as one
    earlier in delivery order (and, where a file name dates a roster, the same date in its
    name: two months with nothing changed are two snapshots) is set aside whole
    (`duplicate_file`). Returns (quarantine rows, per-file results)."""
    table = delivery.name
    extra, lookups = lookup_checks(con, delivery)
    units = unit_provinces(con, delivery)
    snapshot = delivery.snapshot
    results, file_quarantine, quarantine_parts, slims = [], [], [], []
    bad_counts: Counter = Counter()
    batch, batch_rows, offset = [], 0, 0
    hashes: dict[str, str] = {}
    first_of: dict[tuple, str] = {}  # (content hash, name date) -> the first file with it
    duplicates: dict[str, FileResult] = {}
    facts: list[pl.DataFrame] = []
    starts: list[tuple] = []  # (first __rid, file, sheet, hash, first row) of every run of rows
    writer = Writer(con, target)
    gate = Gate(delivery)
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
            in_flight.append(checkers.submit(check_batch, batch, offset, delivery, extra, lookups, units))
            offset += batch_rows
        batch, batch_rows = [], 0
        while in_flight and (last or len(in_flight) > CHECKERS):
            finish_oldest()

    def text_facts(raw: pl.DataFrame | None, file: str, sheet: str | None) -> None:
        if raw is not None and units is not None and raw.height:
            facts.append(facts_of_text(raw, file, sheet, delivery, units))

    ok = False
    try:
        for sh, frame, rejected in sheets:
            hashes[sh.file] = sh.content_hash
            # the same bytes again, for the same date when the name dates a roster
            same = (sh.content_hash, name_date(delivery, sh.file))
            first = first_of.setdefault(same, sh.file) if sh.content_hash else sh.file
            if first != sh.file:  # the same bytes as an earlier file: set aside whole
                rows = frame.height + len(sh.bad_rows) if frame is not None else rejected.result.rows_read
                skipped = sh.rows_skipped if frame is not None else rejected.result.rows_skipped
                if sh.file not in duplicates:
                    dup = duplicate_of(sh, first, table)
                    duplicates[sh.file] = dup.result
                    results.append(dup.result)
                    file_quarantine.append(dup.quarantine)
                r = duplicates[sh.file]
                r.rows_read += rows
                r.rows_quarantined += rows
                r.rows_skipped += skipped
                if frame is not None and units is not None:
                    raw = frame.select(pl.col(f"__raw_{snapshot.column}").fill_null(pl.col("__file_date"))
                                       .alias("__snapshot"),
                                       pl.col(f"__raw_{snapshot.provinces_of}").alias("__unit")).unique()
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
            results.append(FileResult(sh.file, sh.sheet, sh.content_hash, "loaded",
                                      frame.height + len(sh.bad_rows),
                                      rows_skipped=sh.rows_skipped, skip_note=sh.skip_note))
            if sh.bad_rows:  # lines the reader could not split into the header's fields
                file_quarantine.extend(bad_row(sh, row, vi, en, table) for row, vi, en in sh.bad_rows)
                bad_counts[(sh.file, sh.sheet)] += len(sh.bad_rows)
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
            missing = ", ".join(c.name for c in delivery.columns if c.required)
            rejected = file_rejection(Sheet(path, None, hashes[path]), table,
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
        errors = whole_table_errors(kept, delivery, locate, waited)
        rejected_rids = errors.get_column("__rid").unique()
        if not rejected_rids.is_in(waited.get_column("__rid").implode()).all():
            raise RuntimeError("a whole-table check rejected a row already appended (Gate)")
        if errors.height:
            gone = locate(kept.filter(pl.col("__rid").is_in(rejected_rids.implode())))
            quarantine_parts.append(quarantine_rows(gone, errors, table))
            bad_counts.update(counts(gone))
        insert_rows(con, target, waited.filter(~pl.col("__rid").is_in(rejected_rids.implode())))
    quarantine = pl.concat(quarantine_parts) if quarantine_parts else pl.DataFrame(schema=QUARANTINE_SCHEMA)
    quarantine = quarantine.sort("__rid", "column_name", maintain_order=True).drop("__rid")
    found = ledger_facts(facts)
    for r in results:
        if r.status == "loaded":
            r.rows_quarantined = bad_counts.get((r.file, r.sheet), 0)
            r.rows_loaded = r.rows_read - r.rows_quarantined
        r.snapshot_dates, r.province_codes = found.get((r.file, r.sheet), (None, None))
    if file_quarantine:
        quarantine = pl.concat([pl.DataFrame(file_quarantine, schema=quarantine.schema), quarantine])
    return quarantine, results
