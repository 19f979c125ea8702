"""Every dbt unit test (the `unit_tests:` blocks in the models' YAML: worked examples of
docs/rules.md, merges, splits, abolished districts...) passes. They test SQL logic on given
rows, so they run here, once, and not in every pipeline run."""

import json

import duckdb

from dagster_project.dbt_project import run_dbt
from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.warehouse.ddl import ensure_schemas
from dagster_project.warehouse.reference import REFERENCE_FILES, load_reference_table


def test_all_dbt_unit_tests_pass(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    ensure_schemas(con)
    for table in REFERENCE_FILES:
        load_reference_table(con, SHIPPED_REFERENCE_DIR, table)
    con.close()
    target = tmp_path / "target"
    # One build in dbt's order: a model's unit tests run once its parents' relations exist
    # (empty is enough), from the project's parse state (run_dbt), the data tests left out.
    result = run_dbt(["build", "--exclude-resource-type", "test", "--target-path", str(target),
                      "--log-path", str(target)], warehouse, check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-6000:]
    run_results = json.loads((target / "run_results.json").read_text())
    statuses = [r["status"] for r in run_results["results"] if r["unique_id"].startswith("unit_test.")]
    assert len(statuses) >= 20, "fewer dbt unit tests ran than the models define"
    assert set(statuses) == {"pass"}
