"""Ingest one delivery: rebuild raw.<table> and its quarantine in one transaction, update the
ledger."""

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from dagster_project.contract import DELIVERIES, ORDER
from dagster_project.ingest import ledger
from dagster_project.ingest.engine.load import load
from dagster_project.ingest.engine.prepare import read_prepared
from dagster_project.ingest.engine.results import FileResult, IngestResult
from dagster_project.ingest.survey import UNFILED, Ignored, survey
from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.warehouse.ddl import ensure_schemas


def ingest_table(con, raw_dir: Path | str, table_name: str, now: datetime | None = None) -> IngestResult:
    """Rebuild raw.<table_name> and its quarantine from raw_dir/<table_name>/, update the ledger
    (with the files there that are ignored, and why; the first delivery in ORDER also records
    the files under raw/ in no delivery's folder, as table UNFILED).

    `con` is a plain read-write duckdb connection; the write is one transaction."""
    delivery = DELIVERIES[table_name]
    raw_dir = Path(raw_dir)
    ensure_schemas(con)
    now = now or datetime.now(UTC).replace(tzinfo=None)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from raw.{table_name}")
        recorded = frozenset({table_name, UNFILED} if table_name == ORDER[0] else {table_name})
        found = survey(raw_dir, ORDER, frozenset(p.name for p in SHIPPED_REFERENCE_DIR.iterdir()), recorded)
        quarantine, results = load(con, read_prepared(raw_dir, found.delivered[table_name], delivery),
                                   delivery, f"raw.{table_name}")
        results += ignored(found.ignored.get(table_name, []))
        con.execute("delete from audit.quarantine where table_name = ?", [table_name])
        con.register("__quarantine", quarantine.to_arrow())
        con.execute("insert into audit.quarantine by name select * from __quarantine")
        con.unregister("__quarantine")
        changes = ledger.record(con, table_name, results, now)
        if table_name == ORDER[0]:
            ledger.record(con, UNFILED, ignored(found.ignored.get(UNFILED, [])), now)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    top = (
        quarantine.group_by("rule").agg(pl.len().alias("n")).sort(["n", "rule"], descending=[True, False])
        if quarantine.height else pl.DataFrame(schema={"rule": pl.String, "n": pl.UInt32})
    )
    return IngestResult(table_name, results, changes, [(r, int(n)) for r, n in top.iter_rows()])


def ignored(files: list[Ignored]) -> list[FileResult]:
    """The ledger's entries of files that are not read: no rows, and why."""
    return [FileResult(i.file, None, i.content_hash, "ignored", message=i.why_en) for i in files]


def ingest_all(con, raw_dir: Path | str, now: datetime | None = None) -> dict[str, IngestResult]:
    """Every delivery, in dependency order (each is checked against those before it)."""
    return {t: ingest_table(con, raw_dir, t, now) for t in ORDER}
