"""Which months a build computes again (dagster_project/warehouse/changed_months.py): the
fingerprints of a build's inputs, the months they make a run rewrite, and the plan a run
keeps for its later steps."""

import json

import duckdb
import pytest

from dagster_project.warehouse import changed_months
from dagster_project.warehouse.changed_months import (
    EVERYTHING_ELSE,
    input_fingerprints,
    months_to_rewrite,
)

BEFORE = {EVERYTHING_ELSE: "units:a", "2025-06": "pre", "2025-07": "a", "2025-08": "b",
          "2025-09": "c", "2025-10": "d", "2025-11": "e", "2025-12": "f"}


def test_nothing_changed_rewrites_no_month():
    assert months_to_rewrite(BEFORE, dict(BEFORE), 3) == []
    assert changed_months.changed(BEFORE, dict(BEFORE)) == []


def test_the_roster_rows_are_rewritten_for_the_changed_months_only():
    now = {**BEFORE, "2025-09": "c2", "2026-01": "g"}
    assert changed_months.changed(BEFORE, now) == ["2025-09", "2026-01"]
    assert changed_months.changed(None, now) is None
    assert changed_months.changed(BEFORE, {**now, "2025-06": "pre2"}) is None


def test_an_added_month_rewrites_it_and_the_months_that_read_it():
    now = {**BEFORE, "2026-01": "g"}
    assert months_to_rewrite(BEFORE, now, 3) == ["2025-10", "2025-11", "2025-12", "2026-01"]
    assert months_to_rewrite(BEFORE, now, 1) == ["2025-12", "2026-01"]


def test_a_corrected_old_month_rewrites_every_month_after_it():
    now = {**BEFORE, "2025-09": "c2"}
    assert months_to_rewrite(BEFORE, now, 1) == ["2025-08", "2025-09", "2025-10", "2025-11", "2025-12"]
    # Back before the merger: the policy cohort has pre-merger months, and June's reads July.
    now = {**BEFORE, "2025-07": "a2"}
    assert months_to_rewrite(BEFORE, now, 1)[:2] == ["2025-06", "2025-07"]


def test_a_month_gone_is_rewritten_too():
    now = {k: v for k, v in BEFORE.items() if k != "2025-12"}
    assert months_to_rewrite(BEFORE, now, 1) == ["2025-11", "2025-12"]


@pytest.mark.parametrize("now", [
    {**BEFORE, EVERYTHING_ELSE: "units:b"},  # units, lineage, decisions, code
    {**BEFORE, "2025-06": "pre2"},  # a pre-merger roster: every later month reads it
])
def test_a_change_outside_the_monthly_rosters_is_a_full_build(now):
    assert months_to_rewrite(BEFORE, now, 3) is None


def test_without_a_finished_build_everything_is_built():
    assert months_to_rewrite(None, BEFORE, 3) is None


def test_the_margin_is_the_delivery_window_of_the_seed(tmp_path, monkeypatch):
    seed = tmp_path / "delivery_expectations.csv"
    seed.write_text("parameter,value,source,note\nincomplete_below_share,0.8,x,y\n"
                    "reference_window_months,5,x,y\n", encoding="utf-8")
    monkeypatch.setattr(changed_months, "WINDOW_SEED", seed)
    assert changed_months.margin() == 5
    seed.write_text("parameter,value,source,note\nreference_window_months,0,x,y\n", encoding="utf-8")
    assert changed_months.margin() == 0


ROSTER = [  # snapshot, national id, salary, source file, source row
    ("2025-08-31", "001", 2.34, "personnel/37/roster_2025.parquet", 1),
    ("2025-08-31", "002", 3.00, "personnel/37/roster_2025.parquet", 2),
    ("2025-09-30", "001", 2.34, "personnel/37/roster_2025.parquet", 3),
    ("2025-09-30", "002", 3.00, "personnel/37/roster_2025.parquet", 4),
]


