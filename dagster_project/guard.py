"""One run at a time per data folder, and nothing left behind by a run that died.

- `exclusive(settings, what)`: an advisory lock (flock) on `<marts>/.build/run.lock`, held for
  a whole run. The kernel drops it when the holding process dies, even by `kill -9`, so a
  crash never leaves a lock behind. A second run on the same folder stops at once with a
  `RunInProgress` naming the holder. Re-entrant within a process (the command line holds it
  around a build and a report, and each Dagster run takes it again).
- `recover(instance, settings, current_run_id)`: called under the lock at the start of every
  run. A run of this data folder that the instance still calls STARTING/STARTED/CANCELING
  while we hold the lock cannot be alive (every live run holds the lock): it is marked failed
  and its Dagster pool slots are freed, so a killed run no longer wedges every later run.
  Temporary files of dead runs (`.<name>.<pid>.tmp`, their `.wal`) are removed.
"""

import fcntl
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dagster_project.settings import Settings, private_dir

LOCK_FILE = "run.lock"
DATA_DIR_TAG = "sapnhap/data_dir"
PID_TAG = "sapnhap/pid"


class RunInProgress(RuntimeError):
    """Another process is running on this data folder: the message says which."""


@dataclass
class _Held:
    fd: int
    count: int


_held: dict[Path, _Held] = {}


def lock_path(settings: Settings) -> Path:
    return settings.build_dir / LOCK_FILE


@contextmanager
def exclusive(settings: Settings, what: str) -> Iterator[None]:
    path = lock_path(settings)
    if path in _held:
        _held[path].count += 1
        try:
            yield
        finally:
            _held[path].count -= 1
        return
    private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "another process"
        os.close(fd)
        raise RunInProgress(f"a run is already in progress on {settings.data_dir}: {holder}") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, (f"{what} (pid {os.getpid()} on {socket.gethostname()}, "
                   f"started {time.strftime('%Y-%m-%d %H:%M:%S')})\n").encode(), 0)
    _held[path] = _Held(fd, 1)
    try:
        yield
    finally:
        del _held[path]
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


ACTIVE_STATUSES = ("STARTING", "STARTED", "CANCELING")


def recover(instance, settings: Settings, current_run_id: str | None = None) -> list[str]:
    """Under the lock: fail the dead runs of this data folder, free their pool slots, remove
    leftover temporary files. Returns the ids of the runs recovered."""
    from dagster import DagsterRunStatus, RunsFilter

    assert lock_path(settings) in _held, "recover() runs under exclusive()"
    statuses = [DagsterRunStatus(s) for s in ACTIVE_STATUSES]
    recovered = []
    for run in instance.get_runs(filters=RunsFilter(statuses=statuses,
                                                    tags={DATA_DIR_TAG: str(settings.data_dir)})):
        if run.run_id == current_run_id:
            continue
        instance.report_run_failed(
            run, f"The process of this run ended without finishing it (pid {run.tags.get(PID_TAG, '?')}); "
                 "marked failed by the next run on the same data folder.")
        recovered.append(run.run_id)
    # Pool slots of any run that is not running any more (dead, or finished without freeing).
    storage = instance.event_log_storage
    active = {r.run_id for r in instance.get_runs(filters=RunsFilter(statuses=statuses))}
    for run_id in storage.get_concurrency_run_ids():
        if run_id not in active or run_id in recovered:
            storage.free_concurrency_slots_for_run(run_id)
    remove_leftovers(settings)
    return recovered


def remove_leftovers(settings: Settings) -> list[Path]:
    """Temporary files of runs that died mid-write (only call under the lock)."""
    removed = []
    if settings.marts_dir.exists():
        for path in settings.marts_dir.rglob(".*.tmp*"):
            if path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def file_state(path: Path) -> tuple | None:
    """(inode, size, modification time) of a file, None when it is absent: whether the
    published warehouse was replaced or touched between two moments."""
    try:
        s = path.stat()
    except FileNotFoundError:
        return None
    return (s.st_ino, s.st_size, s.st_mtime_ns)
