"""Hostile and broken deliveries, one small case at a time (ingest only, no dbt).

`deliver(raw, rel, data)` writes one file under raw/; `ingest(con, raw, *tables)` ingests
the units (every roster row is checked against them) and the tables named, and returns what
the ledger and the quarantine say."""

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dagster_project.ingest import ingest_table, reconcile
from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.warehouse.reference import load_reference_table
from tests.ingest.conftest import PERSONNEL_HEADER, PERSONNEL_ROWS, UNITS_HEADER, UNITS_ROWS

# Personal data of the rows below: none of it may appear in any message.
ID, NAME, BIRTH = "004070123456", "Nguyễn Văn An", "1970-03-15"
HEADER = PERSONNEL_HEADER
ROWS = PERSONNEL_ROWS  # three rows, the first is ID / NAME / BIRTH


def csv_bytes(header: str = HEADER, rows: list[str] = ROWS, eol: str = "\n") -> bytes:
    return (eol.join([header, *rows]) + eol).encode("utf-8")


@dataclass
class Outcome:
    ledger: list[dict]  # current ledger rows of the tables ingested
    quarantine: list[dict]
    loaded: dict[str, int]  # table -> rows in raw.<table>

    def of(self, file: str) -> dict:
        rows = [r for r in self.ledger if r["file"] == file]
        assert len(rows) == 1, (file, [r["file"] for r in self.ledger])
        return rows[0]

    def messages(self) -> list[str]:
        return ([r["message"] or "" for r in self.ledger]
                + [m for r in self.quarantine for m in (r["message_vi"], r["message_en"])])


def _dicts(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def ingest(con, raw: Path, *tables: str) -> Outcome:
    for table in ("units", *tables):
        ingest_table(con, raw, table)
    for table in ("units", *tables):
        bad = reconcile(con, table).filter(~pl.col("ok"))
        assert bad.height == 0, bad
    return Outcome(
        _dicts(con, "select * from audit.ingest_ledger where is_current order by table_name, file, sheet"),
        _dicts(con, "select * from audit.quarantine order by table_name, file, row_number"),
        {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in ("units", *tables)},
    )


@pytest.fixture
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    for table in ("ref_units_pre", "ref_units_post"):
        load_reference_table(c, SHIPPED_REFERENCE_DIR, table)
    yield c
    c.close()


@pytest.fixture
def raw(tmp_path) -> Path:
    """raw/ with the units every roster row needs."""
    r = tmp_path / "raw"
    (r / "units").mkdir(parents=True)
    (r / "units" / "units.csv").write_bytes(csv_bytes(UNITS_HEADER, UNITS_ROWS))
    return r


def deliver(raw: Path, rel: str, data: bytes) -> Path:
    path = raw / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
