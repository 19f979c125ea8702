"""Dagster resources: the data folder of a run and the DuckDB files in it.

Assets never read settings or open DuckDB themselves: they ask the `warehouse` resource,
so one place decides which folder a run reads (SAPNHAP_DATA_DIR, resolved once) and how the
working file is opened (created on first use, always closed). For the length of a run the
resource holds the data folder's run lock (dagster_project/guard.py): a second run on the same
folder stops at once, and the leftovers of a run that died are cleared first.
"""

import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

import duckdb
from dagster import ConfigurableResource, InitResourceContext
from dagster_dbt import DbtCliResource
from packaging import version
from pydantic import PrivateAttr

from dagster_project import guard
from dagster_project.dbt_project import WAREHOUSE_VARIABLE, environ, with_parse_state
from dagster_project.dbt_standby import Standby
from dagster_project.quality.worker import SuiteWorker
from dagster_project.settings import Settings, get_settings, private_dir, private_file
from dagster_project.warehouse.connect import connect


class Warehouse(ConfigurableResource):
    """The data folder of the run: `data_dir` if given, else SAPNHAP_DATA_DIR (default: the
    checkout's data/)."""

    data_dir: str = ""
    _stack: ExitStack | None = PrivateAttr(default=None)

    def paths(self) -> Settings:
        return Settings(Path(self.data_dir).resolve()) if self.data_dir else get_settings()

    def setup_for_execution(self, context: InitResourceContext) -> None:
        run = context.dagster_run
        if run is None or context.instance is None:
            return  # outside a run (direct invocation in tests)
        settings = self.paths()
        self._stack = ExitStack()
        self._stack.enter_context(guard.exclusive(settings, f"Dagster run {run.run_id} ({run.job_name})"))
        context.instance.add_run_tags(run.run_id, {guard.DATA_DIR_TAG: str(settings.data_dir),
                                                   guard.PID_TAG: str(os.getpid())})
        recovered = guard.recover(context.instance, settings, current_run_id=run.run_id)
        if recovered and context.log:
            context.log.warning(f"Marked {len(recovered)} run(s) of a dead process as failed and "
                                f"freed their pool slots: {', '.join(recovered)}")

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None

    @contextmanager
    def working(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the working warehouse (the file a run builds), closed after use."""
        path = self.paths().working_path
        if not read_only:
            private_dir(path.parent)
        con = connect(path, read_only=read_only)
        try:
            if not read_only:
                private_file(path)
            yield con
        finally:
            con.close()
            if not read_only:
                private_file(path)


class Suites(ConfigurableResource):
    """Where the quality checks' Great Expectations suites are validated: in a worker process
    that a run using this resource starts as it starts, importing Great Expectations meanwhile
    (dagster_project/quality/worker.py), else (outside a run, or the worker gone) in the
    check's own process. The run's end stops the worker."""

    _worker: SuiteWorker | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        if context.dagster_run is not None:  # a run, not a direct invocation in a test
            self._worker = SuiteWorker()
            self._worker.start()

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def run_suite(self, con: duckdb.DuckDBPyConnection, working: Path, table: str, severity: str,
                  skip_files: frozenset[str] = frozenset()):
        """`suites.run_suite` of raw.<table> in the working file `working` (`con`, open
        read-only on it, is used when there is no worker)."""
        from dagster_project.quality.suites import run_suite

        if self._worker is not None:
            result = self._worker.run_suite(working, table, severity, skip_files)
            if result is not None:
                return result
            self._worker = None
        return run_suite(con, table, severity, skip_files)


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt resource without two things it does before every dbt command that
    sapnhap does not use (3.2 s a command, three commands a build):

    - it asks the dbt executable its version (a second Python start, 1.8 s): the executable is
      this environment's, so its version is the installed dbt-core's;
    - it opens a dbt adapter in the step's process (1.4 s), which serves column metadata
      sapnhap does not fetch, and kept the working DuckDB file open in the process after dbt
      ended (row counts are read by sapnhap itself, assets/transform.py).
    Both are private methods of dagster-dbt: tests/orchestration/test_definitions.py checks
    that they are still there to replace.

    And it starts dbt early (dagster_project/dbt_standby.py): a run that uses this resource
    starts a standby dbt process as it starts, which its first dbt command takes;
    `cli(..., then_standby=True)` starts another for the next command. A standby given its
    command's folders (`_parse_env`) also reads the project ahead. The run's end stops an
    unused one."""

    _standby: Standby | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        super().setup_for_execution(context)
        run = context.dagster_run
        if run is not None:  # a run, not a direct invocation in a test
            self._standby = Standby(self.dbt_executable, self.project_dir)
            env = {}
            data_dir = run.tags.get(guard.DATA_DIR_TAG)
            if data_dir:  # given by sapnhap's commands: the standby reads the project meanwhile
                settings = Settings(Path(data_dir))
                with_parse_state(settings.dbt_target_dir)
                env = self._parse_env(settings.dbt_target_dir, settings.working_path)
            self._standby.start(env)

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._standby is not None:
            self._standby.stop()
            self._standby = None

    def cli(self, args: Sequence[str], *, then_standby: bool = False, **kwargs):
        with environ(self._standby.take() if self._standby is not None else {}):
            invocation = super().cli(args, **kwargs)
        if then_standby and self._standby is not None:
            # the next command reads the project from the same target folder
            self._standby.start(self._parse_env(kwargs.get("target_path"), os.environ.get(WAREHOUSE_VARIABLE)))
        return invocation

    def _parse_env(self, target_path, working) -> dict[str, str]:
        """What a standby needs to read the project as a command of this resource will: the
        folders dagster-dbt gives the command (none known: {})."""
        if target_path is None or working is None:
            return {}
        return {"DBT_PROJECT_DIR": self.project_dir, "DBT_PROFILES_DIR": self.profiles_dir or self.project_dir,
                "DBT_TARGET_PATH": os.fspath(target_path), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                WAREHOUSE_VARIABLE: os.fspath(working)}

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None
