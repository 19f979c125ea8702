"""A build computes again only the months whose inputs changed (the month, and the months
that read it), and ends with the warehouse a full build makes from the same files.

Both start from a copy of the e2e run (a full `sapnhap run` on 04 and the merged 37, July to
October 2025) whose rows of some months are made wrong, as an earlier build would have left
them: the build must find those months from its inputs and set them right.
"""

import json
import shutil

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance

from dagster_project.dbt_project import run_dbt
from dagster_project.warehouse.changed_months import STATE_FILE
from dagster_project.warehouse.publish import remember
from tests.e2e.conftest import dbt_invocations, table_differences

pytestmark = pytest.mark.e2e

NUMBER_MARK = 1_000_000_000  # added to a count where a table has no text column to mark
# The tables rewritten month by month, with a column to mark and no test on the mark.
BY_MONTH = {
    "intermediate.int_person_months_reconciled": "decision_no = coalesce(decision_no, '') || '#stamp'",
    "marts.fct_staffing_balance": "unit_name = unit_name || ' #stamp'",
    "marts.fct_policy_cohort": "unit_code = coalesce(unit_code, '') || '#stamp'",
    "marts.fct_review_classification": "unit_kind = coalesce(unit_kind, '') || '#stamp'",
    "marts.fct_redeployment_suggestion": "field = coalesce(field, '') || '#stamp'",
    "marts.rpt_report_cohort": "row_label_vi = row_label_vi || ' #stamp'",
    "marts.rpt_report_units": "unit_name = coalesce(unit_name, '') || ' #stamp'",
    "marts.rpt_staffing_balance_commune": "commune_type = coalesce(commune_type, '') || ' #stamp'",
    "marts.rpt_staffing_balance_province": "delivery_status = delivery_status || ' #stamp'",
    "marts.rpt_staffing_balance_national": "provinces_not_delivered = coalesce(provinces_not_delivered, '') || ' #stamp'",
    "marts.rpt_report_balance": "row_label_vi = row_label_vi || ' #stamp'",
    "marts.rpt_report_review": "row_label_vi = coalesce(row_label_vi, '') || ' #stamp'",
    "marts.rpt_person_flows_province": "delivery_status = delivery_status || ' #stamp'",
    "marts.rpt_person_flows_national": f"persons_now = persons_now + {NUMBER_MARK}",
}
# The payment audit's rollups: rewritten by month for their own months (from the first month of
# a decision whose entitlement changed).
AUDIT_BY_MONTH = {
    "marts.rpt_report_audit_decisions": "decree = coalesce(decree, '') || '#stamp'",
    "marts.rpt_report_audit_detail": "row_label_vi = coalesce(row_label_vi, '') || ' #stamp'",
    "marts.rpt_report_audit_summary": "label_en = coalesce(label_en, '') || ' #stamp'",
}
STAMPS = {**BY_MONTH, **AUDIT_BY_MONTH}
# The rollups among them: rewritten by month with the monthly marts.
ROLLUPS_BY_MONTH = [t for t in BY_MONTH if t.startswith("marts.") and t.split(".")[1] not in (
    "fct_staffing_balance", "fct_policy_cohort")]


def _spoil(working, month: str, since: str = "2025-01", only: list[str] | None = None,
           stamps: dict[str, str] = BY_MONTH) -> dict[str, int]:
    """Mark every row from `since` on in the tables rewritten by month (`stamps`, `only` those)
    and drop a third of `month`'s; returns the rows marked in the other months."""
    con = duckdb.connect(str(working))
    tables = {s for (s,) in con.execute(
        "select schema_name || '.' || table_name from duckdb_tables()").fetchall()}
    try:
        for table, stamp in stamps.items():
            if table not in tables or (only is not None and table not in only):
                continue
            con.execute(f"update {table} set {stamp} where report_month >= date '{since}-01'")
            con.execute(f"delete from {table} where report_month = date '{month}-01' and hash(rowid) % 3 = 0")
        return {t: con.execute(f"select count(*) from {t} where report_month <> date '{month}-01'").fetchone()[0]
                for t in stamps if t in tables and (only is None or t in only)}
    finally:
        con.close()


