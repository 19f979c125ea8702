"""A writing connection leaves deleted rows uncompacted until a table holds too many, then the
file is compacted; dbt's connections never compact (the pipeline's next writing one does)."""

from pathlib import Path

import duckdb
import yaml

from dagster_project.settings import PROJECT_ROOT
from dagster_project.warehouse.connect import DEAD_FLOOR, DEAD_SHARE, connect, deleted_rows

ROWS = 2_000_000  # 16 row groups of DuckDB's 122,880 rows, and a part


def _stored(path: Path) -> dict[str, tuple[int, int]]:
    """What a new read-only connection finds: table -> (deleted rows stored, live rows)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return deleted_rows(con)
    finally:
        con.close()


def _file(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute(f"create table people as select range as i, 'x' || range as name from range({ROWS})")
    con.execute("create table other (i integer)")
    con.close()


def test_deleted_rows_stay_uncompacted_while_few(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    _file(path)
    con = connect(path)
    # Half a row group in every three, as the rows of a file read again lie (DuckDB's
    # compaction would merge these row groups; rows deleted one by one it leaves).
    con.execute("delete from people where (i // 61440) % 6 = 0")
    con.close()
    deleted = sum(1 for i in range(ROWS) if (i // 61440) % 6 == 0)
    dead, live = _stored(path)["main.people"]
    assert (dead, live) == (deleted, ROWS - deleted)
    assert dead <= max(DEAD_FLOOR, DEAD_SHARE * live)  # few enough to stay
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select count(*), sum(i) from people").fetchone() == (
        ROWS - deleted, sum(i for i in range(ROWS) if (i // 61440) % 6))
    con.close()


def test_too_many_deleted_rows_are_compacted_by_the_next_writing_connection(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    _file(path)
    con = connect(path)
    con.execute("delete from people where i % 10 < 4")  # two fifths: more than a quarter of the rest
    con.close()
    dead, live = _stored(path)["main.people"]
    assert dead == 4 * ROWS // 10 and dead > max(DEAD_FLOOR, DEAD_SHARE * live)
    # The next writing connection changes another table: its checkpoint compacts the file.
    con = connect(path)
    con.execute("insert into other values (1)")
    con.close()
    dead_after, live_after = _stored(path).get("main.people", (0, live))
    assert live_after == live
    assert dead_after <= max(DEAD_FLOOR, DEAD_SHARE * live), dead_after
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select count(*), min(i % 10) from people").fetchone() == (live, 4)
    con.close()


def test_dbt_never_compacts():
    profile = yaml.safe_load((PROJECT_ROOT / "dbt" / "profiles.yml").read_text(encoding="utf-8"))
    settings = profile["sapnhap"]["outputs"]["local"]["settings"]
    assert settings["max_vacuum_tasks"] == 0
