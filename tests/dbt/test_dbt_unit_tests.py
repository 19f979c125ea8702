"""Every dbt unit test (the `unit_tests:` blocks in the models' YAML: worked examples of
docs/rules.md, merges, splits, abolished districts...) passes. They test SQL logic on given
rows, so they run here, once, and not in every pipeline run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from dagster_project.settings import DBT_PROJECT_DIR, SHIPPED_REFERENCE_DIR
from dagster_project.warehouse.ddl import ensure_schemas
from dagster_project.warehouse.reference import REFERENCE_FILES, load_reference_table


def test_all_dbt_unit_tests_pass(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    ensure_schemas(con)
    for table in REFERENCE_FILES:
        load_reference_table(con, SHIPPED_REFERENCE_DIR, table)
    con.close()
    dbt = str(Path(sys.executable).with_name("dbt"))
    env = dict(os.environ, SAPNHAP_WAREHOUSE_PATH=str(warehouse))
    args = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(tmp_path / "target")]
    # Unit tests need their parents' relations to exist (empty is enough): build them first.
    built = subprocess.run([dbt, "build", "--exclude-resource-type", "unit_test",
                            "--exclude-resource-type", "test", *args],
                           cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-4000:]
    result = subprocess.run([dbt, "test", "--select", "test_type:unit", *args],
                            cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-6000:]
    run_results = json.loads((tmp_path / "target" / "run_results.json").read_text())
    statuses = [r["status"] for r in run_results["results"]]
    assert len(statuses) >= 20, "fewer dbt unit tests ran than the models define"
    assert set(statuses) == {"pass"}