def _marked(table: str) -> str:
    """SQL: the row carries the mark `_spoil` gave it."""
    column, value = STAMPS[table].split(" = ", 1)
    return f"{column} >= {NUMBER_MARK}" if "+" in value else f"{column} like '%#stamp'"


def _build_in_process(keys=None, logs: list | None = None) -> tuple[bool, list[str]]:
    """The dbt steps of a run of every month, publish and the last step (which records the
    inputs): ingest and the suites have nothing to do here; or the assets `keys`. (success,
    the run's log)"""
    from dagster_project.assets.publish import dbt_docs, published_warehouse
    from dagster_project.assets.transform import assets as dbt_assets
    from dagster_project.definitions import defs
    from dagster_project.jobs import MAIN_JOB
    from dagster_project.partitions import full_build_tags

    if keys is None:
        keys = {k for a in dbt_assets for k in a.keys} | set(published_warehouse.keys) | set(dbt_docs.keys)
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(MAIN_JOB).execute_in_process(
            instance=instance, asset_selection=sorted(keys), tags=full_build_tags(),
            raise_on_error=False)
        entries = instance.all_logs(result.run_id)
        said = [e.user_message for e in entries]
    if logs is not None:  # every event of the run, in order
        logs.extend(entries)
    return result.success, said


# October's inputs changed in both: with August's delivery status (the monthly rewrite starts
# in August, and so does the payment audit, which is not announced apart), and with only the
# entitlement of a decision of August (the monthly rewrite starts in October, the payment audit
# in August, announced apart). A case with nothing else changed checked nothing these two do
# not, at half a minute of every `make test`.
@pytest.mark.parametrize("changed_status, monthly_from, changed_entitlement, audit_from", [
    ("2025-08", "2025-08", None, "2025-08"),
    (None, "2025-10", "2025-08", "2025-08"),
], ids=["august_status_changed", "august_decision_changed"])
def test_a_changed_month_is_computed_again_and_the_warehouse_equals_a_full_build(
        e2e_run, run_copy, changed_status, monthly_from, changed_entitlement, audit_from):
    settings = run_copy
    # As if October's rosters had been different when the warehouse was last built: the
    # inputs it was built from say so. The plan goes back the delivery window (3 months, from
    # July); the person months, the monthly marts and the rollups are rewritten from the first
    # month whose inputs or delivery status changed: October when no status changed, August
    # when August's had.
    state_file = settings.build_dir / STATE_FILE
    state = json.loads(state_file.read_text())
    assert "2025-10" in state["inputs"] and "2025-08" in state["statuses"]
    state["inputs"]["2025-10"] = "an earlier October"
    if changed_status:
        state["statuses"][changed_status] = "an earlier status"
    # A decision dated in August had another entitlement (a payment corrected since): the
    # payment audit of every month from August on lists it.
    if changed_entitlement:
        assert changed_entitlement in state["entitlements"]
        state["entitlements"][changed_entitlement] = "an earlier entitlement"
    state_file.write_text(json.dumps(state))
    # The rows of the months the build must compute again are marked, October's partly gone.
    for path in (settings.working_path, settings.published_path):  # published from it
        _spoil(path, "2025-10", since=monthly_from)
        _spoil(path, "2025-10", since=audit_from, stamps=AUDIT_BY_MONTH)
    remember(settings.build_dir, settings.published_path)  # ... by the last publish

    before = set(dbt_invocations(settings.dbt_target_dir))
    success, said = _build_in_process()
    assert success, said
    # A small run of some months runs two dbt nodes at once (a full build one: test_pipeline.py).
    calls = [c for i, c in dbt_invocations(settings.dbt_target_dir).items() if i not in before]
    assert len(calls) == 2 and all(c.threads == 2 for c in calls) and any(c.overlapped for c in calls), calls
    # To the last month with an input (decisions leave later than the rosters end).
    planned = [m for m in said if "Computing again the months " in m]
    assert planned[0].startswith("Computing again the months 2025-07 to "), planned
    assert planned[-1].startswith(f"Computing again the months {monthly_from} to "), planned
    assert len(planned) == 3 and planned[1].startswith(
        f"The person months, the monthly marts and the rollups: {planned[2]}"), planned
    audit = [m for m in said if m.startswith("The payment audit: ")]
    if audit_from != monthly_from:  # said only when they are not the plan's months
        last = planned[-1].split(" to ")[1].split(" ")[0]
        assert len(audit) == 1 and audit[0].startswith(
            f"The payment audit: the months {audit_from} to {last} "), said
    else:
        assert audit == [], said
    differences = table_differences(settings.working_path, e2e_run.settings.working_path)
    assert all(differences[t][0] > 0 for t in STAMPS)
    assert {t: d[1:] for t, d in differences.items()} == {t: (0, 0) for t in differences}
    # Publish copied the months computed again into the published file, and every other table.
    published = table_differences(settings.published_path, e2e_run.settings.published_path,
                             ("marts", "rules", "audit"))
    assert published["marts.fct_policy_cohort"][0] > 0
    assert {t: d[1:] for t, d in published.items()} == {t: (0, 0) for t in published}
    assert any("Published the rows of " in m for m in said), said
    # Its inputs and statuses are what the next build compares with.
    state = json.loads(state_file.read_text())
    assert state["inputs"]["2025-10"] != "an earlier October"
    assert "an earlier status" not in state["statuses"].values()
    assert "an earlier entitlement" not in state["entitlements"].values()


