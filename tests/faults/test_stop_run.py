"""An operator's stop costs nothing but the stop: SIGTERM (`kill`, systemd's stop) and SIGINT
(Ctrl-C) sent to a real `sapnhap run` at one step after another (ingest, the dbt step, publish),
to its whole process group or to the command alone. Each time the command ends within
seconds with status 128 + the signal and one line naming the signal and the step, no stack
trace; nothing it started is left running (dbt included); the run lock is free; the Dagster
run is recorded as canceled or failed, not left STARTED; the published warehouse is byte for
byte the one before, or (stopped after publish renamed it) the new one. The next run then
builds and publishes the same marts as an uninterrupted build.

A chain, as in test_kill_run: one uninterrupted build publishes the reference warehouse,
each stopped run rebuilds over it, the last run completes. Minutes: `make faults`.
"""

import fcntl
import hashlib
import os
import shutil
import signal
import time
from pathlib import Path

import duckdb
import pytest

from tests.faults.test_kill_run import _launch, _read, _started_steps

pytestmark = pytest.mark.kill

EXIT_WITHIN = 15.0  # seconds from the signal to the end of the command (2 busy cores)

# (step whose start it waits for (the dbt step: its `dbt build`), seconds after, signal, to
# the whole group?, what the line may say the run was doing: a short step can end before the
# signal lands)
DBT_STEP = "sapnhap_dbt_models"
MOMENTS = [
    ("raw__personnel", 0.2, signal.SIGTERM, True, ("ingest", "the Great Expectations checks")),
    (DBT_STEP, 3.0, signal.SIGINT, True, ("the dbt step",)),
    (DBT_STEP, 3.0, signal.SIGTERM, True, ("the dbt step",)),
    (DBT_STEP, 3.0, signal.SIGTERM, False, ("the dbt step",)),
    ("published__warehouse", 0.0, signal.SIGINT, True, ("publish", "the dbt docs", "the report")),
]
ACTIVE = ("NOT_STARTED", "QUEUED", "STARTING", "STARTED", "CANCELING")


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def _group_alive(pgid: int) -> list[str]:
    """Processes of the process group `pgid` that are not zombies."""
    alive = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_bytes()
            args = Path(f"/proc/{entry.name}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != b"Z":
            alive.append(args.decode(errors="replace")[:150])
    return alive


def _lock_is_free(lock: Path) -> bool:
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def _wait_for_step(process, home: Path, step: str, launched: float) -> None:
    """Until `step` has started; for the dbt step, until its `dbt build` process runs (the
    step spends its first seconds asking dbt its version)."""
    deadline = time.time() + 600
    while time.time() < deadline:
        assert process.poll() is None, (
            f"the run ended (rc {process.returncode}) before {step} started:\n{process.stdout.read()}")
        if step in _started_steps(home, launched - 1) and (
                step != DBT_STEP or any(" build " in p for p in _group_alive(process.pid))):
            return
        time.sleep(0.1)
    raise AssertionError(f"{step} did not start within 10 minutes")


def _stop_at(cwd: Path, settings, step: str, delay: float, sig: signal.Signals, group: bool,
             doing: tuple[str, ...]) -> None:
    published = settings.published_path
    before = _sha256(published)
    home = settings.data_dir / ".dagster"
    launched = time.time()
    process = _launch(cwd)
    try:
        _wait_for_step(process, home, step, launched)
        time.sleep(delay)
        assert process.poll() is None, f"the run ended before the {sig.name} {delay} s after {step}"
        signalled = time.monotonic()
        if group:
            os.killpg(process.pid, sig)
        else:
            os.kill(process.pid, sig)
        try:
            output, _ = process.communicate(timeout=EXIT_WITHIN)
        except Exception:
            raise AssertionError(f"{sig.name} at {step}: still running {EXIT_WITHIN} s later; "
                                 f"the group: {_group_alive(process.pid)}") from None
        took = time.monotonic() - signalled
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    where = f"{sig.name} to the {'group' if group else 'command'} {delay} s after {step} started"
    print(f"{where}: ended in {took:.1f} s")
    assert process.returncode == 128 + sig, f"{where}: exit status {process.returncode}:\n{output}"
    assert "Traceback" not in output and "Stack Trace" not in output, f"{where}:\n{output}"
    last = output.rstrip("\n").splitlines()[-1]
    assert last.startswith(f"Stopped by {sig.name} during "), f"{where}:\n{output}"
    assert any(f"during {d} (" in last for d in doing), f"{where}: {last}"
    assert sum(line.startswith("Stopped by") for line in output.splitlines()) == 1, output
    deadline = time.monotonic() + 5  # the reparented zombies are reaped by init
    while (alive := _group_alive(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive, f"{where}: left running: {alive}"
    assert _lock_is_free(settings.build_dir / "run.lock"), f"{where}: the run lock is still held"
    statuses = _read(home / "history" / "runs.db",
                     "select run_id, status from runs where start_time >= ?", launched - 1)
    assert statuses, f"{where}: no Dagster run recorded"
    assert not [s for s in statuses if s[1] in ACTIVE], f"{where}: runs left active: {statuses}"
    assert any(s[1] in ("CANCELED", "FAILURE") for s in statuses), statuses
    leftovers = [p for p in settings.marts_dir.rglob(".*") if ".tmp" in p.name]
    assert not leftovers, f"{where}: temporary files left behind: {leftovers}"
    after = _sha256(published)
    if "the published warehouse is unchanged" in last:
        assert after == before, f"{where}: the line says unchanged, the file changed"
    else:
        assert "was replaced by this run's complete build" in last, last
        assert after != before
        con = duckdb.connect(str(published), read_only=True)  # whole and readable
        con.execute("select count(*) from marts.fct_staffing_balance").fetchone()
        con.close()


def test_sigterm_and_ctrl_c_at_each_step_stop_cleanly_and_the_next_run_completes(tmp_path):
    from bench.compare_marts import compare
    from dagster_project.settings import Settings
    from dagster_project.synth import generate
    from dagster_project.warehouse.raw_files import BUILT_FINGERPRINT_FILE

    cwd = tmp_path / "operator"
    generate(cwd / "data" / "raw", provinces="37", scale=0.2, through="2025-08", seed=5,
             progress=False)
    settings = Settings(cwd / "data")

    first = _launch(cwd)
    output, _ = first.communicate(timeout=1800)
    assert first.returncode == 0, output
    reference = tmp_path / "reference.duckdb"
    shutil.copyfile(settings.published_path, reference)

    for step, delay, sig, group, doing in MOMENTS:
        (settings.build_dir / BUILT_FINGERPRINT_FILE).unlink(missing_ok=True)  # build again
        _stop_at(cwd, settings, step, delay, sig, group, doing)

    (settings.build_dir / BUILT_FINGERPRINT_FILE).unlink(missing_ok=True)
    last = _launch(cwd)
    output, _ = last.communicate(timeout=1800)
    assert last.returncode == 0, f"the run after the stops failed:\n{output}"
    assert "published" in output and "report 08/2025 written" in output.splitlines()[-1], output
    differs = [r for r in compare(str(reference), str(settings.published_path))
               if r["status"] != "identical"]
    assert not differs, f"the marts differ from the uninterrupted build: {differs}"
