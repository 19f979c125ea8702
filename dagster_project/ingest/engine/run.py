"""Ingest one delivery: bring raw.<table> and its quarantine up to date in one transaction (every
file, or only what changed: engine/incremental.py), update the ledger."""

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from dagster_project.contract import DELIVERIES, ORDER, Delivery
from dagster_project.ingest import ledger
from dagster_project.ingest.checks.whole_table import duplicate_keys
from dagster_project.ingest.engine import incremental
from dagster_project.ingest.engine.batch import key_values
from dagster_project.ingest.engine.load import load
from dagster_project.ingest.engine.prepare import read_prepared
from dagster_project.ingest.engine.results import FileResult, IngestResult
from dagster_project.ingest.survey import UNFILED, Ignored, survey
from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.warehouse.ddl import ensure_schemas


def ingest_table(con, raw_dir: Path | str, table_name: str, now: datetime | None = None,
                 full: bool = False) -> IngestResult:
    """Bring raw.<table_name> and its quarantine up to date with raw_dir/<table_name>/, update
    the ledger (with the files there that are ignored, and why; the first delivery in ORDER
    also records the files under raw/ in no delivery's folder, as table UNFILED).

    Incremental (engine/incremental.py): after an ingest checked against the same basis (or
    one whose changes decide no file otherwise: incremental.same_outcomes), only
    the changed files and those a check over several files links to them are read; the rows
    of the other files stay. `full`: read every file. Either way the tables and the ledger end
    as a full ingest leaves them. `con` is a plain read-write duckdb connection; the write is
    one transaction."""
    delivery = DELIVERIES[table_name]
    raw_dir = Path(raw_dir)
    ensure_schemas(con)
    now = now or datetime.now(UTC).replace(tzinfo=None)
    recorded = frozenset({table_name, UNFILED} if table_name == ORDER[0] else {table_name})
    found = survey(raw_dir, ORDER, frozenset(p.name for p in SHIPPED_REFERENCE_DIR.iterdir()), recorded)
    files = found.delivered[table_name]
    checked_against = incremental.basis(con, delivery)
    same = not full and incremental.same_outcomes(con, delivery, incremental.stored_basis(con, table_name),
                                                  checked_against)
    before = incremental.current_files(con, table_name) if same else {}
    kept, read, prepared = plan(con, raw_dir, files, before, delivery)
    con.execute("begin transaction")
    try:
        if kept:
            gone = pl.DataFrame({"file": sorted(set(before) - kept)}, schema={"file": pl.String})
            con.register("__gone", gone.to_arrow())
            con.execute(f"delete from raw.{table_name} where source_file in (select file from __gone)")
            con.execute("delete from audit.quarantine where table_name = ? "
                        "and file in (select file from __gone)", [table_name])
            con.unregister("__gone")
        else:
            con.execute(f"delete from raw.{table_name}")
            con.execute("delete from audit.quarantine where table_name = ?", [table_name])
        results = [r for f in sorted(kept) for r in before[f]]
        if read:
            quarantine, loaded = load(con, read_prepared(raw_dir, read, delivery, prepared), delivery,
                                      f"raw.{table_name}")
            results += loaded
            con.register("__quarantine", quarantine.to_arrow())
            con.execute("insert into audit.quarantine by name select * from __quarantine")
            con.unregister("__quarantine")
        results += ignored(found.ignored.get(table_name, []))
        changes = ledger.record(con, table_name, results, now)
        if table_name == ORDER[0]:
            ledger.record(con, UNFILED, ignored(found.ignored.get(UNFILED, [])), now)
        incremental.store_basis(con, table_name, checked_against)
        top = con.execute("select rule, count(*) as n from audit.quarantine where table_name = ? "
                          "group by rule order by n desc, rule", [table_name]).fetchall()
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return IngestResult(table_name, results, changes, [(r, int(n)) for r, n in top],
                        files_read=len(read))


def plan(con, raw_dir: Path, files: list[str], before: dict[str, list[FileResult]], delivery: Delivery):
    """(files kept as they are, files to read in delivery order, the sheets of those of them
    already read and prepared, by file). `before`: the current ledger rows by file, empty for a
    full ingest."""
    if not before:
        return set(), files, {}
    now_hash = incremental.content_hashes(raw_dir, files)
    changed = {f for f in files if f not in before or before[f][0].content_hash != now_hash[f]}
    changed |= set(before) - set(files)  # removed
    if not changed:
        return set(before), [], {}
    if not incremental.by_key(delivery):
        return set(), files, {}
    # The new versions are read first: their keys decide what else is read again. Their sheets
    # are kept for the load rather than read again: at national scale the added month's roster
    # ingest (63 of the 64 files it reads) took 4.20-4.25 s instead of 4.58-4.71, its peak
    # 130-160 MB more.
    hashes = {f: {rs[0].content_hash} for f, rs in before.items()}
    keys, prepared = [], {}
    for sh, frame, rejected in read_prepared(raw_dir, [f for f in files if f in changed], delivery):
        hashes[sh.file] = hashes.get(sh.file, set()) | {sh.content_hash}
        prepared.setdefault(sh.file, []).append((sh, frame, rejected))
        if frame is not None and duplicate_keys(delivery) is not None:
            keys.append(key_values(frame, delivery))
    again = incremental.reread(con, delivery, changed, pl.concat(keys).unique() if keys else None, hashes)
    read = [f for f in files if f in again]
    return set(before) - again, read, prepared


def ignored(files: list[Ignored]) -> list[FileResult]:
    """The ledger's entries of files that are not read: no rows, and why."""
    return [FileResult(i.file, None, i.content_hash, "ignored", message=i.why_en) for i in files]


def ingest_all(con, raw_dir: Path | str, now: datetime | None = None,
               full: bool = False) -> dict[str, IngestResult]:
    """Every delivery, in dependency order (each is checked against those before it)."""
    return {t: ingest_table(con, raw_dir, t, now, full) for t in ORDER}
