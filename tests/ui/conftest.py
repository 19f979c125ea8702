"""Headless Chromium (the system one, STACK.md) driven by Playwright, and a real
`dagster dev` on a free local port."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from dagster_project.dagster_home import ensure_dagster_home
from dagster_project.settings import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql", data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def dagster_ui():
    """`dagster dev` on 127.0.0.1 with a scratch home and data folder; stopped after the
    module's tests, not at the end of the session (its daemon wakes every few seconds)."""
    scratch = Path(tempfile.mkdtemp(prefix="sapnhap_ui_"))
    home = ensure_dagster_home(scratch / "dagster_home")
    port = _free_port()
    env = dict(os.environ, DAGSTER_HOME=str(home), SAPNHAP_DATA_DIR=str(scratch / "data"),
               SAPNHAP_SENSOR_DEFAULT="stopped")
    log = open(scratch / "dagster_dev.log", "w")
    process = subprocess.Popen(
        # The code location "sapnhap" comes from [tool.dagster] in pyproject.toml, as in `make ui`.
        [str(Path(sys.executable).with_name("dagster")), "dev", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so it can be stopped cleanly
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(
                        "dagster dev did not come up:\n" + (scratch / "dagster_dev.log").read_text()[-3000:]
                    ) from None
                time.sleep(1)
        _graphql(url, "mutation { setNuxSeen }")  # the community dialog would cover the page
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            # Alone it stops in about 2 s; stopped at the end of a worker of a full `make test`,
            # as it was until 7 December, it took the whole 10 s this waited then. Nothing here
            # needs it to stop gracefully, only to stop.
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(scratch, ignore_errors=True)
