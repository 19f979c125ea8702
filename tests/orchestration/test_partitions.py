"""The monthly marts as Dagster partitions: which months a run rewrites, and how the dbt
project is split around them (e2e: tests/e2e/test_partitions.py)."""

import json
import os

import duckdb
import pytest
from dagster import AssetKey, PartitionKeyRange
from dagster._core.definitions.partitions.definition import TimeWindowPartitionsDefinition

from dagster_project.dbt_project import (
    WAREHOUSE_VARIABLE,
    dbt_env,
    dbt_environment,
    dbt_process_env,
)
from dagster_project.partitions import months_between, months_to_build

EVERY = months_between("2025-07", "2026-10")
MONTHLY = {AssetKey(["marts", t]) for t in
           ("fct_staffing_balance", "fct_staffing_balance_field", "fct_policy_cohort")}


def test_months_between_crosses_the_new_year():
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months_between("2025-08", "2025-08") == ["2025-08"]


def test_a_range_over_every_partition_is_a_full_build():
    assert months_to_build(PartitionKeyRange("2025-07", "2026-10"), EVERY) is None


def test_a_range_short_of_every_partition_rewrites_its_months_only():
    assert months_to_build(PartitionKeyRange("2025-08", "2025-08"), EVERY) == ["2025-08"]
    assert months_to_build(PartitionKeyRange("2025-07", "2026-09"), EVERY) == EVERY[:-1]
    assert months_to_build(PartitionKeyRange("2025-08", "2026-10"), EVERY) == EVERY[1:]


def test_the_months_and_the_file_reach_dbt_in_the_environment_and_a_full_build_passes_all(tmp_path, monkeypatch):
    # Not on the command line: a var that changes makes dbt parse everything.
    assert dbt_env(warehouse=tmp_path / "w.duckdb")[WAREHOUSE_VARIABLE] == str((tmp_path / "w.duckdb").resolve())
    assert dbt_env(["2025-08", "2025-09"], [], ["2025-07", "2025-08", "2025-09"]) == {
        "SAPNHAP_REPORT_MONTHS": "2025-08,2025-09", "SAPNHAP_INPUT_MONTHS": "",
        "SAPNHAP_AUDIT_MONTHS": "2025-07,2025-08,2025-09"}
    assert dbt_env() == {"SAPNHAP_REPORT_MONTHS": "all", "SAPNHAP_INPUT_MONTHS": "all",
                         "SAPNHAP_AUDIT_MONTHS": "all"}
    with pytest.raises(ValueError, match="YYYY-MM"):  # they are written into SQL
        dbt_env(months=["2025-08'); drop table marts.x; --"])
    # Set for the dbt process a step starts, and put back as they were after it.
    monkeypatch.setenv("SAPNHAP_REPORT_MONTHS", "left in the shell")
    monkeypatch.setenv(WAREHOUSE_VARIABLE, "/left/in/the/shell.duckdb")
    monkeypatch.delenv("SAPNHAP_INPUT_MONTHS", raising=False)
    with dbt_environment(["2025-08"], None, warehouse=tmp_path / "w.duckdb"):
        assert os.environ["SAPNHAP_REPORT_MONTHS"] == "2025-08"
        assert os.environ["SAPNHAP_INPUT_MONTHS"] == "all"
        assert os.environ[WAREHOUSE_VARIABLE] == str((tmp_path / "w.duckdb").resolve())
    with dbt_environment():  # no file: none left from the shell either
        assert WAREHOUSE_VARIABLE not in os.environ
    assert os.environ["SAPNHAP_REPORT_MONTHS"] == "left in the shell"
    assert os.environ[WAREHOUSE_VARIABLE] == "/left/in/the/shell.duckdb"
    assert "SAPNHAP_INPUT_MONTHS" not in os.environ
    # A dbt process run_dbt starts: the same, from a copy of the environment.
    assert WAREHOUSE_VARIABLE not in dbt_process_env(os.environ)
    assert dbt_process_env(os.environ, warehouse=tmp_path / "w.duckdb")[WAREHOUSE_VARIABLE] == str(
        (tmp_path / "w.duckdb").resolve())


