"""The one way a Python step opens a warehouse file: DuckDB with the step memory limit
(settings.STEP_MEMORY_LIMIT; DuckDB's own default is 80 % of the machine)."""

from pathlib import Path

import duckdb

from dagster_project.settings import STEP_MEMORY_LIMIT


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        con.execute(f"set memory_limit = '{STEP_MEMORY_LIMIT}'")
    except Exception:
        con.close()
        raise
    return con
