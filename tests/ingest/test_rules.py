"""Each contract rule, with a failing example: the row goes to the quarantine with that rule,
every other row loads, and `rows read = loaded + quarantined` still holds."""

import pytest

from dagster_project.ingest import REASONS, ingest_all, reconcile
from tests.ingest.conftest import (
    DECISIONS_HEADER,
    DECISIONS_ROWS,
    LINEAGE_HEADER,
    LINEAGE_ROWS,
    PERSONNEL_HEADER,
    PERSONNEL_ROWS,
    UNITS_HEADER,
    UNITS_ROWS,
    write_csv,
)

HEADERS = {"units": UNITS_HEADER, "lineage": LINEAGE_HEADER, "personnel": PERSONNEL_HEADER,
           "decisions": DECISIONS_HEADER}
CLEAN = {"units": UNITS_ROWS, "lineage": LINEAGE_ROWS, "personnel": PERSONNEL_ROWS,
         "decisions": DECISIONS_ROWS}
FILES = {"units": "units/units.csv", "lineage": "lineage/lineage.csv",
         "personnel": "personnel/roster_2025-06-30.csv", "decisions": "decisions/decisions.csv"}


def set_field(row: str, header: str, column: str, value: str) -> str:
    cells = row.split(",")
    cells[header.split(",").index(column)] = value
    return ",".join(cells)


def quarantined(con):
    return con.execute(
        "select table_name, file, row_number, column_name, rule from audit.quarantine "
        "order by table_name, file, row_number, rule"
    ).fetchall()


# (table, row index in CLEAN[table], {column: new value}, expected column, expected rule)
CASES = [
    ("personnel", 0, {"sex": "F"}, "national_id", "national_id_mismatch"),
    ("personnel", 0, {"date_of_birth": "1971-03-15"}, "national_id", "national_id_mismatch"),
    ("personnel", 0, {"national_id": "099070123456"}, "national_id", "invalid_code"),
    ("personnel", 0, {"national_id": "00407012345"}, "national_id", "invalid_code"),
    ("personnel", 0, {"unit_code": "NO-SUCH-UNIT"}, "unit_code", "unknown_unit_code"),
    ("personnel", 0, {"unit_code": "P04-POST"}, "unit_code", "unknown_unit_code"),  # post unit, pre snapshot
    ("personnel", 0, {"salary_coefficient": "12.5"}, "salary_coefficient", "out_of_range"),
    ("personnel", 0, {"leadership_allowance_coefficient": '"1,5"'}, "leadership_allowance_coefficient", "out_of_range"),
    ("personnel", 0, {"beyond_frame_pct": "31"}, "beyond_frame_pct", "out_of_range"),
    ("personnel", 0, {"si_months": "-1"}, "si_months", "out_of_range"),
    ("personnel", 2, {"monthly_allowance_vnd": "0"}, "monthly_allowance_vnd", "out_of_range"),
    ("personnel", 0, {"national_id": "004040123456", "date_of_birth": "1940-01-01"},
     "date_of_birth", "out_of_range"),  # age 85
    ("personnel", 0, {"full_name": " "}, "full_name", "missing_value"),
    ("personnel", 0, {"si_months": ""}, "si_months", "missing_value"),
    ("personnel", 0, {"salary_coefficient": ""}, "salary_coefficient", "missing_value"),
    ("personnel", 2, {"monthly_allowance_vnd": ""}, "monthly_allowance_vnd", "missing_value"),
    ("personnel", 0, {"date_of_birth": "31/02/1970"}, "date_of_birth", "invalid_date"),
    ("personnel", 0, {"si_months": "ba trăm"}, "si_months", "invalid_number"),
    ("personnel", 0, {"salary_coefficient": "4.9.8"}, "salary_coefficient", "invalid_number"),
    ("personnel", 0, {"staff_category": "boss"}, "staff_category", "invalid_enum"),
    ("personnel", 0, {"deferral": "holiday"}, "deferral", "invalid_enum"),
    ("units", 0, {"period": "later"}, "period", "invalid_enum"),
    ("units", 0, {"province_code": "4x"}, "province_code", "invalid_code"),
    ("units", 0, {"province_code": "03"}, "province_code", "unknown_reference_code"),
    ("units", 2, {"commune_code": "99999"}, "commune_code", "unknown_reference_code"),
    ("units", 2, {"district_code": "999"}, "district_code", "unknown_reference_code"),
    ("units", 4, {"commune_code": "01267"}, "commune_code", "unknown_reference_code"),  # pre-only commune
    ("units", 2, {"district_code": ""}, "district_code", "missing_value"),
    ("units", 2, {"commune_code": ""}, "commune_code", "missing_value"),
    ("units", 0, {"staffing_quota": ""}, "staffing_quota", "missing_value"),
    ("units", 0, {"staffing_quota": "-3"}, "staffing_quota", "out_of_range"),
    ("units", 3, {"level": "district", "district_code": "040"}, "level", "level_not_in_period"),
    ("units", 0, {"arrangement_date": "2025-13-01"}, "arrangement_date", "invalid_date"),
    ("lineage", 0, {"share": "1.5"}, "share", "out_of_range"),
    ("lineage", 0, {"share": "0"}, "share", "out_of_range"),
    ("lineage", 0, {"new_unit_code": "P04-PRE"}, "new_unit_code", "unknown_unit_code"),
    ("lineage", 0, {"old_unit_code": "P04-POST"}, "old_unit_code", "unknown_unit_code"),
    ("lineage", 0, {"event": "annex"}, "event", "invalid_enum"),
    ("decisions", 0, {"national_id": "004070999999"}, "national_id", "unknown_person"),
    ("decisions", 0, {"voluntary": "maybe"}, "voluntary", "invalid_enum"),
    ("decisions", 0, {"decree": "999"}, "decree", "invalid_enum"),
    ("decisions", 0, {"decision_date": ""}, "decision_date", "missing_value"),
    ("decisions", 0, {"amount_paid_vnd": "12.5.0"}, "amount_paid_vnd", "invalid_number"),
]