def test_the_dbt_project_is_split_around_the_monthly_marts():
    from dagster_project.assets.transform import sapnhap_dbt_by_month, sapnhap_dbt_models
    from dagster_project.definitions import defs

    upstream, downstream = (set(a.keys) for a in (sapnhap_dbt_models, sapnhap_dbt_by_month))
    monthly_models = MONTHLY | {AssetKey(["intermediate", "int_person_months_reconciled"])}
    assert monthly_models <= downstream
    rollups = downstream - monthly_models
    assert not upstream & downstream
    # ... and together they build every model and seed of the project.
    from dagster_project.assets.transform import translator
    from dagster_project.dbt_project import dbt_project

    nodes = json.loads(dbt_project.manifest_path.read_text())["nodes"].values()
    every = {translator.get_asset_key(n) for n in nodes if n["resource_type"] in ("model", "seed", "snapshot")}
    assert upstream | downstream == every
    # The monthly models and what reads them are partitioned, by month, in one step (one dbt
    # invocation), and a backfill of them is one run; what they read is not partitioned.
    assert isinstance(sapnhap_dbt_by_month.partitions_def, TimeWindowPartitionsDefinition)
    assert sapnhap_dbt_by_month.backfill_policy.max_partitions_per_run is None  # single run
    assert sapnhap_dbt_models.partitions_def is None
    graph = defs.resolve_asset_graph()

    def ancestors(key):
        return _ancestors(graph, key)

    # Nothing before the monthly models reads them; everything after does (directly or not).
    for key in upstream:
        assert not ancestors(key) & downstream, key
    for key in rollups:
        assert ancestors(key) & monthly_models, key
    # The rollups are rebuilt whole on a run of some months (and then published).
    assert upstream | downstream <= graph.get(AssetKey(["published", "warehouse"])).parent_keys
    # The rollups rewritten by month (tag by_month) are incremental, in the same step, and
    # publish copies them by month with the monthly marts; every other rollup is a table (a
    # view would be built whole for any month asked).
    from dagster_project.assets.transform import tables_by_report_month

    manifest = json.loads(dbt_project.manifest_path.read_text())
    by_month = {translator.get_asset_key(n) for n in manifest["nodes"].values()
                if n["resource_type"] == "model" and "by_month" in n["tags"]}
    assert {k.path[-1] for k in by_month} == {
        "fct_redeployment_suggestion", "fct_review_classification", "rpt_report_cohort", "rpt_report_units",
        "rpt_staffing_balance_commune", "rpt_staffing_balance_province", "rpt_staffing_balance_national",
        "rpt_report_balance", "rpt_report_review", "rpt_person_flows_province", "rpt_person_flows_national"}
    assert by_month <= rollups
    # The payment audit's rollups are rewritten by month too, for their own months (a
    # decision's month and every month after it), which publish finds by comparing rows.
    by_audit_month = {translator.get_asset_key(n) for n in manifest["nodes"].values()
                      if n["resource_type"] == "model" and "by_audit_month" in n["tags"]}
    assert {k.path[-1] for k in by_audit_month} == {
        "rpt_report_audit_decisions", "rpt_report_audit_detail", "rpt_report_audit_summary"}
    assert by_audit_month <= rollups
    materialized = {translator.get_asset_key(n): n["config"]["materialized"] for n in manifest["nodes"].values()
                    if n["resource_type"] == "model"}
    assert {k for k in rollups if materialized[k] == "incremental"} == by_month | by_audit_month
    assert {k for k in rollups if materialized[k] != "incremental"} <= {k for k, m in materialized.items() if m == "table"}
    published_by_month = {k for k in tables_by_report_month(manifest) if k[0] == "marts"}
    assert published_by_month == {tuple(k.path) for k in MONTHLY | by_month}
    # Each dbt test is a check of exactly one of them.
    checks = [{c.key for c in a.check_specs} for a in (sapnhap_dbt_models, sapnhap_dbt_by_month)]
    assert sum(len(c) for c in checks) == len(set().union(*checks))