def _first_day_of_october(con) -> None:
    """Two real changes of the inputs, made where ingest would have put them, for two civil
    servants on September's roster (Ninh Bình, 37, merged; Cao Bằng sent none): the first
    leaves on 1 October by a new decision, the second has a roster row dated 1 October with
    another salary."""
    people = con.execute(
        "select national_id, snapshot_date from raw.personnel "
        "where snapshot_date = (select max(snapshot_date) from raw.personnel "
        "  where snapshot_date between date '2025-09-01' and date '2025-09-30') "
        "and national_id not in (select national_id from raw.decisions) "
        "and staff_category = 'civil_servant' order by national_id limit 2").fetchall()
    (leaver, _), (other, snapshot) = people
    con.execute(
        "insert into raw.decisions select * replace (? as national_id, 'TEST-1/QĐ-UBND' as "
        "decision_no, date '2025-09-20' as decision_date, date '2025-10-01' as leave_date, "
        "null as amount_paid_vnd, null as paid_date, 1000000 + source_row as source_row) "
        "from raw.decisions where voluntary order by decision_no limit 1", [leaver])
    con.execute(
        "insert into raw.personnel select * replace (date '2025-10-01' as snapshot_date, "
        "salary_coefficient + 0.66 as salary_coefficient, 1000000 + source_row as source_row) "
        "from raw.personnel where national_id = ? and snapshot_date = ?", [other, snapshot])


def test_the_first_day_of_a_month_is_read_by_the_month_before(e2e_run, run_copy, tmp_path,
                                                              monkeypatch):
    """September's cohort would leave on 1 October, computed from the roster row dated on or
    before that day: a decision leaving on 1 October, and a roster row dated that day, each
    change September (one build with both, for two people: a full build costs a minute). The
    build after them computes again from September (not from October, as for any other change
    of October) and ends with what a full build makes of the same inputs."""
    settings = run_copy
    con = duckdb.connect(str(settings.working_path))
    try:
        _first_day_of_october(con)
    finally:
        con.close()
    full = tmp_path / "full"
    shutil.copytree(settings.data_dir, full)
    (full / settings.build_dir.relative_to(settings.data_dir) / STATE_FILE).unlink()

    success, said = _build_in_process()
    assert success, said
    monkeypatch.setenv("SAPNHAP_DATA_DIR", str(full))
    success, full_said = _build_in_process()
    assert success, full_said
    assert "Every month is computed (a full build)" in full_said, full_said

    differences = table_differences(settings.working_path, full / settings.working_path.relative_to(settings.data_dir))
    assert {t: d[1:] for t, d in differences.items()} == {t: (0, 0) for t in differences}
    assert "The person months, the monthly marts and the rollups: Computing again the months 2025-09 to " in (
        " ".join(said)), said
    # And each change was one: September's cohort is not what the first build made of it, for
    # the person leaving by the new decision and for the person with the new roster row.
    con = duckdb.connect()
    try:
        con.execute(f"attach '{settings.working_path}' as now (read_only)")
        con.execute(f"attach '{e2e_run.settings.working_path}' as before (read_only)")
        september = "from {}.marts.fct_policy_cohort where report_month = date '2025-09-01'"
        changed = {key for (key,) in con.execute(
            f"select person_key from ({september.format('now')} except all {september.format('before')}) "
            f"union select person_key from ({september.format('before')} except all "
            f"{september.format('now')})").fetchall()}
        (leaver,), = con.execute("select person_key from now.marts.fct_policy_entitlement "
                                 "where decision_no = 'TEST-1/QĐ-UBND'").fetchall()
        first_of_october = ("select person_key from {}.intermediate.int_roster_snapshots_deduplicated "
                            "where snapshot_date = date '2025-10-01'")
        (other,), = con.execute(f"{first_of_october.format('now')} except "
                                f"{first_of_october.format('before')}").fetchall()
        assert leaver != other
        assert {leaver, other} <= changed, (leaver, other, len(changed))
    finally:
        con.close()


