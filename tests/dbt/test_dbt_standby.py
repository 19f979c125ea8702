"""A dbt command handed to a standby started ahead of it (dagster_project/dbt_standby.py): dbt
runs in the standby, with the command's arguments, environment, output and exit status; a
command whose standby is gone runs dbt itself; an unused standby ends with the process that
started it."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from dagster_project.dbt_project import (
    DBT_EXECUTABLE,
    DBT_PROJECT_DIR,
    dbt_process_env,
    with_parse_state,
)
from dagster_project.dbt_standby import ENV, Standby

SEED = "staffing_framework"


def _seed(tmp_path: Path, extra_env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    target = tmp_path / "dbt"
    with_parse_state(target)
    env = {**dbt_process_env(os.environ, warehouse=tmp_path / "warehouse.duckdb"), **extra_env}
    return subprocess.run([str(DBT_EXECUTABLE), "seed", "--select", SEED, "--log-format", "json",
                           "--target-path", str(target), "--log-path", str(target),
                           "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                           *args],
                          env=env, cwd=DBT_PROJECT_DIR, capture_output=True, text=True, timeout=180)


def _pids(stdout: str) -> set[int]:
    """The process ids dbt's JSON events name."""
    return {json.loads(line)["info"]["pid"] for line in stdout.splitlines() if line.startswith("{")}


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"  # ended, not yet collected


def test_a_command_handed_to_a_standby_runs_there_and_ends_with_dbts_status(tmp_path):
    standby = Standby(str(DBT_EXECUTABLE), str(DBT_PROJECT_DIR))
    try:
        standby.start()
        handed = standby.take()
        assert set(handed) == {ENV}
        standby.start()  # the next one, for the failing command below
        done = _seed(tmp_path, handed)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr
        assert any("Completed successfully" in json.loads(line)["info"]["msg"]
                   for line in done.stdout.splitlines() if line.startswith("{"))
        # dbt ran in the standby, a process started before the command.
        (ran_in,) = _pids(done.stdout)
        started = [p.pid for p in standby.started]
        assert ran_in == started[0], (ran_in, started)
        # What it built is in the file: the standby closed it before answering.
        assert not (tmp_path / "warehouse.duckdb.wal").exists()
        with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
            assert con.execute(f"select count(*) from rules.{SEED}").fetchone()[0] > 0
        # A command that fails in the standby fails with dbt's status and message.
        failed = _seed(tmp_path, standby.take(), "--no-such-option")
        direct = _seed(tmp_path, {}, "--no-such-option")
        assert failed.returncode == direct.returncode == 2
        assert failed.stderr.splitlines()[-1] == direct.stderr.splitlines()[-1]
    finally:
        processes = list(standby.started)
        standby.stop()
    assert len(processes) == 2 and all(p.returncode is not None for p in processes)


