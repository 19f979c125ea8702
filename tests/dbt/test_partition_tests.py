"""On a run that rewrites some months, the data tests of a table rewritten by month read the
rows of those months only (dbt/macros/partition_months.sql, default__get_where_subquery);
on a full build, and for a test that reads another model too, every row."""

import json
import os
import subprocess

import pytest

from dagster_project.dbt_project import (
    DBT_EXECUTABLE,
    DBT_PROJECT_DIR,
    dbt_process_env,
    prepare_manifest,
    run_dbt,
    with_parse_state,
)

UNIQUE_POINTS = "unique_combination_int_retirement_points_computed_person_key__snapshot_date"
COHORT_VALUES = "accepted_values_fct_policy_cohort_policy__early_retirement__resignation__part_time_leave"
TWO_MODELS = "staffing_moves_within_capacity_fct_redeployment_suggestion_ref_fct_staffing_balance_"
UNITS = ("not_null_columns_stg_deliveries__units_unit_code__unit_name__period__level__province_code__unit_kind__"
         "arrangement_date__source_file")
UNIQUE_ROSTER = "unique_combination_stg_deliveries__personnel_snapshot_date__person_key"
DECISION_PERSONS = ("relationships_stg_deliveries__decisions_person_key__person_key__ref_"
                    "int_roster_snapshots_deduplicated_")
COHORT_NOT_NULL = "not_null_columns_fct_policy_cohort_report_month__person_key__unit_code"
ENTITLEMENT_VALUES = "accepted_values_fct_policy_entitlement_policy__early_retirement__resignation__part_time_leave"


def compiled(tmp_path, months=None, input_months=None) -> dict[str, str]:
    """test name -> its compiled SQL."""
    target = tmp_path / "target"
    with_parse_state(target)
    args = ["compile", "--quiet", "--select", UNIQUE_POINTS, COHORT_VALUES, TWO_MODELS, UNITS,
            UNIQUE_ROSTER, DECISION_PERSONS, COHORT_NOT_NULL, ENTITLEMENT_VALUES,
            "--target-path", str(target), "--log-path", str(target)]
    subprocess.run([str(DBT_EXECUTABLE), *args, "--project-dir", str(DBT_PROJECT_DIR),
                    "--profiles-dir", str(DBT_PROJECT_DIR)], check=True, cwd=DBT_PROJECT_DIR,
                   capture_output=True, env=dbt_process_env(os.environ, months=months, input_months=input_months,
                                                            warehouse=tmp_path / "warehouse.duckdb"))
    manifest = json.loads((target / "manifest.json").read_text())
    return {n["name"]: n["compiled_code"] for n in manifest["nodes"].values()
            if n["resource_type"] == "test" and n.get("compiled_code")}


@pytest.fixture(scope="module", autouse=True)
def manifest():
    prepare_manifest()


def test_a_run_of_some_months_tests_their_rows_only(tmp_path):
    sql = compiled(tmp_path, months=["2026-09", "2026-10"], input_months=[])
    for test in (COHORT_VALUES, COHORT_NOT_NULL):
        # One range of dates for consecutive months, not date_trunc of the column, which
        # would read every row group.
        assert ("where (report_month >= date '2026-09-01' and report_month < date '2026-11-01')) dbt_subquery"
                in sql[test]), test
    # No roster month changed: no row of the roster-row tables is tested again.
    assert "where false) dbt_subquery" in sql[UNIQUE_POINTS]
    # A test that reads another model, and a table not rewritten by month: every row.
    assert "dbt_subquery" not in sql[TWO_MODELS]
    assert "dbt_subquery" not in sql[UNITS]


def test_months_apart_are_ranges_apart_across_a_new_year(tmp_path):
    sql = compiled(tmp_path, months=["2026-03", "2025-12", "2025-11", "2026-01"], input_months=[])
    assert ("where ((report_month >= date '2025-11-01' and report_month < date '2026-02-01') or "
            "(report_month >= date '2026-03-01' and report_month < date '2026-04-01'))) dbt_subquery"
            in sql[COHORT_NOT_NULL])


def test_a_run_tests_the_changed_roster_months_of_the_staging_view_only(tmp_path):
    sql = compiled(tmp_path, months=["2026-07", "2026-08", "2026-09", "2026-10"], input_months=["2026-10"])
    assert ("where (snapshot_date >= date '2026-10-01' and snapshot_date < date '2026-11-01')) dbt_subquery"
            in sql[UNIQUE_ROSTER])
    # The decisions' persons are looked for among every roster row.
    assert "dbt_subquery" not in sql[DECISION_PERSONS]


def test_a_run_tests_the_decisions_leaving_from_the_first_changed_roster_month_on(tmp_path):
    """fct_policy_entitlement is rewritten from the first month whose inputs changed on: its
    tests read those rows."""
    sql = compiled(tmp_path, months=["2026-07", "2026-08", "2026-09", "2026-10"], input_months=["2026-10", "2026-08"])
    assert "where leave_date >= date '2026-08-01') dbt_subquery" in sql[ENTITLEMENT_VALUES]


def test_a_full_build_tests_every_row(tmp_path):
    sql = compiled(tmp_path)
    assert {UNIQUE_POINTS, COHORT_VALUES, TWO_MODELS, UNITS, UNIQUE_ROSTER, DECISION_PERSONS,
            COHORT_NOT_NULL, ENTITLEMENT_VALUES} <= set(sql)
    assert not [name for name, code in sql.items() if "dbt_subquery" in code]


def test_other_months_do_not_make_dbt_parse_anything_again(tmp_path):
    """The months of a run reach dbt in the environment, not as vars (a changed var parsed
    every file again, 4.5 s at national scale, at every month run), and are read only as the
    models run: a run of other months parses no file again (reading them while parsing
    parsed the files that did again, 1.3-1.6 s at each of a run's dbt invocations)."""
    target = tmp_path / "target"
    command = ["parse", "--target-path", str(target), "--log-path", str(target)]

    def parse(months):
        (target / "dbt.log").unlink(missing_ok=True)
        run_dbt(command, tmp_path / "warehouse.duckdb", months=months, capture_output=True)
        return (target / "dbt.log").read_text(encoding="utf-8")

    parse(None)
    log = parse(["2026-09", "2026-10"])
    assert "Unable to do partial parsing" not in log and "updated file" not in log
    assert "Nothing changed" in log
    assert "Nothing changed" in parse(None)
