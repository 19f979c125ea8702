"""The one way a Python step opens a warehouse file: DuckDB with the step memory limit
(settings.STEP_MEMORY_LIMIT; DuckDB's own default is 80 % of the machine), and, to write,
without compacting the file at every checkpoint.

A DuckDB checkpoint (at the latest when a writing connection closes) merges the row groups a
delete left partly empty ("vacuum"). An added month deletes rows in the middle of large tables:
the rows of a yearly Parquet or quarterly workbook replaced by one with a month more are read
again (raw.personnel: 0.92 million of 7.3 million rows at national scale), a month of a
monthly mart is replaced in the published file. Merging them took 1.8 s of the rosters'
ingest's close at national scale; in one added month each way, dbt's first step ended 1.7 s
after its last event with them merged, 0.2 s without, and the publish took 11.9 s, 9.1 s
without. So a writing connection leaves the deleted rows where they are (DuckDB skips them
when it reads; a table emptied whole, or dropped, frees its space at once), until they are
too many: once a table holds more deleted rows than a quarter of its live ones (and more
than a row group), the connection compacts as DuckDB does by default, every table of the
file at its checkpoint.
dbt's connections never compact (dbt/profiles.yml): the next writing connection of a run,
the ingest's, does. tests/foundation/test_connect.py checks both ways."""

from pathlib import Path

import duckdb

from dagster_project.settings import STEP_MEMORY_LIMIT

DEAD_SHARE = 0.25  # deleted rows over live rows a table may hold before the file is compacted
DEAD_FLOOR = 122_880  # and at least a row group of them (small tables are not worth it)


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        con.execute(f"set memory_limit = '{STEP_MEMORY_LIMIT}'")
        if not read_only and not too_many_deleted(con):
            con.execute("set max_vacuum_tasks = 0")
    except Exception:
        con.close()
        raise
    return con


def deleted_rows(con) -> dict[str, tuple[int, int]]:
    """schema.table -> (deleted rows still stored, live rows), for the tables holding any.
    DuckDB's estimated_size counts the rows its row groups hold, deleted or not."""
    tables = con.execute(
        "select schema_name, table_name, estimated_size from duckdb_tables() "
        "where database_name = current_database() and not temporary").fetchall()
    if not tables:
        return {}
    counts = " union all ".join(
        f"select '{schema}.{table}' as name, {stored} - count(*) as dead, count(*) as live "
        f'from "{schema}"."{table}"' for schema, table, stored in tables)
    return {name: (dead, live) for name, dead, live in
            con.execute(f"select * from ({counts}) where dead > 0").fetchall()}


def too_many_deleted(con) -> bool:
    """Some table holds more deleted rows than it may keep uncompacted."""
    return any(dead > max(DEAD_FLOOR, DEAD_SHARE * live) for dead, live in deleted_rows(con).values())