@pytest.mark.parametrize(("table", "index", "change", "column", "rule"), CASES,
                         ids=[f"{c[0]}-{c[4]}-{'-'.join(c[2])}" for c in CASES])
def test_rule_catches_its_defect(con, raw_dir, table, index, change, column, rule):
    rows = list(CLEAN[table])
    for col, value in change.items():
        rows[index] = set_field(rows[index], HEADERS[table], col, value)
    write_csv(raw_dir / FILES[table], HEADERS[table], rows)
    results = ingest_all(con, raw_dir)
    assert (table, FILES[table], index + 2, column, rule) in quarantined(con)
    assert {r[2] for r in quarantined(con) if r[0] == table} == {index + 2}, "only that row"
    assert results[table].rows_quarantined == 1
    assert results[table].rows_loaded == len(rows) - 1
    messages = con.execute("select message_vi, message_en from audit.quarantine").fetchall()
    assert all(vi and en and vi != en for vi, en in messages)
    for t in results:
        assert reconcile(con, t).get_column("ok").all()


def test_shares_of_an_old_unit_must_add_up_to_one(con, raw_dir):
    rows = list(LINEAGE_ROWS)
    rows[2] = set_field(rows[2], LINEAGE_HEADER, "share", "0.4")
    write_csv(raw_dir / FILES["lineage"], LINEAGE_HEADER, rows)
    ingest_all(con, raw_dir)
    got = [r for r in quarantined(con) if r[0] == "lineage"]
    # Both edges of D040-PRE (rows 3 and 4) go: which one is wrong cannot be known.
    assert got == [("lineage", FILES["lineage"], 3, "share", "share_sum"),
                   ("lineage", FILES["lineage"], 4, "share", "share_sum")]
    assert con.execute("select count(*) from raw.lineage").fetchall()[0][0] == 2


def test_duplicate_unit_code_keeps_the_first(con, raw_dir):
    write_csv(raw_dir / "units" / "units.csv", UNITS_HEADER, UNITS_ROWS + [UNITS_ROWS[1]])
    ingest_all(con, raw_dir)
    got = [r for r in quarantined(con) if r[0] == "units"]
    assert got == [("units", "units/units.csv", len(UNITS_ROWS) + 2, "unit_code", "duplicate_unit_code")]
    msg = con.execute("select message_en from audit.quarantine where rule = 'duplicate_unit_code'").fetchall()[0][0]
    assert "row 3" in msg and "units/units.csv" in msg


def test_duplicate_person_across_files_keeps_the_first_by_path(con, raw_dir):
    # The same person in a second roster of the same snapshot: 'roster_2025-06-30.csv' sorts
    # before 'zz/roster_2025-06-30.csv', so the row in the sub-folder is the duplicate.
    write_csv(raw_dir / "personnel" / "zz" / "roster_2025-06-30.csv", PERSONNEL_HEADER,
              [PERSONNEL_ROWS[1]])
    ingest_all(con, raw_dir)
    got = [r for r in quarantined(con) if r[0] == "personnel"]
    assert got == [("personnel", "personnel/zz/roster_2025-06-30.csv", 2, "national_id", "duplicate_person")]
    vi, en = con.execute("select message_vi, message_en from audit.quarantine").fetchall()[0]
    assert "personnel/roster_2025-06-30.csv, row 3" in en
    assert "personnel/roster_2025-06-30.csv, dòng 3" in vi
    assert con.execute("select count(*) from raw.personnel").fetchall()[0][0] == len(PERSONNEL_ROWS)