def _warehouse(path, roster, ledger=(), units=(("U1", "01"),), decisions=()):
    con = duckdb.connect(str(path))
    con.execute("create schema raw; create schema audit")
    con.execute("create table raw.personnel (snapshot_date date, national_id varchar, "
                "salary_coefficient double, unit_code varchar, source_file varchar, source_sheet varchar, "
                "source_row bigint, source_hash varchar)")
    # A roster row is (snapshot_date, national_id, salary_coefficient, source_file, source_row
    # [, unit_code]): in unit U1 unless it says.
    con.executemany("insert into raw.personnel values (?, ?, ?, ?, ?, null, ?, ?)",
                    [(*row[:3], row[5] if len(row) > 5 else "U1", *row[3:5], f"hash of {row[3]}")
                     for row in roster])
    con.execute("create table raw.units (unit_code varchar, province_code varchar, source_file varchar)")
    con.executemany("insert into raw.units values (?, ?, 'units/u.csv')", list(units))
    con.execute("create table raw.decisions (national_id varchar, leave_date date, source_file varchar)")
    for national_id, leave_date in decisions:
        con.execute("insert into raw.decisions values (?, ?, 'decisions/d.csv')", [national_id, leave_date])
    con.execute("create table raw.ingest_basis (table_name varchar, basis varchar)")
    con.execute("create table audit.ingest_ledger (table_name varchar, file varchar, status varchar, "
                "snapshot_dates varchar, province_codes varchar, message varchar, is_current boolean)")
    if ledger:
        con.executemany("insert into audit.ingest_ledger values ('personnel', ?, ?, ?, ?, ?, true)", list(ledger))
    return con


def _fingerprints(tmp_path, name, roster, **kwargs):
    con = _warehouse(tmp_path / f"{name}.duckdb", roster, **kwargs)
    try:
        return input_fingerprints(con)
    finally:
        con.close()


def test_rows_moved_to_another_file_change_no_month(tmp_path):
    before = _fingerprints(tmp_path, "a", ROSTER)
    moved = [(d, i, s, "personnel/37/roster_2025 (ban moi).parquet", n + 10) for d, i, s, _, n in ROSTER]
    assert _fingerprints(tmp_path, "b", moved) == before
    assert sorted(before) == [EVERYTHING_ELSE, "2025-08", "2025-09"]


def test_a_changed_row_changes_its_month_only(tmp_path):
    before = _fingerprints(tmp_path, "a", ROSTER)
    corrected = [ROSTER[0], (ROSTER[1][0], "002", 3.33, *ROSTER[1][3:]), *ROSTER[2:]]
    now = _fingerprints(tmp_path, "b", corrected)
    assert {k for k in before if before[k] != now[k]} == {"2025-08"}
    added = [*ROSTER, ("2025-10-31", "001", 2.34, "personnel/37/roster_2025.parquet", 5)]
    now = _fingerprints(tmp_path, "c", added)
    assert {k for k in now if before.get(k) != now[k]} == {"2025-10"}


def test_a_rejected_roster_file_changes_its_month_and_a_skipped_sheet_nothing(tmp_path):
    before = _fingerprints(tmp_path, "a", ROSTER)
    rejected = [("personnel/36/roster_2025-09-28.csv", "rejected", "2025-09-28", "36", "missing column")]
    now = _fingerprints(tmp_path, "b", ROSTER, ledger=rejected)
    assert {k for k in before if before[k] != now[k]} == {"2025-09"}
    # A workbook's instructions sheet, skipped, says nothing about any month.
    skipped = [("personnel/36/roster_2025_Q4.xlsx", "skipped", None, None, "no recognised header")]
    assert _fingerprints(tmp_path, "c", ROSTER, ledger=skipped) == before


def test_a_decision_changes_its_leave_month(tmp_path):
    before = _fingerprints(tmp_path, "a", ROSTER)
    now = _fingerprints(tmp_path, "b", ROSTER, decisions=[("001", "2025-10-15")])
    assert {k for k in now if before.get(k) != now[k]} == {"2025-10"}
    assert months_to_rewrite(before, now, 1) == ["2025-09", "2025-10"]
    undated = _fingerprints(tmp_path, "c", ROSTER, decisions=[("001", None)])
    assert {k for k in undated if before.get(k) != undated[k]} == {EVERYTHING_ELSE}


