"""Appending checked rows to a raw table: what stays in memory until the transaction ends."""

import json
import os
import subprocess
import sys
import textwrap

from dagster_project.settings import PROJECT_ROOT

CHILD = textwrap.dedent("""
    import json, sys
    import duckdb, polars as pl
    from dagster_project.ingest.engine.writer import insert_rows

    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096 / 2**20

    rows = 1_000_000
    text = (pl.int_range(0, rows, eager=True) % 997).cast(pl.String).str.pad_start(48, "x")
    frame = pl.DataFrame({f"c{i}": text for i in range(8)}).with_columns(
        source_file=pl.lit("personnel/01_ha_noi/roster_2026-10-31.csv"), source_sheet=pl.lit(None, pl.String),
        source_hash=pl.lit("0" * 64))
    con = duckdb.connect(sys.argv[1])
    con.execute("set enable_progress_bar = false")  # on a slow machine it wrote to stdout
    con.execute("create table t (" + ", ".join(f"c{i} varchar" for i in range(8))
                + ", source_file varchar, source_sheet varchar, source_hash varchar)")
    con.execute("begin transaction")
    before = rss_mb()
    insert_rows(con, "t", frame)
    insert_rows(con, "t", frame)
    during = rss_mb()
    con.execute("commit")
    print(json.dumps({"before": before, "during": during,
                      "rows": con.execute("select count(*) from t").fetchall()[0][0]}))
""")


def test_rows_appended_in_a_transaction_are_not_held_in_memory_until_the_commit(tmp_path):
    """An ingest appends every roster of a delivery in one transaction. Given an Arrow table,
    DuckDB kept it alive until the commit: the national rosters held 3.7 GB where 2.1 GB is
    enough. Two appends of a million rows of eight 48-character texts (~420 MB as Arrow each;
    1.1 GB held before the fix, about 200 MB after) must grow the process by less than 500 MB."""
    env = dict(os.environ, _RJEM_MALLOC_CONF="dirty_decay_ms:0,muzzy_decay_ms:0")  # freed is gone
    out = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "w.duckdb")], cwd=PROJECT_ROOT,
                         env=env, capture_output=True, text=True, check=True).stdout
    got = json.loads(out)
    assert got["rows"] == 2_000_000
    assert got["during"] - got["before"] < 500, got
