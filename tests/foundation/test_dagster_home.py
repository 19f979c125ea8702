import os
import subprocess
import sys
import time
from pathlib import Path

import yaml
from dagster import AssetKey, AssetMaterialization, DagsterInstance
from dagster._core.definitions.data_version import DATA_VERSION_TAG
from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from dagster_project.dagster_home import ensure_dagster_home
from dagster_project.event_log import OPEN_DATABASES, PooledSqliteEventLogStorage

ROOT = Path(__file__).resolve().parents[2]


def test_dagster_home_turns_telemetry_off_and_limits_pools_to_one(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = ensure_dagster_home(tmp_path / "home")
    config = yaml.safe_load((home / "dagster.yaml").read_text())
    assert config["telemetry"]["enabled"] is False
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert home.is_absolute()


def _materialization(run_id: str, i: int) -> EventLogEntry:
    event = DagsterEvent(
        event_type_value=DagsterEventType.ASSET_MATERIALIZATION.value, job_name="job",
        event_specific_data=StepMaterializationData(
            AssetMaterialization(asset_key=AssetKey(["marts", f"table_{i}"]), metadata={"i": i},
                                 partition="2026-10", tags={DATA_VERSION_TAG: f"v{i}"})))
    return EventLogEntry(error_info=None, level=10, user_message="", run_id=run_id,
                         timestamp=time.time(), dagster_event=event, job_name="job", step_key="step")


def test_the_event_log_keeps_connections_open_and_loses_no_event(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = ensure_dagster_home(tmp_path / "home")
    runs = [f"run{n}" for n in range(OPEN_DATABASES + 3)]  # more runs than connections kept
    with DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        assert storage._base_dir == str(home / "history" / "runs")
        opened, original_has_table = [], SqliteEventLogStorage.has_table
        monkeypatch.setattr(SqliteEventLogStorage, "has_table",
                            lambda self, name: opened.append(name) or original_has_table(self, name))
        for i in range(3):
            for run_id in runs:
                storage.store_event(_materialization(run_id, i))
        # Whether the index has the tables of asset events is asked of the database once each,
        # not once an event (33 materializations here).
        assert 0 < len(opened) == len(set(opened)), opened
        # The index and the last runs written keep one engine each; older ones were closed.
        assert len(storage._engines) == OPEN_DATABASES
        assert {"index", runs[-1]} <= set(storage._engines) and runs[0] not in storage._engines
        # Each in write-ahead-log mode, synced at checkpoints (1), not at every commit (2).
        for engine in storage._engines.values():
            with engine.connect() as conn:
                assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("pragma synchronous").scalar() == 1
    # Another process's view: every event was committed, in each run's database and the index.
    with DagsterInstance.from_config(str(home)) as instance:
        for run_id in runs:
            logs = instance.all_logs(run_id)
            assert [e.dagster_event.event_specific_data.materialization.metadata["i"].value
                    for e in logs] == [0, 1, 2]
        latest = instance.get_latest_materialization_event(AssetKey(["marts", "table_2"]))
        assert latest is not None and latest.run_id == runs[-1]


def test_a_test_session_leaves_no_dagster_home_behind(tmp_path):
    """The suite's throw-away DAGSTER_HOME (tests/conftest.py) is removed when the session
    ends, in the controller and in each worker: every session left one per process behind.
    One worker is enough to have both kinds of process (a second took 4.5 s more)."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    env.pop("DAGSTER_HOME", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "1",
         f"{Path(__file__)}::test_dagster_home_turns_telemetry_off_and_limits_pools_to_one"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    assert not list(scratch.glob("sapnhap_test_dagster_home_*"))