def _ancestors(graph, key) -> set:
    seen, todo = set(), [key]
    while todo:
        for parent in graph.get(todo.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_the_build_job_is_partitioned_by_month_and_reports_stay_apart():
    from dagster_project.definitions import defs
    from dagster_project.jobs import MAIN_JOB, REPORT_JOB

    build = defs.resolve_job_def(MAIN_JOB)
    assert build.partitions_def is not None
    assert build.partitions_def.get_partition_keys()[0] == "2025-07"
    assert AssetKey(["reports", "monthly_report_pack"]) not in build.asset_layer.executable_asset_keys
    assert defs.resolve_job_def(REPORT_JOB).partitions_def == build.partitions_def


def test_a_build_plans_each_asset_outside_the_partitions_once():
    """Dagster plans each asset a run will materialize (one event each, 1-2 ms) and, for an
    asset partitioned by month, once per month of the run's range. It plans every asset
    once per month when it stores the range on the run, which it does when the last step by
    name is partitioned: 1,547 events at the start of every build instead of about 500."""
    from collections import Counter

    from dagster import DagsterInstance

    from dagster_project.assets.transform import sapnhap_dbt_by_month
    from dagster_project.definitions import defs
    from dagster_project.jobs import MAIN_JOB
    from dagster_project.partitions import full_build_tags

    job = defs.resolve_job_def(MAIN_JOB)
    with DagsterInstance.ephemeral() as instance:
        run = instance.create_run_for_job(job, tags=full_build_tags())
        planned = Counter(record.dagster_event.asset_key for record in instance.all_logs(run.run_id)
                          if record.dagster_event and record.dagster_event.event_type_value
                          == "ASSET_MATERIALIZATION_PLANNED")
    months = len(sapnhap_dbt_by_month.partitions_def.get_partition_keys())
    assert months > 1
    by_month = set(sapnhap_dbt_by_month.keys)
    assert {key: n for key, n in planned.items() if key in by_month} == {key: months for key in by_month}
    assert {n for key, n in planned.items() if key not in by_month} == {1}


def test_a_run_of_some_months_leaves_what_reads_neither_rosters_nor_decisions_nor_the_audit_log():
    """A run that rewrites some months has the units, the lineage, the reference data, the
    seeds and the code of the last finished build (else it is a full build): the models,
    seeds and tests that read nothing else are left as they are, but for the models a test
    reads together with a model built again (dbt would not run the test), and what reads them."""
    from dagster_project.assets.transform import unchanged_in_a_month_run, upstream_first
    from dagster_project.dbt_project import dbt_project

    manifest = json.loads(dbt_project.manifest_path.read_text())
    names = {manifest["nodes"][uid]["name"] for uid in unchanged_in_a_month_run(manifest)}
    # Seeds, the lineage, the dimensions, the tests of all of them.
    assert {"policy_base_salary", "delivery_statuses", "stg_deliveries__lineage", "dim_commune",
            "dim_district", "bridge_commune_lineage", "unique_dim_district_district_code",
            "unique_combination_stg_deliveries__units_period__unit_code"} <= names
    # What reads a roster, a decision or the ingest ledger, and a test reading the roster too.
    assert not {"stg_deliveries__personnel", "stg_deliveries__decisions", "stg_audit__ingest_ledger",
                "int_province_months_delivered", "fct_delivery_status", "int_roster_months_selected",
                "fct_policy_entitlement", "int_person_months_reconciled", "fct_policy_cohort",
                "relationships_stg_deliveries__personnel_unit_code__unit_code__ref_stg_deliveries__units_"} & names
    # The units (a roster row's unit is tested among them) and the provinces (a delivery
    # status's province), and the unit models that read the units.
    assert not {"stg_deliveries__units", "dim_province", "int_unit_lineage_resolved",
                "int_old_units_mapped", "int_new_units_located"} & names
    # No test left to run reads a model left as it is.
    tests = [uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "test"]
    unchanged = unchanged_in_a_month_run(manifest)
    assert not [uid for uid in tests if uid not in unchanged
                and set(manifest["parent_map"][uid]) & unchanged]
    # Given to Dagster each after what it reads.
    order = upstream_first(manifest, unchanged)
    assert sorted(order) == sorted(unchanged)
    position = {uid: i for i, uid in enumerate(order)}
    pairs = [(p, uid) for uid in order for p in manifest["parent_map"][uid] if p in unchanged]
    assert len(pairs) > 50 and all(position[p] < position[uid] for p, uid in pairs)


def test_a_run_of_a_few_roster_rows_runs_two_dbt_nodes_at_once_and_any_other_one():
    """An added month at national scale (it and the delivery window before it: 1.2 million
    roster rows) runs two dbt nodes at a time, and so does a full build of a small set (the
    demo set: 590,000 rows); a run of more rows, a full build at national scale included, the
    profile's one (a full build with two ran out of memory: dbt/profiles.yml)."""
    from dagster_project.assets.transform import threads_args

    for rows in (0, 315_041, 591_628, 1_243_394, 1_300_000):
        assert threads_args(rows) == ["--threads", "2"], rows
    for rows in (1_300_001, 7_319_413):
        assert threads_args(rows) == [], rows


def test_a_run_counts_the_roster_rows_of_its_months(tmp_path):
    from dagster_project.assets.transform import roster_rows_in

    working = tmp_path / "w.duckdb"
    con = duckdb.connect(str(working))
    con.execute("create schema raw")
    con.execute("create table raw.personnel as select * from (values (date '2026-06-30'), "
                "(date '2026-07-01'), (date '2026-07-31'), (date '2026-08-15'), (date '2026-09-01'), "
                "(date '2026-10-31'), (date '2026-11-01')) t (snapshot_date)")
    con.close()
    assert roster_rows_in(working, ["2026-07"]) == 2
    assert roster_rows_in(working, ["2026-07", "2026-08", "2026-10"]) == 4
    assert roster_rows_in(working, []) == 0
    assert roster_rows_in(working, None) == 7
