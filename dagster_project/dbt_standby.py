"""A dbt process started ahead of the dbt command that will use it.

Every dbt command of a build starts a Python process that imports dbt before it does anything:
about 2 s of each of the two commands of a build (a small `dbt build` at national scale: 3.4-4.6
s from the shell, 1.6-1.9 s once dbt is imported). A Dagster run that will run dbt starts a
*standby* early (dagster_project/resources.py: when the run starts, and after the first dbt
command for the second), while ingest or the previous command leaves a core to spare: a
`sapnhap-dbt --standby FD` process that imports dbt and waits for one command on a Unix socket
the run listens on before starting it (FD, inherited; named in Linux's abstract namespace: no
file to leave behind).

The command itself is still the process dagster-dbt starts, `sapnhap-dbt ...` with
SAPNHAP_DBT_STANDBY=NAME in its environment: it hands its arguments, environment, working
folder, standard output and error to the standby, which runs dbt in their place and answers
with dbt's exit status. The dbt events reach Dagster through the same pipe, and a signal sent
to the command (Dagster cancelling a run) is passed on to the standby. When no standby answers
(none started, or it could not start), the command runs dbt itself, as before.

A standby started with the folders of its command (the target folder with dbt's saved parse
state) also reads the project while it waits: about 0.7 s of each command at national scale.
The command is given that project only when it would read it the same way (the same folders,
DBT_ settings and DuckDB file name; dagster_project/dbt_command.py), else it reads it itself.

A standby that is never used ends when the process that started it closes its standard input,
or dies. Its parent waits for it, so the memory of the dbt it runs counts in the parent's
children (the bench's peak memory).
"""

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import NoReturn

ENV = "SAPNHAP_DBT_STANDBY"
FLAG = "--standby"
_HEADER = struct.Struct("!Q")  # the length of the request that follows


def _address(name: str) -> str:
    return "\0" + name  # Linux's abstract namespace


def _read_exactly(conn: socket.socket, size: int, first: bytes = b"") -> bytes:
    data = bytearray(first)
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the other end closed the connection")
        data += chunk
    return bytes(data)


# The command's side -------------------------------------------------------------------------

def hand_over(name: str) -> int | None:
    """Give this command to the standby `name`; its exit status once dbt has ended there. None
    when no standby took it (this process then runs dbt itself)."""
    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(_address(name))
        env = {k: v for k, v in os.environ.items() if k != ENV}
        request = json.dumps({"argv": sys.argv[1:], "env": env, "cwd": os.getcwd()}).encode()
        socket.send_fds(conn, [_HEADER.pack(len(request))], [1, 2])
        conn.sendall(request)
        replies = conn.makefile("rb")
        started = replies.readline().split()
    except OSError:
        return None
    if len(started) != 2 or started[0] != b"started":
        return None
    pid = int(started[1])
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda number, _frame: os.kill(pid, number))
    ended = replies.readline().split()
    if len(ended) == 2 and ended[0] == b"exit":
        return int(ended[1])
    print(f"sapnhap-dbt: dbt (pid {pid}) ended without an exit status", file=sys.stderr)
    return 1


# The standby's side -------------------------------------------------------------------------

def _end_when_unused(taken: threading.Event) -> None:
    """Standard input is a pipe from the process that started the standby: at its end (closed,
    or that process died) an unused standby ends."""
    while os.read(0, 4096):
        pass
    if not taken.is_set():
        os._exit(0)


def _killed_with(conn: socket.socket, ended: threading.Event) -> None:
    """The command that handed over dbt is gone before dbt ended: it was killed (a signal it
    can catch, it passes on and waits), and dbt is killed with it, as it was when dbt ran in
    the command's own process."""
    try:
        while conn.recv(4096):
            pass
    except OSError:
        pass
    if not ended.is_set():
        os.kill(os.getpid(), signal.SIGKILL)


def serve(listening: int, prepare: Callable[[], Callable[[Callable[[int], None]], NoReturn]]) -> NoReturn:
    """Call `prepare` (the imports; it returns the function that runs dbt and ends the process,
    given what to call with its exit status), then run the one command handed over on the
    socket listening on file descriptor `listening`."""
    server = socket.socket(fileno=listening)
    taken = threading.Event()
    threading.Thread(target=_end_when_unused, args=(taken,), daemon=True).start()
    run = prepare()
    conn, _ = server.accept()
    taken.set()
    server.close()
    first, fds, _, _ = socket.recv_fds(conn, _HEADER.size, 2)
    (size,) = _HEADER.unpack(_read_exactly(conn, _HEADER.size, first))
    request = json.loads(_read_exactly(conn, size))
    for target, fd in zip((1, 2), fds, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdout.reconfigure(line_buffering=True)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = [sys.argv[0], *request["argv"]]
    conn.sendall(f"started {os.getpid()}\n".encode())
    ended = threading.Event()
    threading.Thread(target=_killed_with, args=(conn, ended), daemon=True).start()

    def tell(code: int) -> None:
        ended.set()  # the command ends when it reads this, and is not killed
        try:
            conn.sendall(f"exit {code}\n".encode())
        except OSError:
            pass  # the command is gone (killed): nobody to tell

    run(tell)


# The parent's side --------------------------------------------------------------------------

class Standby:
    """At most one waiting standby, started by `start`; `take` hands it to the next dbt
    command; `stop` ends an unused one and waits for every one `started`."""

    def __init__(self, executable: str, cwd: str):
        self._executable = executable
        self._cwd = cwd
        self._waiting: tuple[str, subprocess.Popen] | None = None
        self.started: list[subprocess.Popen] = []

    def start(self, env: Mapping[str, str] | None = None) -> None:
        """Start a standby (unless one is waiting), with `env` added to this process's
        environment: with the folders of its command, it reads the project ahead
        (dbt_command.parse_ahead)."""
        if self._waiting is not None:
            return
        name = f"sapnhap-dbt-{os.getpid()}-{uuid.uuid4().hex}"
        # Listening before the standby starts: a command may connect (and wait) at once.
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            server.bind(_address(name))
            server.listen(1)
            process = subprocess.Popen([self._executable, FLAG, str(server.fileno())],
                                       pass_fds=[server.fileno()], stdin=subprocess.PIPE,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       cwd=self._cwd, env={**os.environ, **(env or {})})
        except OSError:
            return  # the command runs dbt itself
        finally:
            server.close()  # the standby's copy stays open
        self._waiting = (name, process)
        self.started.append(process)

    def take(self) -> dict[str, str]:
        """The environment that gives the next dbt command the waiting standby (none: {})."""
        if self._waiting is None:
            return {}
        name, _ = self._waiting
        self._waiting = None
        return {ENV: name}

    def stop(self) -> None:
        if self._waiting is not None:
            self._waiting[1].stdin.close()
            self._waiting = None
        for process in self.started:
            if process.stdin and not process.stdin.closed:
                process.stdin.close()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.started = []
