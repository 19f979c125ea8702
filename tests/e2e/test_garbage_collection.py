"""Python's cycle collector and the long-lived heap (dagster_project/runner.py: execute_job,
dagster_project/reports/build.py: write_pack): a run leaves what the process held before it out
of full collections and puts it back after; loading the definitions collects nothing, and
leaves collection on even when it fails; the report pack's workers run no cycle collection."""

import gc
from pathlib import Path

import pytest

import dagster_project.reports.build as build
from dagster_project import runner
from dagster_project.jobs import REPORT_JOB
from dagster_project.partitions import month_start
from tests.e2e.conftest import E2E_THROUGH

pytestmark = pytest.mark.e2e


def test_a_run_leaves_what_the_process_held_out_of_full_collections_and_puts_it_back(run_copy, monkeypatch):
    import dagster_project.assets.reports as report_asset

    seen = []
    write_pack = report_asset.write_pack

    def watched(*args):
        seen.append((gc.get_freeze_count(), gc.isenabled()))
        return write_pack(*args)

    monkeypatch.setattr(report_asset, "write_pack", watched)
    assert gc.get_freeze_count() == 0
    outcome = runner.write_report(month_start(E2E_THROUGH))
    assert outcome.success, outcome.failure
    [(frozen, enabled)] = seen
    # The definitions, dbt's manifest and the modules: far more than a few objects.
    assert frozen > 100_000, frozen
    assert enabled
    assert gc.get_freeze_count() == 0  # put back: a cycle among them can be collected again
    assert gc.isenabled()


def test_loading_the_definitions_leaves_collection_on_when_it_fails(monkeypatch):
    import dagster_project.dbt_project as dbt_project

    def no_manifest():
        raise RuntimeError("no manifest")

    monkeypatch.setattr(dbt_project, "prepare_manifest", no_manifest)
    with pytest.raises(RuntimeError, match="no manifest"):
        runner.execute_job(REPORT_JOB)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_the_report_workers_run_no_cycle_collection(published, tmp_path, monkeypatch):
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)  # workers even on a machine of one core
    monkeypatch.setattr(build, "write_report",
                        lambda report, folder: [Path(f"collecting_{gc.isenabled()}")])
    pack = build.write_pack(published, month_start(E2E_THROUGH), tmp_path)
    assert len(pack.files) == len(pack.scopes) > 1
    assert {f.name for f in pack.files} == {"collecting_False"}
    assert gc.isenabled()  # in this process