def test_same_person_in_another_snapshot_is_not_a_duplicate(con, raw_dir):
    rows = [set_field(r, PERSONNEL_HEADER, "unit_code", u)
            for r, u in zip(PERSONNEL_ROWS, ["P04-POST", "C01273-POST", "C01279-POST"], strict=True)]
    write_csv(raw_dir / "personnel" / "roster_2025-09-30.csv", PERSONNEL_HEADER, rows)
    results = ingest_all(con, raw_dir)
    assert results["personnel"].rows_quarantined == 0
    assert results["personnel"].rows_loaded == 2 * len(PERSONNEL_ROWS)
    snapshots = con.execute("select distinct snapshot_date::varchar from raw.personnel order by 1").fetchall()
    assert snapshots == [("2025-06-30",), ("2025-09-30",)]


def test_every_reason_has_both_messages():
    for reason in REASONS.values():
        assert reason.vi and reason.en and reason.vi != reason.en


def test_a_quarantined_row_does_not_push_out_the_person_its_id_belongs_to(con, raw_dir):
    # Row 2 carries An's ID with the wrong sex (a typo in the ID); An's own row comes later.
    wrong = set_field(PERSONNEL_ROWS[1], PERSONNEL_HEADER, "national_id", "004070123456")
    write_csv(raw_dir / FILES["personnel"], PERSONNEL_HEADER, [wrong, PERSONNEL_ROWS[0], PERSONNEL_ROWS[2]])
    ingest_all(con, raw_dir)
    got = {r for r in quarantined(con) if r[0] == "personnel"}  # sex and birth year both disagree
    assert got == {("personnel", FILES["personnel"], 2, "national_id", "national_id_mismatch")}
    names = con.execute("select full_name from raw.personnel where national_id = '004070123456'").fetchall()
    assert names == [("Nguyễn Văn An",)]


def test_a_roster_row_without_any_report_date_is_quarantined(con, raw_dir):
    """The date column present but blank in a row, and no date in the file name or a title:
    that row has no snapshot, so it cannot be placed in a month (nor its unit checked). It
    is quarantined as a missing value; a row that has its date loads."""
    (raw_dir / FILES["personnel"]).unlink()
    header = "snapshot_date," + PERSONNEL_HEADER
    rows = ["," + PERSONNEL_ROWS[0], "2025-06-30," + PERSONNEL_ROWS[1]]
    write_csv(raw_dir / "personnel" / "danh_sach_can_bo.csv", header, rows)
    results = ingest_all(con, raw_dir)
    assert ("personnel", "personnel/danh_sach_can_bo.csv", 2, "snapshot_date", "missing_value") \
        in quarantined(con)
    assert results["personnel"].rows_loaded == 1
    assert con.execute("select count(*) from raw.personnel where snapshot_date is null").fetchall() == [(0,)]
    assert reconcile(con, "personnel").get_column("ok").all()


def test_a_roster_delivered_twice_quarantines_every_repeat(con, raw_dir):
    # A province sends a 25,000-row roster again, with one person added, under another name.
    # Every other row of the second file is a duplicate; 20,000 or more of them once made
    # polars fail ("filter predicate length of 2") instead of quarantining them.
    n = 25_000
    rows = [set_field(PERSONNEL_ROWS[0], PERSONNEL_HEADER, "national_id", f"004070{i:06d}") for i in range(n + 1)]
    write_csv(raw_dir / "personnel" / "roster_2025-06-30.csv", PERSONNEL_HEADER, rows[:n])
    write_csv(raw_dir / "personnel" / "zz" / "roster_2025-06-30.csv", PERSONNEL_HEADER, rows)
    ingest_all(con, raw_dir)
    got = con.execute(
        "select file, rule, count(*), min(row_number), max(row_number) from audit.quarantine "
        "where table_name = 'personnel' group by all").fetchall()
    assert got == [("personnel/zz/roster_2025-06-30.csv", "duplicate_person", n, 2, n + 1)]
    assert con.execute("select count(*) from raw.personnel").fetchall()[0][0] == n + 1
