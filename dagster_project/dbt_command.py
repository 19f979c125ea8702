"""`sapnhap-dbt`: dbt's own command line, as every dbt command of the pipeline runs it
(dagster_project/dbt_project.py: DBT_EXECUTABLE). The same arguments, output and exit status
as `dbt`; the process then ends without the interpreter's teardown (about 0.5 s of each dbt
command, two or three a build), once dbt's DuckDB database is closed, which writes what the
command built into the file (a checkpoint), as the teardown did.

`sapnhap-dbt --standby FD` is a dbt process started ahead of its command, which hands itself
over to it (dagster_project/dbt_standby.py)."""

import atexit
import os
import sys

from dagster_project import dbt_standby
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


def parse_state_without_the_folder() -> None:
    """dbt parses the whole project again (about 6 s) when the connection of its profile is not
    the one its saved parse was made with, and the path of the DuckDB file is part of it: the
    first build of every data folder, and of every copy of one (the test suite makes dozens),
    would parse everything. What a parse makes depends on the file's name (the database the
    models live in), not on its folder: the saved state is made and compared with the name
    only. tests/dbt/test_dbt_command.py checks a copied folder's build parses nothing."""
    from dbt.parser.manifest import ManifestLoader

    state_check = ManifestLoader.build_manifest_state_check

    def by_file_name(loader):
        credentials = loader.root_project.credentials
        path = credentials.path
        credentials.path = os.path.basename(path)
        try:
            return state_check(loader)
        finally:
            credentials.path = path

    ManifestLoader.build_manifest_state_check = by_file_name


def prepare():
    """Import dbt and what a build of the project imports as it runs (the adapter, the tasks):
    the function that runs the command of the process and ends it."""
    import dbt.adapters.duckdb.impl  # noqa: F401
    import dbt.compilation  # noqa: F401
    import dbt.task.build  # noqa: F401
    from dbt.cli.main import cli

    parse_state_without_the_folder()
    return lambda tell=None: run_and_exit(cli, before_exit=close_dbt, tell=tell)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == dbt_standby.FLAG:
        dbt_standby.serve(int(sys.argv[2]), prepare)
    standby = os.environ.pop(dbt_standby.ENV, None)
    if standby:
        code = dbt_standby.hand_over(standby)
        if code is not None:
            os._exit(code)
    prepare()()
