"""A failed step says its cause in its first line (dagster_project/failures.py)."""

import json

import pytest
from dagster import Failure

from dagster_project.dbt_project import BUILD_COMMAND, run_dbt
from dagster_project.failures import dbt_failure, explained, failed_results


def test_dbt_failures_are_named_with_their_first_message_line():
    run_results = {"results": [
        {"unique_id": "model.sapnhap.stg_x", "status": "success", "message": "OK"},
        {"unique_id": "test.sapnhap.expect_row_count_dim_commune_3321.ab12", "status": "fail",
         "message": "Got 1 result, configured to fail if != 0\nmore"},
        {"unique_id": "model.sapnhap.fct_y", "status": "error",
         "message": "Runtime Error in model fct_y\n  Binder Error: column z"},
        {"unique_id": "model.sapnhap.fct_z", "status": "skipped", "message": None},
    ]}
    assert dbt_failure(run_results) == (
        "dbt build: 2 failed: test expect_row_count_dim_commune_3321 (Got 1 result, configured to fail "
        "if != 0); model fct_y (Runtime Error in model fct_y)")


def test_more_than_five_failures_are_counted_not_listed():
    run_results = {"results": [{"unique_id": f"test.sapnhap.t{i}", "status": "fail", "message": "x"}
                               for i in range(8)]}
    line = dbt_failure(run_results)
    assert line.startswith("dbt build: 8 failed: test t0 (x); ") and line.endswith("; and 3 more")


def test_an_unexpected_error_becomes_a_failure_whose_description_names_it():
    with pytest.raises(Failure) as caught, explained("ingest of raw.personnel"):
        raise OSError("No space left on device\nwhile writing raw.personnel")
    assert caught.value.description == "ingest of raw.personnel: OSError: No space left on device"
    assert "Traceback" in caught.value.metadata["traceback"].value


def test_a_failed_model_is_named_from_the_events_dbt_printed(tmp_path):
    # The build writes no run_results.json: the failure line comes from dbt's own output.
    # On a warehouse without raw tables the first staging view cannot be created.
    command = [*BUILD_COMMAND, "--select", "stg_deliveries__units", "--log-format", "json",
               "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "target")]
    result = run_dbt(command, tmp_path / "warehouse.duckdb", check=False, capture_output=True, text=True)
    assert result.returncode == 1
    assert not (tmp_path / "target" / "run_results.json").exists()
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    line = dbt_failure(failed_results(events))
    assert line.startswith("dbt build: 1 failed: model stg_deliveries__units (Runtime Error in model "
                           "stg_deliveries__units"), line
