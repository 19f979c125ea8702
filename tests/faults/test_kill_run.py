"""A crash costs nothing but the crash: `kill -9` a real `sapnhap run` at one moment after
another (before any step, in the reference data, ingest, the checks, early and late in dbt,
during publish, the docs and the report) and every next run gets further unaided; the last one
completes, with nothing left behind: no run STARTED, no pool slot held, no temporary file, no
half-written report, and the published warehouse readable.

A chain, not ten separate runs: run k is killed at moment k, so run k+1 proves that the crash of
run k cost nothing (it reaches a later step), and the whole chain costs about two builds of a
small data set. It runs in `make faults` (CI), not in `make test`: it takes minutes.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.kill

SAPNHAP = str(Path(sys.executable).with_name("sapnhap"))

# (what the moment is, the step whose start it waits for (None: the launch; "dbt:<model>": dbt
# starting to build that model; "file:<glob>": a file appearing in the data folder), seconds after)
MOMENTS = [
    ("before any step", None, 2.0),
    ("loading the reference data", "raw__ref_units_pre", 0.3),
    ("ingest of the rosters", "raw__personnel", 0.2),
    ("the Great Expectations checks", "raw__personnel_gx_soft", 0.2),
    ("dbt starting", "sapnhap_dbt_models", 4.0),
    # In the middle of dbt writing the person months (a moment in time after the step starts
    # would move with the speed of the machine and of dbt: at 45 s the run had ended).
    ("dbt building the marts", "dbt:int_person_months_reconciled", 0.5),
    ("publish", "published__warehouse", 0.1),
    ("the dbt docs", "published__dbt_docs", 0.5),
    # The first file of the pack (at +0.2 s in a step of 0.7 s on the small set), not a delay
    # after the step starts: seen late on a loaded machine, the kill came after the pack had
    # been written and recorded, and the next run rightly found nothing to do.
    ("the report pack", "file:marts/reports/2025-08/*", 0.0),
]


def _instance(home: Path):
    from dagster import DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    return DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))


def _read(db: Path, sql: str, *args) -> list[tuple]:
    """Read-only SQL on a file of the run storage (the run being watched writes it; opening
    the Dagster instance here while the run creates its storage would race its migrations)."""
    import sqlite3

    if not db.exists():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return con.execute(sql, args).fetchall()
    except sqlite3.OperationalError:  # the table is being created
        return []
    finally:
        con.close()


def _started_steps(home: Path, after: float) -> set[str]:
    """The steps started by runs that started after `after` (epoch seconds)."""
    steps: set[str] = set()
    runs = _read(home / "history" / "runs.db",
                 "select run_id from runs where start_time >= ?", after)
    for (run_id,) in runs:
        steps |= {key for (key,) in _read(
            home / "history" / "runs" / f"{run_id}.db",
            "select step_key from event_logs where dagster_event_type = 'STEP_START'")}
    return steps


def _dbt_started(log: Path, offset: int, model: str) -> bool:
    """dbt's log (JSON lines) says, after byte `offset`, that it started building `model`."""
    if not log.exists():
        return False
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(offset if log.stat().st_size >= offset else 0)
        return any('"NodeStart"' in line and f'"node_name": "{model}"' in line for line in f)


def _launch(cwd: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "SAPNHAP_DATA_DIR")}
    env["SAPNHAP_DATA_DIR"] = "data"
    return subprocess.Popen([SAPNHAP, "run"], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _kill_at(process: subprocess.Popen, home: Path, dbt_log: Path, moment: str, step: str | None,
             delay: float) -> str:
    """Wait for `step` to start in this run, then `delay` seconds, then kill -9 the whole
    process group. Returns the steps started by then (for the failure message)."""
    launched = time.time()
    deadline = launched + 600
    offset = dbt_log.stat().st_size if dbt_log.exists() else 0
    while step is not None and time.time() < deadline:
        assert process.poll() is None, (
            f"killing at {moment}: the run ended (rc {process.returncode}) before {step} started:\n{process.stdout.read()}")
        if step.startswith("dbt:"):
            if _dbt_started(dbt_log, offset, step.removeprefix("dbt:")):
                break
        elif step.startswith("file:"):
            if any(home.parent.glob(step.removeprefix("file:"))):
                break
            time.sleep(0.01)
            continue
        elif step in _started_steps(home, launched - 1):
            break
        time.sleep(0.2)
    else:
        assert step is None, f"killing at {moment}: {step} did not start within 10 minutes"
    time.sleep(delay)
    alive = process.poll() is None
    if alive:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert alive, f"killing at {moment}: the run ended before the kill {delay} s after {step}"
    return ", ".join(sorted(_started_steps(home, launched - 1)))


def test_kill_nine_at_nine_moments_and_the_next_run_completes_unaided(tmp_path):
    from dagster import DagsterRunStatus

    from dagster_project.settings import Settings
    from dagster_project.synth import generate

    cwd = tmp_path / "operator"
    generate(cwd / "data" / "raw", provinces="37", scale=0.2, through="2025-08", seed=5,
             progress=False)
    settings = Settings(cwd / "data")
    home = settings.data_dir / ".dagster"

    for moment, step, delay in MOMENTS:
        _kill_at(_launch(cwd), home, settings.dbt_target_dir / "dbt.log", moment, step, delay)
    assert not (settings.build_dir / "report_2025-08").exists(), (
        "the last kill came after the report pack had been written: no moment was in the pack")

    last = _launch(cwd)
    output, _ = last.communicate(timeout=1800)
    assert last.returncode == 0, f"the run after {len(MOMENTS)} kills failed:\n{output}"
    assert "report 08/2025 written" in output.splitlines()[-1], output

    with _instance(home) as instance:
        stuck = instance.get_runs(filters=None)
        assert not [r.run_id for r in stuck if r.status == DagsterRunStatus.STARTED]
        killed = [r for r in stuck if r.status == DagsterRunStatus.FAILURE]
        assert len(killed) >= len(MOMENTS) - 1, "each killed run is marked as failed"
        slots = instance.event_log_storage.get_concurrency_info("duckdb")
        assert not slots.claimed_slots, f"pool slots still held: {slots.claimed_slots}"

    leftovers = [p for p in settings.data_dir.rglob(".*") if ".tmp" in p.name]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    for workbook in (settings.reports_dir / "2025-08").glob("*.xlsx"):
        load_workbook(workbook, read_only=True).close()  # every pack file is whole
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        assert con.execute("select count(*) from marts.fct_staffing_balance").fetchone()[0] > 0
    finally:
        con.close()