def test_a_run_without_the_delivery_statuses_keeps_the_whole_window(e2e_run, run_copy):
    """Materialized without the delivery statuses (the UI lets an operator pick models), the
    person months read the statuses the last build left: nothing says which months they
    change, so the plan keeps the margin and no statuses are recorded for the next run to
    compare with."""
    from dagster_project.assets.transform import (
        DELIVERY_STATUSES,
        sapnhap_dbt_by_month,
        sapnhap_dbt_models,
    )
    from dagster_project.warehouse.changed_months import PLAN_FILE

    settings = run_copy
    state_file = settings.build_dir / STATE_FILE
    state = json.loads(state_file.read_text())
    state["inputs"]["2025-10"] = "an earlier October"
    state_file.write_text(json.dumps(state))
    person_months = AssetKey(["intermediate", "int_person_months_reconciled"])
    roster_months = AssetKey(["intermediate", "int_roster_months_selected"])
    assert {roster_months, DELIVERY_STATUSES} <= set(sapnhap_dbt_models.keys)
    assert person_months in sapnhap_dbt_by_month.keys

    success, said = _build_in_process([roster_months, person_months])
    assert success, said
    planned = [m for m in said if "Computing again the months " in m]
    assert len(planned) == 2 and all(m.startswith("Computing again the months 2025-07 to ") for m in planned), said
    plan = json.loads((settings.build_dir / PLAN_FILE).read_text())
    assert plan["months"][0] == "2025-07" and "statuses" not in plan


@pytest.mark.parametrize("changed, left", [("2025-10", True), ("*", False)], ids=["october", "units"])
def test_what_a_run_of_some_months_cannot_change_is_left_as_it_is(e2e_run, run_copy, changed, left, caplog):
    """A run that rewrites some months leaves the models that read neither rosters, nor
    decisions, nor the audit log (units, lineage, dimensions, seeds) as the last finished
    build made them, and says so; a run after a change of anything else builds them again.
    Their blocking tests are not run either: each is recorded as passed (the last finished
    build passed it), so Dagster does not warn on the console about a check without a result."""
    settings = run_copy
    state_file = settings.build_dir / STATE_FILE
    state = json.loads(state_file.read_text())
    state["inputs"][changed] = "an earlier input"
    state_file.write_text(json.dumps(state))
    con = duckdb.connect(str(settings.working_path))
    try:
        con.execute("update marts.dim_commune set commune_name = commune_name || ' #stamp'")
    finally:
        con.close()

    before = set(dbt_invocations(settings.dbt_target_dir))
    logs: list = []
    success, said = _build_in_process(logs=logs)
    assert success, said
    assert not [r.getMessage() for r in caplog.records if "emitted no result" in r.getMessage()]
    # A check recorded without running comes after its model's materialization in the run (a
    # model built again included): it is the check of that materialization.
    events = [e.dagster_event for e in logs if e.dagster_event]
    materialized = {e.asset_key: i for i, e in enumerate(events) if e.is_step_materialization}
    not_run = [(i, e.event_specific_data.asset_key) for i, e in enumerate(events)
               if e.event_type_value == "ASSET_CHECK_EVALUATION"
               and e.event_specific_data.metadata.get("rebuilt") is not None]
    assert bool(not_run) == left
    assert all(materialized[key] < i for i, key in not_run)
    # A test reading a model left as it is and one built again runs (dbt leaves out the tests
    # of a model it excludes): a roster row's unit among the units, a status's province.
    assert {"relationships_stg_deliveries__personnel_unit_code__unit_code__ref_stg_deliveries__units_",
            "relationships_fct_delivery_status_province_code__province_code__ref_dim_province_",
            } <= {t for i, c in dbt_invocations(settings.dbt_target_dir).items() if i not in before for t in c.tests}
    con = duckdb.connect(str(settings.working_path), read_only=True)
    try:
        stamped = con.execute("select count(*) from marts.dim_commune "
                              "where commune_name like '% #stamp'").fetchone()[0]
    finally:
        con.close()
    assert (stamped > 0) == left
    assert any(m.startswith("Left as the last finished build made them") for m in said) == left, said


