"""A crash costs nothing but the crash; two runs on one data folder never interleave."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from dagster import DagsterInstance, DagsterRunStatus

from dagster_project import guard
from dagster_project.settings import get_settings

SAPNHAP = str(Path(sys.executable).with_name("sapnhap"))


def test_a_second_run_on_the_same_folder_stops_at_once_naming_the_first(data_dir):
    settings = get_settings()
    with guard.exclusive(settings, "sapnhap run"):
        started = time.monotonic()
        second = subprocess.run([SAPNHAP, "run"], env=dict(os.environ), capture_output=True,
                                text=True, timeout=120)
        elapsed = time.monotonic() - started
    assert second.returncode == 1
    line = second.stderr.strip()
    assert line.startswith(f"sapnhap: a run is already in progress on {data_dir}: sapnhap run (pid {os.getpid()} on ")
    assert "\n" not in line and "Traceback" not in second.stderr
    assert elapsed < 30  # before any build: no generation, no ingest
    assert not (data_dir / "raw" / "personnel").exists()


def test_the_lock_is_reentrant_in_a_process_and_free_after(data_dir):
    settings = get_settings()
    with guard.exclusive(settings, "outer"):
        with guard.exclusive(settings, "inner"):
            pass
        assert guard.lock_path(settings) in guard._held
    with guard.exclusive(settings, "again"):  # released: can be taken again
        pass


def _claim(instance, run_id: str, step: str) -> None:
    storage = instance.event_log_storage
    storage.set_concurrency_slots("duckdb", 1)
    claim = storage.claim_concurrency_slot("duckdb", run_id, step)
    assert claim.is_claimed


def test_recover_fails_dead_runs_of_the_folder_and_frees_their_pool_slot(data_dir):
    from dagster._core.test_utils import create_run_for_test

    settings = get_settings()
    with DagsterInstance.ephemeral() as instance:
        dead = create_run_for_test(instance, job_name="monthly_build", status=DagsterRunStatus.STARTED,
                                   tags={guard.DATA_DIR_TAG: str(settings.data_dir), guard.PID_TAG: "999999"})
        other = create_run_for_test(instance, job_name="monthly_build", status=DagsterRunStatus.STARTED,
                                    tags={guard.DATA_DIR_TAG: "/somewhere/else"})
        _claim(instance, dead.run_id, "raw__personnel")
        blocked = instance.event_log_storage.claim_concurrency_slot("duckdb", "next-run", "raw__units")
        assert not blocked.is_claimed  # the dead run's slot wedges the next run
        instance.event_log_storage.free_concurrency_slot_for_step("next-run", "raw__units")
        leftover = settings.marts_dir / ".warehouse.duckdb.4242.tmp"
        leftover.parent.mkdir(parents=True)
        leftover.write_bytes(b"half a file")
        (settings.marts_dir / ".warehouse.duckdb.4242.tmp.wal").write_bytes(b"wal")
        (settings.marts_dir / "warehouse.duckdb").write_bytes(b"the published file")
        with guard.exclusive(settings, "next run"):
            recovered = guard.recover(instance, settings, current_run_id="next-run")
        assert recovered == [dead.run_id]
        assert instance.get_run_by_id(dead.run_id).status == DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(other.run_id).status == DagsterRunStatus.STARTED  # not ours
        assert instance.event_log_storage.claim_concurrency_slot("duckdb", "next-run", "raw__units").is_claimed
        assert sorted(p.name for p in settings.marts_dir.iterdir()) == [".build", "warehouse.duckdb"]


def test_a_run_killed_in_a_pool_step_does_not_wedge_the_next_one(data_dir, tmp_path, monkeypatch):
    """kill -9 a real Dagster run (the reference assets, pool "duckdb") while a step runs;
    the next run of the same job on the same folder completes on its own."""
    home = tmp_path / "home"
    script = tmp_path / "run_reference.py"
    script.write_text(textwrap.dedent("""
        import sys
        import time
        from dagster import DagsterInstance, materialize
        from dagster_project.assets import reference
        from dagster_project.dagster_home import ensure_dagster_home
        from dagster_project.resources import Warehouse
        from dagster_project.warehouse import reference as loader

        ensure_dagster_home()
        if sys.argv[1] == "hang":  # the step never ends until killed
            original = loader.load_reference_table
            def slow(*args, **kwargs):
                print("IN STEP", flush=True)
                time.sleep(600)
                return original(*args, **kwargs)
            loader.load_reference_table = slow
            reference.load_reference_table = slow
        with DagsterInstance.get() as instance:
            result = materialize(reference.assets, instance=instance, resources={"warehouse": Warehouse()})
        print("SUCCESS" if result.success else "FAILURE", flush=True)
    """))
    from dagster_project.dagster_home import ensure_dagster_home

    monkeypatch.setenv("DAGSTER_HOME", str(home))
    ensure_dagster_home(home)
    env = dict(os.environ)
    hung = subprocess.Popen([sys.executable, str(script), "hang", str(data_dir)], env=env,
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert hung.stdout.readline().strip() == "IN STEP"
    os.killpg(hung.pid, signal.SIGKILL)
    hung.wait()
    with DagsterInstance.from_config(str(home)) as instance:
        stuck = instance.get_runs()[0]
        assert stuck.status == DagsterRunStatus.STARTED  # what a crash leaves behind
        assert instance.event_log_storage.get_concurrency_run_ids() == {stuck.run_id}
    second = subprocess.run([sys.executable, str(script), "ok", str(data_dir)], env=env,
                            capture_output=True, text=True, timeout=120)
    assert second.stdout.strip().splitlines()[-1] == "SUCCESS", second.stdout + second.stderr
    with DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_run_by_id(stuck.run_id).status == DagsterRunStatus.FAILURE
