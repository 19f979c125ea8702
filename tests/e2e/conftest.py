"""Tier 3 fixtures: one whole pipeline run on generated data in a temporary data folder."""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from dagster_project.settings import Settings, get_settings

# A small but complete delivery: the unchanged province Cao Bằng (04), rosters through
# September 2025, so the run stays well inside the test budget.
E2E_PROVINCES = "04"
E2E_THROUGH = "2025-09"
E2E_SEED = 7


@dataclass
class PipelineRun:
    settings: Settings
    success: bool


def run_pipeline() -> bool:
    """`sapnhap run --month E2E_THROUGH`: build, publish, report; True if all of it worked."""
    from dagster_project.partitions import month_start
    from dagster_project.runner import run_month

    return run_month(month_start(E2E_THROUGH)).ok


@pytest.fixture(scope="session")
def e2e_run(tmp_path_factory) -> PipelineRun:
    from dagster_project.synth import generate

    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SAPNHAP_DATA_DIR", str(data_dir))
        settings = get_settings()
        generate(settings.raw_dir, provinces=E2E_PROVINCES, through=E2E_THROUGH, seed=E2E_SEED,
                 progress=False)
        success = run_pipeline()
    assert os.environ.get("SAPNHAP_DATA_DIR") != str(data_dir)
    return PipelineRun(settings=settings, success=success)


@pytest.fixture
def published(e2e_run) -> Path:
    assert e2e_run.success, "the end-to-end run failed"
    return e2e_run.settings.published_path