@pytest.mark.parametrize("select, tables", [
    ("int_person_months_reconciled", ["intermediate.int_person_months_reconciled"]),
    ("tag:by_month", ROLLUPS_BY_MONTH),
    ("tag:by_audit_month", list(AUDIT_BY_MONTH)),
], ids=["person_months", "rollups", "audit"])
def test_the_rows_of_a_month_are_computed_again_and_no_other(e2e_run, run_copy, select, tables):
    settings = run_copy
    # Their inputs as a full build left them; their own rows marked, August's partly gone.
    stamped = _spoil(settings.working_path, "2025-08", only=tables, stamps=STAMPS)
    run_dbt(["run", "--select", select], warehouse=settings.working_path,
            months=["2025-08"], audit_months=["2025-08"], capture_output=True)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{settings.working_path}' as partial (read_only)")
        con.execute(f"attach '{e2e_run.settings.working_path}' as full_build (read_only)")
        august = "report_month = date '2025-08-01'"
        for table in tables:
            kept = con.execute(f"select count(*) from partial.{table} where not ({august}) "
                               f"and {_marked(table)}").fetchone()[0]
            others = con.execute(f"select count(*) from partial.{table} where not ({august})").fetchone()[0]
            assert kept == others == stamped[table] > 0, table
            assert con.execute(f"select count(*) from partial.{table} where {august}").fetchone()[0] > 0, table
            for a, b in (("partial", "full_build"), ("full_build", "partial")):
                assert con.execute(f"select count(*) from (from {a}.{table} where {august} "
                                   f"except all from {b}.{table} where {august})").fetchone()[0] == 0, table
    finally:
        con.close()


def test_decisions_are_computed_again_from_the_first_month_whose_inputs_changed(e2e_run, run_copy):
    """A decision's entitlement reads the roster rows on or before its leave date: a run whose
    first changed month is M computes again the decisions leaving in M or later, as a full
    build does, and leaves the others as the last build made them."""
    settings = run_copy
    con = duckdb.connect(str(settings.working_path))
    try:
        months = [m for (m,) in con.execute(
            "select distinct strftime(leave_date, '%Y-%m') from marts.fct_policy_entitlement "
            "where leave_date >= date '2025-07-01' order by 1").fetchall()]
        assert len(months) >= 2, months
        first = months[len(months) // 2]
        since = f"leave_date >= date '{first}-01'"
        con.execute("update marts.fct_policy_entitlement set decree = decree || '#stamp'")
        con.execute(f"delete from marts.fct_policy_entitlement where {since} and hash(rowid) % 3 = 0")
        before = con.execute(f"select count(*) from marts.fct_policy_entitlement where not ({since})").fetchone()[0]
    finally:
        con.close()
    run_dbt(["run", "--select", "fct_policy_entitlement"], warehouse=settings.working_path,
            input_months=[months[-1], first], capture_output=True)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{settings.working_path}' as partial (read_only)")
        con.execute(f"attach '{e2e_run.settings.working_path}' as full_build (read_only)")
        table = "marts.fct_policy_entitlement"
        kept = con.execute(f"select count(*) from partial.{table} where not ({since}) "
                           "and decree like '%#stamp'").fetchone()[0]
        assert kept == before > 0
        assert con.execute(f"select count(*) from partial.{table} where {since}").fetchone()[0] > 0
        for a, b in (("partial", "full_build"), ("full_build", "partial")):
            assert con.execute(f"select count(*) from (from {a}.{table} where {since} "
                               f"except all from {b}.{table} where {since})").fetchone()[0] == 0
    finally:
        con.close()
