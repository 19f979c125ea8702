"""Stopping a run: SIGTERM (`kill`, a service manager's stop) or SIGINT (Ctrl-C), sent to the
command alone or to its whole process group, at any step.

`supervise(settings, work)` runs `work` (the body of `sapnhap run`, `backfill` or `report`) in
a worker thread; the main thread only waits for it and handles the signals. On the first
SIGTERM or SIGINT it stops everything itself, within seconds:

1. silences the console (what the dying steps would print: stack traces, dbt's errors);
2. waits for a publish already renaming its file to finish (`warehouse.publish.REPLACING`),
   and keeps that lock, so the published warehouse is the old file or the new one, never a
   third thing, and the line below says which;
3. terminates every process the command started (dbt, Dagster's log watchers): SIGTERM,
   then SIGKILL after a short grace (they never see a SIGINT: the worker thread blocks it,
   and the processes it starts inherit that);
4. records the Dagster runs this process had started as canceled, naming the signal and the
   step, and frees their pool slots;
5. removes its temporary files (`guard.remove_leftovers`);
6. prints one line and exits with 128 + the signal number (143 for SIGTERM, 130 for SIGINT).

The process ends with `os._exit`, so the kernel drops the run lock. The working warehouse is
left as after a crash (DuckDB recovers it from its write-ahead log); it is never published
without a complete build, and the next run builds it again.

Why the work is not on the main thread: Dagster turns SIGINT and SIGTERM into an exception
raised in the main thread wherever it happens to be. During the dbt step that thread is
polling a future of dagster-dbt's thread pool (`dagster._core.utils.imap`, which calls
`future.done()` in a loop while dbt runs); raised just after `done()` took the future's lock,
the exception leaves the lock taken. The pool thread that read dbt's output then blocks
forever setting that future's result, and the main thread, unwinding, waits for the pool
thread: the run hung, holding the run lock, until `kill -9`. Dagster installs its handlers
only on the main thread; in a worker thread no exception is ever raised asynchronously.
"""

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing import resource_tracker
from typing import TypeVar

from dagster_project import guard
from dagster_project.settings import Settings

T = TypeVar("T")

SIGNALS = (signal.SIGTERM, signal.SIGINT)
GRACE_SECONDS = 2.0  # between SIGTERM and SIGKILL for the processes the run started
BOOKKEEPING_SECONDS = 15.0  # at most, to record the runs as canceled

# What a step key is doing, by prefix, for the one line.
STEP_LABELS = (
    ("raw__ref_", "loading the reference data"),
    ("raw__", "ingest"),
    ("sapnhap_dbt_models", "the dbt step"),
    ("published__warehouse", "publish"),
    ("published__dbt_docs", "the dbt docs"),
    ("reports__", "the report"),
)


def step_label(step_key: str) -> str:
    """'the dbt step (sapnhap_dbt_models)'; the Great Expectations and row checks of a raw
    table are steps `raw__<table>_<check>`."""
    if step_key.startswith("raw__") and "_gx_" in step_key:
        return f"the Great Expectations checks ({step_key})"
    for prefix, label in STEP_LABELS:
        if step_key.startswith(prefix):
            return f"{label} ({step_key})"
    return f"step {step_key}"


