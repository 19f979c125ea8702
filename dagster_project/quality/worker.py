"""Great Expectations in a process of its own, imported while the run does something else.

Importing Great Expectations and making its context takes about 3 s of one core, and used to
be paid by the first quality check that validates rows, in the run's own process, between
ingest and dbt: an added month at national scale spent 3.4 s in the roster's identity check,
about 0.4 s of it validating. A run with the quality checks starts a *worker* as it starts
(dagster_project/resources.py: Suites): `python -m dagster_project.quality.worker FD`, which
imports Great Expectations while the run loads the reference data and ingests (the core they
leave free), then validates each suite a check hands it over the socket FD, inherited:
it opens the working file read-only, as the check does, runs `suites.run_suite` and sends
back the SuiteResult, or the exception it raised.

The worker ends when the run ends (its socket closes), or when the process that started it
dies. Its output goes nowhere: what the checks report is their results. A check whose worker
is gone (it could not start, or died) validates in its own process, as before.
"""

import os
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from dagster_project.quality.suites import SuiteResult


class SuiteWorker:
    """The parent's side: `start`, then `run_suite` as often as needed, then `stop`."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._conn: Connection | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        parent, child = socket.socketpair()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(child.fileno())], pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:
            parent.close()
            return  # the checks validate in their own process
        finally:
            child.close()
        self._conn = Connection(parent.detach())

    def run_suite(self, working: Path, table: str, severity: str,
                  skip_files: frozenset[str]) -> SuiteResult | None:
        """The suite's result, validated by the worker; None when there is no worker (the caller
        validates itself). An exception the validation raised is raised here."""
        if self._conn is None:
            return None
        try:
            self._conn.send((str(working), table, severity, skip_files))
            status, value = self._conn.recv()
        except (OSError, EOFError):
            self.stop()  # died: the next suites are validated by the caller
            return None
        if status == "error":
            raise value
        return value

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


def serve(conn: Connection) -> None:
    """The worker's side: import, then validate what comes until the socket closes."""
    from dagster_project.quality import suites
    from dagster_project.warehouse.connect import connect

    suites.warm()
    while True:
        try:
            working, table, severity, skip_files = conn.recv()
        except (EOFError, OSError):
            return
        try:
            con = connect(Path(working), read_only=True)
            try:
                reply = ("ok", suites.run_suite(con, table, severity, skip_files))
            finally:
                con.close()
        except Exception as exc:  # raised in the check, as if it had run there
            reply = ("error", exc)
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except Exception as exc:  # an exception that does not pickle: its text
            conn.send(("error", RuntimeError(f"{type(exc).__name__} in the quality worker: {reply[1]}")))


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
    os._exit(0)  # nothing to tear down: the connection to the file is closed
