"""The Python steps bound DuckDB's memory (its default is 80 % of the machine): the working
warehouse is opened with the step limit."""

import duckdb

from dagster_project.resources import Warehouse
from dagster_project.settings import STEP_MEMORY_LIMIT


def _limit(con) -> str:
    return con.execute("select current_setting('memory_limit')").fetchone()[0]


def _expected() -> str:
    with duckdb.connect() as con:
        default = _limit(con)
        con.execute(f"set memory_limit = '{STEP_MEMORY_LIMIT}'")
        assert _limit(con) != default  # the limit is not the default (80 % of the machine)
        return _limit(con)


def test_the_working_warehouse_is_opened_with_the_step_limit(tmp_path):
    warehouse = Warehouse(data_dir=str(tmp_path))
    with warehouse.working() as con:
        assert _limit(con) == _expected()
    with warehouse.working(read_only=True) as con:
        assert _limit(con) == _expected()