def supervise(settings: Settings, work: Callable[[], T]) -> T:
    """Run `work` in a worker thread and return what it returns (or raise what it raised);
    on SIGTERM or SIGINT, stop as the module says (never returns). Off the main thread
    (no signal handlers there) it only runs `work`."""
    if threading.current_thread() is not threading.main_thread():
        return work()
    received: list[int] = []
    outcome: dict[str, object] = {}
    # The kernel hands a signal to any thread; the C handler then writes to this pipe, which
    # wakes the main thread at once (the Python handler runs on the main thread only).
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)

    def on_signal(signum, frame) -> None:
        received.append(signum)

    def target() -> None:
        # SIGINT blocked here, and so in every thread and process the work starts (the mask is
        # inherited): a Ctrl-C reaches the main thread alone, not dbt or Dagster's log
        # watchers (Python scripts that would each print a KeyboardInterrupt traceback); the
        # stop terminates them with SIGTERM. Python's multiprocessing resource tracker, which
        # the pipeline starts, unblocks SIGINT in the thread that starts it: start it first.
        resource_tracker.ensure_running()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 -- re-raised on the main thread
            outcome["error"] = error
        finally:
            os.write(wake_w, b"\0")

    # The console as it is now: Dagster points descriptors 1 and 2 at its log files during a
    # step (and copies them back with `tail -F`, a child process that the stop terminates).
    console = os.dup(2)
    console_ids = _console_ids()
    published_before = guard.file_state(settings.published_path)
    previous = {s: signal.signal(s, on_signal) for s in SIGNALS}
    previous_wakeup = signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    try:
        worker = threading.Thread(target=target, name="sapnhap-work", daemon=True)
        worker.start()
        while worker.is_alive() and not received:
            select.select([wake_r], [], [], 1.0)
            with contextlib.suppress(BlockingIOError):
                os.read(wake_r, 512)
        if received:
            stop(settings, received[0], published_before, console, console_ids)
        worker.join()
    finally:
        signal.set_wakeup_fd(previous_wakeup)
        for s, handler in previous.items():
            signal.signal(s, handler)
        for fd in (wake_r, wake_w, console):
            os.close(fd)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def stop(settings: Settings, signum: int, published_before: tuple | None, console: int,
         console_ids: set[tuple[int, int]]) -> None:
    """Stop this process and everything it started; write one line to `console`; exit
    128 + signum."""
    from dagster_project.warehouse.publish import REPLACING

    name = signal.Signals(signum).name
    _silence(console_ids, keep=console)
    REPLACING.acquire()  # held until the exit: no rename of the published file after this
    doing: dict[str, str] = {}
    record = threading.Thread(target=_record_canceled, args=(settings, name, doing),
                              name="sapnhap-stop", daemon=True)
    record.start()
    _terminate_children()
    record.join(BOOKKEEPING_SECONDS)
    guard.remove_leftovers(settings)
    published = settings.published_path
    after = guard.file_state(published)
    if after == published_before:
        state = (f"the published warehouse is unchanged ({published})" if after
                 else f"nothing was published ({published} does not exist)")
    else:
        state = f"the published warehouse was replaced by this run's complete build ({published})"
    what = doing.get("what", "sapnhap, outside its Dagster runs")
    _terminate_children()  # anything the worker thread started meanwhile
    with contextlib.suppress(Exception):
        sys.stdout.flush()  # the dbt log of the run (runner.execute_job redirects stdout to it)
    os.write(console, f"Stopped by {name} during {what}; {state}.\n".encode())
    os._exit(128 + signum)


def _console_ids() -> set[tuple[int, int]]:
    """What stdout and stderr are now (device, inode): a terminal, a pipe, a file."""
    ids = set()
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            st = os.fstat(fd)
            ids.add((st.st_dev, st.st_ino))
    return ids


def _silence(console_ids: set[tuple[int, int]], keep: int) -> None:
    """Point stdout, stderr and every other descriptor of this process that writes to the
    console (Dagster keeps copies, to put back after a step) at /dev/null, except `keep`:
    the worker thread runs on until the exit, and its dying steps would print their errors."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    targets = {1, 2}
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        with contextlib.suppress(OSError):
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) in console_ids:
                targets.add(fd)
    for fd in targets - {keep, devnull}:
        with contextlib.suppress(OSError):
            os.dup2(devnull, fd)
    os.close(devnull)



def _children(pid: int) -> list[int]:
    """The live descendants of `pid` (Linux /proc; zombies are dead)."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses
        state, ppid = stat[stat.rindex(b")") + 2:].split()[:2]
        if state != b"Z":
            parents.setdefault(int(ppid), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def _terminate_children() -> None:
    """SIGTERM every descendant, SIGKILL those alive after GRACE_SECONDS (gives up on a
    process the kernel cannot kill, after a few more seconds)."""
    me = os.getpid()
    deadline = time.monotonic() + GRACE_SECONDS
    sig = signal.SIGTERM
    while (kids := _children(me)) and time.monotonic() < deadline + 3:
        for pid in kids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        if time.monotonic() > deadline:
            sig = signal.SIGKILL
        time.sleep(0.05)


def _record_canceled(settings: Settings, signame: str, doing: dict) -> None:
    """Mark the Dagster runs this process started (and not finished) as canceled, naming the
    signal and the last step started; sets doing["what"] for the line. Run in a thread with
    a time limit: a run left STARTED is marked failed by the next run on the same data
    folder anyway (guard.recover)."""
    if not os.environ.get("DAGSTER_HOME"):
        return  # no Dagster run was started by this process
    from dagster import DagsterInstance

    with DagsterInstance.get() as instance:
        for run in guard.runs_of_process(instance, settings, os.getpid()):
            step = _last_step_started(instance, run.run_id)
            where = step_label(step) if step else "the start of the run"
            doing["what"] = f"{where}, run {run.run_id[:8]} ({run.job_name})"
            instance.report_run_canceled(
                run, f"Stopped by {signame} during {where} (pid {os.getpid()}).")
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)


def _last_step_started(instance, run_id: str) -> str | None:
    from dagster import DagsterEventType

    records = instance.all_logs(run_id, of_type=DagsterEventType.STEP_START)
    return records[-1].dagster_event.step_key if records else None