@pytest.mark.parametrize("decisions, roster", [
    ([("001", "2025-10-01")], ROSTER),  # leaves on 1 October: out of September's cohort
    ([], [*ROSTER, ("2025-10-01", "002", 3.10, "personnel/37/roster_2025.parquet", 5)]),
], ids=["decision", "roster_row"])
def test_the_first_day_of_a_month_changes_the_month_before_too(tmp_path, decisions, roster):
    """September's cohort would leave on 1 October, from the roster row dated on or before
    that day: a decision leaving on 1 October or a roster row dated that day changes it."""
    before = _fingerprints(tmp_path, "a", ROSTER)
    now = _fingerprints(tmp_path, "b", roster, decisions=decisions)
    assert {k for k in now if before.get(k) != now[k]} == {"2025-09", "2025-10"}
    # The last day of September, or the second of October, changes its own month only.
    later = [(n, "2025-10-02") for n, _ in decisions]
    rows = [(("2025-09-30" if d == "2025-10-01" else d), *rest) for d, *rest in roster[4:]]
    now = _fingerprints(tmp_path, "c", [*ROSTER, *rows], decisions=later)
    assert {k for k in now if before.get(k) != now[k]} == {"2025-10" if decisions else "2025-09"}


def test_another_table_changes_everything(tmp_path):
    before = _fingerprints(tmp_path, "a", ROSTER)
    now = _fingerprints(tmp_path, "b", ROSTER, units=(("U1", "02"),))
    assert {k for k in before if before[k] != now[k]} == {EVERYTHING_ELSE}


def test_the_first_roster_of_a_province_changes_everything(tmp_path):
    # Its earlier months were `never_delivered` and are `not_delivered` now, and it joins every
    # month's reports: not only the month of the new roster.
    units = (("U1", "01"), ("U2", "02"))
    before = _fingerprints(tmp_path, "a", ROSTER, units=units)
    first = [*ROSTER, ("2025-10-31", "007", 2.34, "personnel/02/roster_2025-10-31.csv", 2, "U2")]
    now = _fingerprints(tmp_path, "b", first, units=units)
    assert {k for k in now if before.get(k) != now[k]} == {EVERYTHING_ELSE, "2025-10"}
    assert months_to_rewrite(before, now, 3) is None
    # A further roster of a province that has one changes its month only.
    again = [*ROSTER, ("2025-10-31", "007", 2.34, "personnel/01/roster_2025-10-31.csv", 2, "U1")]
    now = _fingerprints(tmp_path, "c", again, units=units)
    assert {k for k in now if before.get(k) != now[k]} == {"2025-10"}