def test_a_command_whose_standby_is_gone_runs_dbt_itself(tmp_path):
    done = _seed(tmp_path, {ENV: f"sapnhap-dbt-no-such-standby-{os.getpid()}"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert len(_pids(done.stdout)) == 1


def test_an_unused_standby_ends_when_stopped_or_when_its_parent_dies():
    standby = Standby(str(DBT_EXECUTABLE), str(DBT_PROJECT_DIR))
    standby.start()
    (process,) = standby.started
    started = time.monotonic()
    standby.stop()
    assert process.returncode == 0 and time.monotonic() - started < 10
    # A parent killed with its standby waiting: the standby does not outlive it.
    parent = subprocess.run(
        [sys.executable, "-c",
         "import os, sys; from dagster_project.dbt_standby import Standby; "
         f"s = Standby({str(DBT_EXECUTABLE)!r}, {str(DBT_PROJECT_DIR)!r}); s.start(); "
         "print(s.started[0].pid, flush=True); os._exit(9)"],
        capture_output=True, text=True, timeout=60)
    orphan = int(parent.stdout.split()[0])
    deadline = time.monotonic() + 20
    while not _gone(orphan) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _gone(orphan)


def test_a_command_killed_while_dbt_runs_takes_its_standby_with_it(tmp_path):
    """As when dbt ran in the command's own process: `kill -9` of the command ends dbt, not
    only once its query (here about 20 s) is done."""
    standby = Standby(str(DBT_EXECUTABLE), str(DBT_PROJECT_DIR))
    try:
        standby.start()
        env = {**dbt_process_env(os.environ, warehouse=tmp_path / "warehouse.duckdb"), **standby.take()}
        command = subprocess.Popen(
            [str(DBT_EXECUTABLE), "show", "--inline", "select count(*) from range(100000000000)",
             "--log-format", "json", "--target-path", str(tmp_path / "dbt"), "--log-path", str(tmp_path / "dbt"),
             "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
            env=env, cwd=DBT_PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in command.stdout:
            if '"ConcurrencyLine"' in line:  # dbt is about to run the query
                break
        time.sleep(1)
        command.kill()
        (process,) = standby.started
        process.wait(timeout=10)
        assert process.returncode == -9
        assert command.wait() == -9
    finally:
        standby.stop()


def _folders(target: Path, warehouse: Path) -> dict[str, str]:
    """The folders and file dagster-dbt and the pipeline give a dbt command, in its environment."""
    return {"DBT_PROJECT_DIR": str(DBT_PROJECT_DIR), "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
            "DBT_TARGET_PATH": str(target), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "SAPNHAP_WAREHOUSE_PATH": str(warehouse)}


def _build_seed(tmp_path: Path, handed: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """`sapnhap-dbt build` of the seed, its folders in the environment as dagster-dbt gives
    them: the result and the names of dbt's events."""
    target = tmp_path / "dbt"
    with_parse_state(target)
    env = {**dbt_process_env(os.environ, warehouse=tmp_path / "warehouse.duckdb"),
           **_folders(target, tmp_path / "warehouse.duckdb"), "DBT_LOG_FORMAT": "json",
           "DBT_LOG_PATH": str(target), "DBT_LOG_LEVEL": "debug", **handed}
    done = subprocess.run([str(DBT_EXECUTABLE), "build", "--select", SEED, "--exclude-resource-type",
                           "unit_test", "--no-write-json", *args],
                          env=env, cwd=DBT_PROJECT_DIR, capture_output=True, text=True, timeout=180)
    return done, {json.loads(line)["info"]["name"] for line in done.stdout.splitlines() if line.startswith("{")}


READ_THE_PROJECT = {"StateCheckVarsHash", "PartialParsingEnabled"}  # dbt's events as it reads it


def test_a_standby_given_its_commands_folders_reads_the_project_ahead(tmp_path):
    other = tmp_path / "other"  # a folder with the same file name: the profile reads the same
    other.mkdir()
    standby = Standby(str(DBT_EXECUTABLE), str(DBT_PROJECT_DIR))
    try:
        # Given no folders, as before: the command reads the project, and saves dbt's state
        # of it in its target folder (the tests' pseudonym key is not the saved state's).
        standby.start()
        plain, events = _build_seed(tmp_path, standby.take())
        assert plain.returncode == 0 and READ_THE_PROJECT <= events, events
        state = (tmp_path / "dbt" / "partial_parse.msgpack").read_bytes()
        # Given its command's folders, the standby reads the project ahead and its command
        # does not; the build is made with the command's profile, not the standby's.
        standby.start(_folders(tmp_path / "dbt", other / "warehouse.duckdb"))
        ahead, events = _build_seed(tmp_path, standby.take(), "--threads", "2")  # an added month's
        assert ahead.returncode == 0, ahead.stdout[-2000:] + ahead.stderr
        assert not READ_THE_PROJECT & events, events
        with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
            assert con.execute(f"select count(*) from rules.{SEED}").fetchone()[0] > 0
        assert not (other / "warehouse.duckdb").exists()
        # Given another target folder than its command's, it leaves the reading to the command
        # and writes nothing there.
        (other / "dbt").mkdir()
        (other / "dbt" / "partial_parse.msgpack").write_bytes(state)
        standby.start(_folders(other / "dbt", tmp_path / "warehouse.duckdb"))
        itself, events = _build_seed(tmp_path, standby.take())
        assert itself.returncode == 0, itself.stdout[-2000:] + itself.stderr
        assert READ_THE_PROJECT <= events, events
        assert [p.name for p in (other / "dbt").iterdir()] == ["partial_parse.msgpack"]
        assert (other / "dbt" / "partial_parse.msgpack").read_bytes() == state
    finally:
        standby.stop()
