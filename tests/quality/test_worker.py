"""The quality worker validates a suite in its own process as the check's own process would,
falls back to it when gone, and outlives neither the run nor its parent."""

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from dagster_project.ingest import ingest_all
from dagster_project.quality import run_suite
from dagster_project.quality.worker import SuiteWorker
from dagster_project.resources import Suites
from tests.ingest.conftest import PERSONNEL_ROWS, deliver_clean, load_reference_units


@pytest.fixture(scope="module")
def working(tmp_path_factory):
    """A working file whose roster has a repeated person and a malformed national ID."""
    raw = deliver_clean(tmp_path_factory.mktemp("raw"))
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        load_reference_units(con)
        ingest_all(con, raw)
        con.execute("insert into raw.personnel by name "
                    "select * replace (source_row + 1000 as source_row) from raw.personnel limit 1")
        con.execute("update raw.personnel set national_id = '12345' where source_row = "
                    "(select max(source_row) from raw.personnel where source_row < 1000)")
    return path


def in_process(path, table, severity, skip=frozenset()):
    with duckdb.connect(str(path), read_only=True) as con:
        return run_suite(con, table, severity, skip)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not open(f"/proc/{pid}/stat").read().split(") ")[1].startswith("Z")


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


SUITES = [("personnel", "identity"), ("personnel", "soft"), ("personnel", "structure"),
          ("units", "identity"), ("decisions", "soft")]


def test_the_worker_validates_in_its_own_process_what_the_check_would(working):
    worker = SuiteWorker()
    worker.start()
    pid = worker.pid
    try:
        assert pid is not None and pid != os.getpid() and alive(pid)
        results = {suite: worker.run_suite(working, *suite, frozenset()) for suite in SUITES}
        # read while the worker holds the file open read-only too
        assert results == {suite: in_process(working, *suite) for suite in SUITES}
        identity = results[("personnel", "identity")]
        assert not identity.success and identity.rows == len(PERSONNEL_ROWS) + 1
        assert {(f["expectation"], f["column"]) for f in identity.failures} == {
            ("expect_compound_columns_to_be_unique", "snapshot_date, national_id"),
            ("expect_column_values_to_match_regex", "national_id"),
        }
        with duckdb.connect(str(working), read_only=True) as con:
            every_file = frozenset(h for (h,) in con.execute(
                "select distinct source_hash from raw.personnel").fetchall())
        skipped = worker.run_suite(working, "personnel", "identity", every_file)
        assert skipped.success and skipped.rows == 0
    finally:
        worker.stop()
    assert gone_within(pid, 10)


def test_an_error_in_the_worker_is_raised_in_the_check_and_the_worker_goes_on(working, tmp_path):
    worker = SuiteWorker()
    worker.start()
    try:
        with pytest.raises(duckdb.IOException, match="does not exist"):
            worker.run_suite(tmp_path / "warehouse.duckdb", "personnel", "identity", frozenset())
        assert worker.run_suite(working, "units", "soft", frozenset()) == in_process(working, "units", "soft")
    finally:
        worker.stop()


def test_a_suite_whose_worker_died_is_validated_by_the_check_itself(working):
    suites = Suites()
    worker = SuiteWorker()
    worker.start()
    os.kill(worker.pid, signal.SIGKILL)
    suites._worker = worker
    with duckdb.connect(str(working), read_only=True) as con:
        result = suites.run_suite(con, working, "personnel", "identity")
    assert result == in_process(working, "personnel", "identity") and not result.success
    assert suites._worker is None and worker.pid is None


def test_the_worker_ends_with_the_process_that_started_it(tmp_path):
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "import time; from dagster_project.quality.worker import SuiteWorker; w = SuiteWorker(); "
         "w.start(); print(w.pid, flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE, text=True)
    try:
        pid = int(parent.stdout.readline())
        assert alive(pid)
        parent.kill()
        parent.wait()
        assert gone_within(pid, 20)  # once imported, it reads the end of its socket
    finally:
        parent.kill()
        parent.wait()
