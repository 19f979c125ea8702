"""`sapnhap-dbt`: dbt's own command line, as every dbt command of the pipeline runs it
(dagster_project/dbt_project.py: DBT_EXECUTABLE). The same arguments, output and exit status
as `dbt`; the process then ends without the interpreter's teardown (about 0.5 s of each dbt
command, two or three a build), once dbt's DuckDB database is closed, which writes what the
command built into the file (a checkpoint), as the teardown did.

`sapnhap-dbt --standby FD` is a dbt process started ahead of its command, which hands itself
over to it (dagster_project/dbt_standby.py). A standby started with the folders of its command
(DBT_TARGET_PATH and the rest: `parse_ahead`) also reads the project while it waits, and gives
the command that project when the command reads it the same way."""

import atexit
import functools
import os
import sys
from collections.abc import Mapping
from pathlib import Path

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


# What dbt reads as it parses besides the project's files: its DBT_ settings (the folders
# among them; not how it logs) and the name of the DuckDB file (parse_state_without_the_folder:
# the profile is compared by it). Arguments that change the parse leave it to the command.
WAREHOUSE_VARIABLE = "SAPNHAP_WAREHOUSE_PATH"  # read by profiles.yml
NOT_PARSE_SETTINGS = ("DBT_LOG_", "DBT_SEND_ANONYMOUS_USAGE_STATS")
PARSE_ARGUMENTS = ("--vars", "--target", "-t", "--profile", "--project-dir", "--profiles-dir",
                   "--target-path", "--partial-parse", "--no-partial-parse")
SAVED_PARSE = "partial_parse.msgpack"  # dbt's saved parse state, in the target folder


def parse_inputs(env: Mapping[str, str]) -> dict[str, str]:
    inputs = {k: v for k, v in env.items() if k.startswith("DBT_") and not k.startswith(NOT_PARSE_SETTINGS)}
    inputs[WAREHOUSE_VARIABLE] = os.path.basename(env.get(WAREHOUSE_VARIABLE, ""))
    return inputs


def parse_ahead():
    """(the manifest, what it was parsed with) of the project, as a command with this process's
    environment would parse it, or None: no target folder given, none with dbt's saved parse
    state, or a saved state that is not the project's (a file changed: the command parses
    it, and saves the state, as before; a standby writes nothing, and may read while the
    command before it writes). Nothing is printed or logged, and the adapter it registers is
    dropped: the command registers its own, with its profile."""
    target = os.environ.get("DBT_TARGET_PATH")
    if not target or not (Path(target) / SAVED_PARSE).exists():
        return None
    from dbt.adapters.factory import reset_adapters
    from dbt.cli.main import dbtRunner
    from dbt.parser.manifest import ManifestLoader

    changed = []
    saved = ManifestLoader.write_manifest_for_partial_parse, ManifestLoader.write_perf_info
    ManifestLoader.write_manifest_for_partial_parse = lambda loader: changed.append(True)
    ManifestLoader.write_perf_info = lambda loader, target_path: None
    try:
        result = dbtRunner().invoke(["parse", "--no-write-json", "--log-level", "none",
                                     "--log-level-file", "none"])
    finally:
        ManifestLoader.write_manifest_for_partial_parse, ManifestLoader.write_perf_info = saved
        reset_adapters()
    if changed or not result.success or result.result is None:
        return None
    return result.result, parse_inputs(os.environ)


def manifest_for(ahead, env: Mapping[str, str], argv: list[str]):
    """The manifest parsed ahead (`parse_ahead`) when the command `argv`, run with `env`, would
    parse the same, else None (the command parses itself)."""
    if ahead is None or argv[:1] != ["build"]:
        return None
    manifest, inputs = ahead
    if any(a.split("=")[0] in PARSE_ARGUMENTS for a in argv) or parse_inputs(env) != inputs:
        return None
    from dbt.constants import DEFAULT_ENV_PLACEHOLDER  # recorded for a variable not set

    if any(env.get(name, DEFAULT_ENV_PLACEHOLDER) != value for name, value in manifest.env_vars.items()):
        return None  # a variable the project read as it was parsed has another value
    return manifest


def prepare():
    """Import dbt and what a build of the project imports as it runs (the adapter, the tasks),
    and read the project ahead when this process was given its command's folders
    (`parse_ahead`): the function that runs the command of the process and ends it."""
    import dbt.adapters.duckdb.impl  # noqa: F401
    import dbt.compilation  # noqa: F401
    import dbt.task.build  # noqa: F401
    from dbt.cli.main import cli

    parse_state_without_the_folder()
    ahead = parse_ahead()

    def run(tell=None):
        manifest = manifest_for(ahead, os.environ, sys.argv[1:])
        command = cli if manifest is None else functools.partial(cli.main, obj={"manifest": manifest})
        run_and_exit(command, before_exit=close_dbt, tell=tell)

    return run


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == dbt_standby.FLAG:
        dbt_standby.serve(int(sys.argv[2]), prepare)
    standby = os.environ.pop(dbt_standby.ENV, None)
    if standby:
        code = dbt_standby.hand_over(standby)
        if code is not None:
            os._exit(code)
    prepare()()
