"""`sapnhap-dbt`: dbt's own command line, as every dbt command of the pipeline runs it
(dagster_project/dbt_project.py: DBT_EXECUTABLE). The same arguments, output and exit status
as `dbt`; the process then ends without the interpreter's teardown (about 0.5 s of each dbt
command, two or three a build), once dbt's DuckDB database is closed, which writes what the
command built into the file (a checkpoint), as the teardown did."""

import atexit

from dagster_project.quick_exit import run_and_exit


def close_dbt() -> None:
    """Close the DuckDB database dbt-duckdb keeps for the process (its private `_ENV`:
    tests/dbt/test_dbt_command.py checks the file is left whole), then run what is registered
    to run at exit (dbt's multiprocessing locks are released there, or their tracker warns)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()
    atexit._run_exitfuncs()


def main() -> None:
    from dbt.cli.main import cli

    run_and_exit(cli, before_exit=close_dbt)
