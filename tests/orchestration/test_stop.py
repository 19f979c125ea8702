"""dagster_project/stop.py without a pipeline (seconds): a command that holds the run lock
and has a child process, stopped by SIGTERM or SIGINT, to its process group or to itself,
ends at once with 128 + the signal and one line, its child gone and the lock free. The whole
pipeline stopped at its steps is tests/faults/test_stop_run.py (make faults)."""

import fcntl
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

# The work: take the run lock, start a child, say so, then compute forever (a busy step).
WORK = textwrap.dedent("""
    import subprocess, sys, time
    from pathlib import Path
    from dagster_project import guard
    from dagster_project.settings import Settings
    from dagster_project.stop import supervise

    settings = Settings(Path(sys.argv[1]))

    def work():
        with guard.exclusive(settings, "test"):
            child = subprocess.Popen(["sleep", "600"])
            print(f"child {child.pid}", flush=True)
            while True:
                sum(range(10_000))

    supervise(settings, work)
""")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state != b"Z"


@pytest.mark.parametrize(("sig", "group"), [(signal.SIGTERM, True), (signal.SIGINT, True),
                                            (signal.SIGTERM, False)])
def test_a_signal_ends_the_command_its_child_and_its_lock(tmp_path, sig, group):
    from dagster_project.settings import Settings

    settings = Settings(tmp_path / "data")
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    process = subprocess.Popen([sys.executable, "-c", WORK, str(settings.data_dir)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        child = int(process.stdout.readline().split()[1])
        (os.killpg if group else os.kill)(process.pid, sig)
        started = time.monotonic()
        out, err = process.communicate(timeout=10)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 128 + sig, (process.returncode, err)
    assert took < 5, took
    assert err.splitlines() == [
        f"Stopped by {sig.name} during sapnhap, outside its Dagster runs; nothing was published "
        f"({settings.published_path} does not exist)."], err
    assert not out
    deadline = time.monotonic() + 5  # a reparented zombie is reaped by init
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the child process is still running"
    fd = os.open(settings.build_dir / "run.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if still held
    finally:
        os.close(fd)


def test_without_a_signal_the_work_returns_or_raises_as_before(tmp_path):
    from dagster_project.settings import Settings
    from dagster_project.stop import supervise

    settings = Settings(tmp_path / "data")
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    assert supervise(settings, lambda: 42) == 42
    with pytest.raises(SystemExit) as exit_:
        supervise(settings, lambda: sys.exit(1))
    assert exit_.value.code == 1
    assert {s: signal.getsignal(s) for s in before} == before  # the handlers are put back
