"""The one DbtProject, and the one place a dbt command line is built.

`@dbt_assets` needs dbt/target/manifest.json at import time. It is built by `dbt parse`
(Makefile target `manifest`; the CLI and the test suite call `prepare_manifest()`), never
at import time.

Which DuckDB file dbt writes, and which months a build rewrites, are passed in the
environment of the dbt process (`dbt_env`, read by profiles.yml and the partition macros):
every dbt call (the Dagster asset, `sapnhap check`, docs, tests) sets them, the months `all`
when none are given, and a file left in the shell never reaches dbt. Not `--vars`: dbt parses
the whole project again (about 6 s) when a var changes, and every data folder, and every copy
of one, has its own file (dbt_command.py says how its folder is kept out of the comparison).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

from dagster_dbt import DbtProject

from dagster_project.dbt_command import SAVED_PARSE, WAREHOUSE_VARIABLE
from dagster_project.settings import DBT_PROJECT_DIR, WAREHOUSE_FILE

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"
# dbt's command line, ended without the interpreter's teardown (dbt_command.py).
DBT_EXECUTABLE = Path(sys.executable).with_name("sapnhap-dbt")
# dbt unit tests check logic, not data: the test suite runs them (tests/dbt); builds don't.
# The build is two dbt invocations (before the monthly marts, and from them on:
# assets/transform.py): "buildable" runs a test in the one whose models complete its parents
# (a test on a rollup and a model before the monthly marts runs in the second).
# --no-write-json: no manifest.json (written twice), graph or run_results.json in the run's
# target folder, about 0.9 s of each invocation; a failure is read from dbt's printed events.
BUILD_COMMAND = ("build", "--exclude-resource-type", "unit_test", "--indirect-selection", "buildable",
                 "--no-write-json")
DATA_TEST_COMMAND = ("test", "--exclude-resource-type", "unit_test")


MONTH_VARIABLES = {"report_months": "SAPNHAP_REPORT_MONTHS", "input_months": "SAPNHAP_INPUT_MONTHS",
                   "audit_months": "SAPNHAP_AUDIT_MONTHS"}


def dbt_env(months: list[str] | None = None, input_months: list[str] | None = None,
            audit_months: list[str] | None = None, warehouse: Path | None = None) -> dict[str, str]:
    """The environment variables of a dbt command: the DuckDB file it opens, `warehouse` (made
    absolute; None: none is set, and a dbt process started with these has none: `dbt parse`
    opens no file); and which months to rewrite (dbt/macros/partition_months.sql): `months`
    ("YYYY-MM"), the report months of the monthly models; `input_months`, the snapshot months
    of the roster-row models; `audit_months`, the report months of the payment audit's
    rollups; None: every month (`all`)."""
    env = {} if warehouse is None else {WAREHOUSE_VARIABLE: str(Path(warehouse).resolve())}
    for name, value in (("report_months", months), ("input_months", input_months),
                        ("audit_months", audit_months)):
        if value is not None:
            bad = [m for m in value if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", m)]
            if bad:  # they are written into SQL
                raise ValueError(f"months must be YYYY-MM: {bad}")
        env[MONTH_VARIABLES[name]] = "all" if value is None else ",".join(value)
    return env


def dbt_process_env(base: Mapping[str, str], **kwargs) -> dict[str, str]:
    """`base` (a process's environment) with dbt_env(**kwargs) in place of what it had of it."""
    env = {name: value for name, value in base.items() if name != WAREHOUSE_VARIABLE}
    return {**env, **dbt_env(**kwargs)}


def _set_environ(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextmanager
def environ(values: Mapping[str, str | None]):
    """`values` set in this process's environment (None: unset), as it was after: for a dbt
    process started inside (dagster-dbt passes the process's environment on)."""
    before = {name: os.environ.get(name) for name in values}
    _set_environ(values)
    try:
        yield
    finally:
        _set_environ(before)


@contextmanager
def dbt_environment(months: list[str] | None = None, input_months: list[str] | None = None,
                    audit_months: list[str] | None = None, warehouse: Path | None = None):
    """dbt_env set in this process's environment, as it was after."""
    with environ({WAREHOUSE_VARIABLE: None, **dbt_env(months, input_months, audit_months, warehouse)}):
        yield


@contextmanager
def scratch_target():
    """A folder of its own for one dbt command's artifacts, inside dbt/target (same file
    system, so a file can be moved from it atomically; run_dbt gives it dbt's parse state).
    dbt rewrites manifest.json in place in its target folder: a second process reading the
    project's manifest meanwhile (another test worker, Dagster loading its definitions) read
    half a file. Only `prepare_manifest` writes there, by renaming."""
    target = MANIFEST_PATH.parent
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".dbt_", dir=target) as scratch:
        yield Path(scratch)


def with_parse_state(target: Path) -> None:
    """Give a dbt target folder without one the project's partial-parse state (written with the
    manifest, `prepare_manifest`): dbt then reads the files that changed since, not all of them
    (the first build of a data folder; about 6 s)."""
    state = MANIFEST_PATH.parent / SAVED_PARSE
    if state.exists() and not (target / SAVED_PARSE).exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(state, target / SAVED_PARSE)


def run_dbt(command: tuple[str, ...] | list[str], warehouse: Path | None = None,
            check: bool = True, months: list[str] | None = None,
            audit_months: list[str] | None = None, input_months: list[str] | None = None,
            **kwargs) -> subprocess.CompletedProcess:
    """Run dbt as a subprocess on this project (for what is not a Dagster asset). Its artifacts
    go to the `--target-path` the command names (given the project's parse state when it has
    none), else to a temporary folder."""
    command = list(command)
    if "--target-path" not in command:
        with scratch_target() as scratch:
            return run_dbt([*command, "--target-path", str(scratch), "--log-path", str(scratch)],
                           warehouse, check, months, audit_months, input_months, **kwargs)
    with_parse_state(Path(command[command.index("--target-path") + 1]))
    argv = [str(DBT_EXECUTABLE), *command,
            "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    env = dbt_process_env(kwargs.pop("env", os.environ), months=months, audit_months=audit_months,
                          input_months=input_months, warehouse=warehouse)
    return subprocess.run(argv, check=check, cwd=DBT_PROJECT_DIR, env=env, **kwargs)


def _sources() -> list[Path]:
    return [
        p
        for p in DBT_PROJECT_DIR.rglob("*")
        if p.is_file()
        and "target" not in p.relative_to(DBT_PROJECT_DIR).parts[:1]
        and p.suffix in {".sql", ".yml", ".yaml", ".csv"}
    ]


def _catalog(manifest: Path) -> str | None:
    """The DuckDB catalog the manifest's models live in (the stem of the file dbt ran on)."""
    nodes = json.loads(manifest.read_text()).get("nodes", {})
    return next((n.get("database") for n in nodes.values() if n.get("resource_type") == "model"), None)


def manifest_is_stale(manifest: Path = MANIFEST_PATH) -> bool:
    """Missing, older than a dbt source, or written by a dbt run by hand on another file
    (SAPNHAP_WAREHOUSE_PATH=.../work.duckdb): the pipeline's files are all `warehouse.duckdb`,
    and Dagster reads row counts from the catalog the manifest names."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    if any(p.stat().st_mtime > built for p in _sources()):
        return True
    return _catalog(manifest) not in (None, Path(WAREHOUSE_FILE).stem)


def prepare_manifest(force: bool = False) -> Path:
    """Run `dbt parse` when the manifest is missing or older than any dbt source file."""
    if force or manifest_is_stale():
        with scratch_target() as scratch:
            run_dbt(["parse", "--quiet", "--target-path", str(scratch), "--log-path", str(scratch)])
            # The manifest last: a reader sees the old one or the new one, never a part.
            for name in (SAVED_PARSE, "manifest.json"):
                if (scratch / name).exists():
                    os.replace(scratch / name, MANIFEST_PATH.parent / name)
    return MANIFEST_PATH


DOCS_KEY = ".index.key"


def docs_key(warehouse_path: Path) -> str:
    """What the docs page is made of: the dbt project's files, the dbt version, and the columns
    of every table in the warehouse (dbt's catalog)."""
    import hashlib

    import duckdb
    from dbt.version import __version__ as dbt_version

    from dagster_project.warehouse.raw_files import files_digest

    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "order by all").fetchall()
    return hashlib.sha256(f"{files_digest(sorted(_sources()))}|{dbt_version}|{columns}".encode()).hexdigest()


def generate_docs(warehouse_path: Path, out_dir: Path, target_dir: Path | None = None) -> tuple[Path, bool]:
    """`dbt docs generate --static` against `warehouse_path` (dbt's artifacts in `target_dir`,
    default a temporary folder); the single-file site is copied to `<out_dir>/index.html`
    (opens offline, no server needed). Skipped when the page there was made from the same
    project and the same tables (docs_key: a month changes rows, not columns). Returns (the
    page, whether it was written).

    Without compiling (`--no-compile`, on the project's manifest, `prepare_manifest`): the page
    shows each model's source SQL, descriptions, columns, tests and lineage, and the catalog
    (the tables' columns and types), but not the SQL dbt compiled from it, which for a model
    partitioned by month depends on the months of a run anyway. Compiling every node again
    took more than half of the docs (national scale, run alone: 10.0-11.7 s with it, 4.5-5.4 s
    without)."""
    page, key_file = out_dir / "index.html", out_dir / DOCS_KEY
    key = docs_key(warehouse_path)
    if page.exists() and key_file.exists() and key_file.read_text(encoding="utf-8") == key:
        return page, False
    with tempfile.TemporaryDirectory(prefix="sapnhap_docs_") as scratch:
        target = Path(target_dir or scratch)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(prepare_manifest(), target / "manifest.json")
        run_dbt(["docs", "generate", "--static", "--no-compile", "--quiet", "--target-path", str(target),
                 "--log-path", str(target)], warehouse=warehouse_path)
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = out_dir / f".index.html.{os.getpid()}.tmp"
        shutil.copyfile(target / "static_index.html", tmp)
        os.replace(tmp, page)
    key_file.write_text(key, encoding="utf-8")
    return page, True


if __name__ == "__main__":
    prepare_manifest(force="--force" in sys.argv)