def test_a_plan_belongs_to_its_run_and_is_recorded_by_it_only(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    con = _warehouse(tmp_path / "w.duckdb", ROSTER)
    try:
        assert changed_months.plan(con, build, "run-1") == changed_months.FULL  # nothing built yet
        assert changed_months.planned(build, "run-1") == changed_months.FULL
        assert changed_months.planned(build, "run-2") is None
        assert not changed_months.record(build, "run-2")
        assert not (build / changed_months.STATE_FILE).exists()
        assert changed_months.record(build, "run-1")
        assert changed_months.plan(con, build, "run-3") == changed_months.Plan([], [])  # the same inputs
        assert changed_months.record(build, "run-3")
        con.execute("insert into raw.personnel values "
                    "('2025-10-31', '001', 2.34, 'U1', 'personnel/37/roster_2025.parquet', null, 5, 'h')")
        expected = changed_months.Plan(["2025-07", "2025-08", "2025-09", "2025-10"], ["2025-10"])
        assert changed_months.plan(con, build, "run-4") == expected
        # A run that failed records nothing; it may have rewritten its months before it
        # stopped, so the next run compares with nothing and computes everything, even when
        # its own inputs are those of the last finished build again (October taken out).
        state = json.loads((build / changed_months.STATE_FILE).read_text())
        assert "2025-10" not in state["inputs"]
        con.execute("delete from raw.personnel where snapshot_date = '2025-10-31'")
        assert changed_months.plan(con, build, "run-5") == changed_months.FULL
        assert changed_months.record(build, "run-5")
        assert changed_months.plan(con, build, "run-6") == changed_months.Plan([], [])
    finally:
        con.close()


def test_months_a_run_also_asked_for_widen_its_plan_for_the_later_steps(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    con = _warehouse(tmp_path / "w.duckdb", ROSTER)
    try:
        changed_months.plan(con, build, "run-1")
        changed_months.record(build, "run-1")
        assert changed_months.plan(con, build, "run-2") == changed_months.Plan([], [])
        changed_months.widen(build, "run-3", ["2025-09"])  # another run's plan is left alone
        assert changed_months.planned(build, "run-2") == changed_months.Plan([], [])
        changed_months.widen(build, "run-2", ["2025-09"])
        assert changed_months.planned(build, "run-2") == changed_months.Plan(["2025-09"], [])
        assert changed_months.record(build, "run-2")  # the inputs are still recorded
    finally:
        con.close()


STATUSES = {"2025-07": "s7", "2025-08": "s8", "2025-09": "s9", "2025-10": "s10"}
MARGIN = ["2025-08", "2025-09", "2025-10", "2025-11"]  # November added, 3 months back


def test_an_added_month_whose_neighbours_keep_their_statuses_rewrites_it_alone():
    now = {**STATUSES, "2025-11": "s11"}
    assert changed_months.narrowed(MARGIN, ["2025-11"], STATUSES, now) == ["2025-11"]
    # The month before changed too (a decision leaving on 1 November): from it.
    assert changed_months.narrowed(MARGIN, ["2025-10", "2025-11"], STATUSES, now) == ["2025-10", "2025-11"]


def test_a_changed_status_in_the_margin_keeps_the_months_from_it():
    now = {**STATUSES, "2025-08": "s8 incomplete", "2025-11": "s11"}
    assert changed_months.narrowed(MARGIN, ["2025-11"], STATUSES, now) == MARGIN
    now = {**STATUSES, "2025-10": "s10 incomplete", "2025-11": "s11"}
    assert changed_months.narrowed(MARGIN, ["2025-11"], STATUSES, now) == ["2025-10", "2025-11"]
    # A month whose status is gone counts as changed too.
    now = {k: v for k, v in STATUSES.items() if k != "2025-09"} | {"2025-11": "s11"}
    assert changed_months.narrowed(MARGIN, ["2025-11"], STATUSES, now) == MARGIN[1:]


@pytest.mark.parametrize("months, inputs, before", [
    (None, None, STATUSES),  # a full build
    ([], [], STATUSES),  # nothing changed
    (MARGIN, ["2025-11"], None),  # no statuses recorded (a build of an earlier version)
])
def test_without_statuses_to_compare_or_months_to_narrow_the_plan_is_kept(months, inputs, before):
    assert changed_months.narrowed(months, inputs, before, {**STATUSES, "2025-11": "s11"}) == months


def test_the_models_rewritten_by_month_read_no_reference_headcount():
    """The narrowing leaves out the reference headcount (the median of the months around, which
    an added month moves): no model between the delivery statuses and a model rewritten by
    month may read it, but the delivery mart and the delivery report that pass it on to the
    reports' scope, which takes a province's status and snapshot date only."""
    from dagster_project.assets.transform import tables_by_report_month
    from dagster_project.dbt_project import prepare_manifest

    manifest = json.loads(prepare_manifest().read_text(encoding="utf-8"))
    models = {k: n for k, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    parents = {k: [p for p in n["depends_on"]["nodes"] if p in models] for k, n in models.items()}
    statuses = next(k for k, n in models.items() if n["name"] == "int_province_months_delivered")

    def reads_statuses(key, seen={}):  # noqa: B006 (a cache for this test)
        if key not in seen:
            seen[key] = key == statuses or any(reads_statuses(p) for p in parents[key])
        return seen[key]

    by_month = {k for k, n in models.items() if (n["schema"], n["alias"]) in tables_by_report_month(manifest)}
    on_the_way, todo = set(), list(by_month)
    while todo:
        key = todo.pop()
        if key not in on_the_way and reads_statuses(key) and key != statuses:
            on_the_way.add(key)
            todo.extend(parents[key])
    readers = {models[k]["name"] for k in on_the_way if "reference_headcount" in models[k]["raw_code"]}
    assert {models[k]["name"] for k in by_month} >= {"int_person_months_reconciled", "fct_policy_cohort"}
    assert readers == {"fct_delivery_status", "rpt_report_delivery"}
    scope = next(k for k in on_the_way if models[k]["name"] == "rpt_report_scope")
    assert "reference_headcount" not in models[scope]["raw_code"]


def _statuses(con, rows):
    con.execute("create schema if not exists intermediate")
    con.execute("create or replace table intermediate.int_province_months_delivered (report_month date, "
                "province_code varchar, delivery_status varchar, snapshot_date date, headcount bigint, "
                "reference_headcount double, files_rejected bigint, rejected_files varchar)")
    con.executemany("insert into intermediate.int_province_months_delivered values "
                    "(?, ?, ?, ?, ?, ?, 0, null)", rows)


def test_the_plan_is_narrowed_by_the_statuses_and_they_are_recorded(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    con = _warehouse(tmp_path / "w.duckdb", ROSTER)
    months = [("2025-08-01", "2025-08-31"), ("2025-09-01", "2025-09-30")]
    try:
        changed_months.plan(con, build, "run-1")
        _statuses(con, [(m, "01", "delivered", d, 2, 2.0) for m, d in months])
        assert changed_months.narrow_plan(con, build, "run-1") == changed_months.FULL
        assert changed_months.narrow_plan(con, build, "another run") is None
        assert changed_months.record(build, "run-1")
        # October arrives; the reference headcount of August and September moves with it (the
        # median of the months around), their statuses do not.
        con.execute("insert into raw.personnel values "
                    "('2025-10-31', '001', 2.34, 'U1', 'personnel/37/roster_2025.parquet', null, 5, 'h')")
        assert changed_months.plan(con, build, "run-2").report_months == [
            "2025-07", "2025-08", "2025-09", "2025-10"]
        _statuses(con, [(m, "01", "delivered", d, 2, 1.5) for m, d in months]
                  + [("2025-10-01", "01", "delivered", "2025-10-31", 1, 2.0)])
        narrowed = changed_months.Plan(["2025-10"], ["2025-10"])
        assert changed_months.narrow_plan(con, build, "run-2") == narrowed
        assert changed_months.planned(build, "run-2") == narrowed
        # The same run failed later (it recorded nothing): the next one computes everything.
        _statuses(con, [("2025-08-01", "01", "incomplete", "2025-08-31", 1, 2.0),
                        ("2025-09-01", "01", "delivered", "2025-09-30", 2, 1.5),
                        ("2025-10-01", "01", "delivered", "2025-10-31", 1, 2.0)])
        assert changed_months.plan(con, build, "run-3") == changed_months.FULL
        assert changed_months.narrow_plan(con, build, "run-3").report_months is None
        assert changed_months.record(build, "run-3")
        state = json.loads((build / changed_months.STATE_FILE).read_text())
        assert state["statuses"] == changed_months.delivery_fingerprints(con)
        assert set(state["statuses"]) == {"2025-08", "2025-09", "2025-10"}
    finally:
        con.close()


def test_another_pseudonym_key_changes_everything(tmp_path, monkeypatch):
    """Every person_key is made with SAPNHAP_PSEUDONYM_KEY: a run with another key (or a
    scheduled run started without it) must build everything again, not months of new keys
    beside months of old ones."""
    from dagster_project.warehouse.raw_files import build_fingerprint

    (tmp_path / "raw").mkdir()
    monkeypatch.delenv("SAPNHAP_PSEUDONYM_KEY", raising=False)
    before, built = _fingerprints(tmp_path, "a", ROSTER), build_fingerprint(tmp_path / "raw")
    monkeypatch.setenv("SAPNHAP_PSEUDONYM_KEY", "the ministry's key")
    now = _fingerprints(tmp_path, "b", ROSTER)
    assert {k for k in before if before[k] != now[k]} == {EVERYTHING_ELSE}
    assert months_to_rewrite(before, now, 3) is None
    assert build_fingerprint(tmp_path / "raw") != built
    assert "the ministry's key" not in now[EVERYTHING_ELSE]
    assert _fingerprints(tmp_path, "c", ROSTER) == now


ENTITLEMENTS = {"2025-03": "a", "2025-08": "b", "2025-10": "c"}


@pytest.mark.parametrize("now, months", [
    (ENTITLEMENTS, ["2025-10", "2025-11"]),  # no entitlement changed: the plan's months
    ({**ENTITLEMENTS, "2025-08": "b2"}, ["2025-08", "2025-09", "2025-10", "2025-11"]),
    ({**ENTITLEMENTS, "2025-09": "new"}, ["2025-09", "2025-10", "2025-11"]),
    ({"2025-03": "a", "2025-10": "c"}, ["2025-08", "2025-09", "2025-10", "2025-11"]),  # one gone
    # Dated before the merger: every report month (they start in July 2025).
    ({**ENTITLEMENTS, "2025-03": "a2"}, ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11"]),
    ({**ENTITLEMENTS, EVERYTHING_ELSE: "no date"}, None),
], ids=["unchanged", "changed", "added", "gone", "before_the_merger", "without_a_date"])
def test_the_audit_is_rewritten_from_the_month_of_a_decision_whose_entitlement_changed(now, months):
    assert changed_months.audit_months(["2025-10", "2025-11"], ENTITLEMENTS, now, "2025-11") == months


def test_the_audit_months_without_a_plan_or_entitlements_to_compare_are_every_month():
    changed = {**ENTITLEMENTS, "2025-10": "c2"}
    assert changed_months.audit_months(None, ENTITLEMENTS, changed, "2025-11") is None
    assert changed_months.audit_months(["2025-11"], None, changed, "2025-11") is None
    # No month's inputs changed, an entitlement did: from its month.
    assert changed_months.audit_months([], ENTITLEMENTS, changed, "2025-11") == ["2025-10", "2025-11"]
    assert changed_months.audit_months([], ENTITLEMENTS, ENTITLEMENTS, "2025-11") == []


def test_the_entitlements_are_recorded_and_the_next_run_compares_with_them(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    con = _warehouse(tmp_path / "w.duckdb", ROSTER)
    statuses = [("2025-08-01", "01", "delivered", "2025-08-31", 2, 2.0),
                ("2025-09-01", "01", "delivered", "2025-09-30", 2, 2.0)]
    try:
        con.execute("create schema marts")
        con.execute("create table marts.fct_policy_entitlement "
                    "(decision_no varchar, decision_date date, amount_paid_vnd bigint)")
        con.execute("insert into marts.fct_policy_entitlement values "
                    "('1/QĐ', '2025-08-20', 100), ('2/QĐ', '2025-09-02', 200)")
        changed_months.plan(con, build, "run-1")
        _statuses(con, statuses)
        assert changed_months.narrow_plan(con, build, "run-1").audit_months is None  # a full build
        assert changed_months.record(build, "run-1")
        state = json.loads((build / changed_months.STATE_FILE).read_text())
        assert set(state["entitlements"]) == {"2025-08", "2025-09"}
        # Nothing new: no month of the audit either.
        changed_months.plan(con, build, "run-2")
        assert changed_months.narrow_plan(con, build, "run-2") == changed_months.Plan([], [], [])
        assert changed_months.record(build, "run-2")
        # The August decision's payment corrected: the audit from August, nothing else.
        con.execute("update marts.fct_policy_entitlement set amount_paid_vnd = 150 where decision_no = '1/QĐ'")
        changed_months.plan(con, build, "run-3")
        assert changed_months.narrow_plan(con, build, "run-3") == changed_months.Plan(
            [], [], ["2025-08", "2025-09"])
        assert changed_months.planned(build, "run-3").audit_months == ["2025-08", "2025-09"]
    finally:
        con.close()
