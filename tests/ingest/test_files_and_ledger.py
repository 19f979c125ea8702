"""Whole-file rejections, the ledger across deliveries, and the rows-read proof."""

from datetime import datetime

from dagster_project.ingest import ingest_all, ingest_table, reconcile
from tests.ingest.conftest import PERSONNEL_HEADER, PERSONNEL_ROWS, write_csv

T1, T2, T3 = datetime(2026, 1, 1), datetime(2026, 2, 1), datetime(2026, 3, 1)
ROSTER = "personnel/roster_2025-06-30.csv"


def ledger(con):
    return con.execute(
        "select table_name, file, content_hash, sheet, status, rows_read, rows_loaded, rows_quarantined, "
        "is_current, ingested_at from audit.ingest_ledger order by table_name, file, ingested_at"
    ).fetchall()


def snapshot(con):
    return (
        con.execute("select * exclude (extra) from raw.personnel order by source_file, source_row").fetchall(),
        con.execute("select * from audit.quarantine order by file, row_number, rule").fetchall(),
        ledger(con),
    )


def drop_column(header: str, rows: list[str], column: str) -> tuple[str, list[str]]:
    i = header.split(",").index(column)
    cut = [",".join(c for j, c in enumerate(r.split(",")) if j != i) for r in [header, *rows]]
    return cut[0], cut[1:]


def test_unreadable_files_are_rejected_whole_and_others_go_on(con, raw_dir):
    (raw_dir / "personnel" / "broken.xlsx").write_bytes(b"this is not a workbook")
    (raw_dir / "personnel" / "latin1_2025-06-30.csv").write_bytes(
        (PERSONNEL_HEADER + "\n" + PERSONNEL_ROWS[0].replace("Nguyễn Văn An", "Nguy\xean")).encode("latin-1", "replace"))
    results = ingest_all(con, raw_dir)
    by_file = {f.file: f for f in results["personnel"].files}
    assert by_file["personnel/broken.xlsx"].status == "rejected"
    assert by_file["personnel/latin1_2025-06-30.csv"].status == "rejected"
    assert by_file[ROSTER].status == "loaded" and by_file[ROSTER].rows_loaded == 3
    rows = con.execute("select file, row_number, rule, message_vi, message_en from audit.quarantine "
                       "where table_name = 'personnel' order by file").fetchall()
    assert [(f, r, rule) for f, r, rule, _, _ in rows] == [
        ("personnel/broken.xlsx", None, "unreadable_file"),
        ("personnel/latin1_2025-06-30.csv", None, "unreadable_file"),
    ]
    assert "not UTF-8" in rows[1][4] and rows[1][4].startswith("personnel/latin1_2025-06-30.csv")
    assert rows[0][3].startswith("personnel/broken.xlsx: Không đọc được tệp")
    assert reconcile(con, "personnel").get_column("ok").all()


def test_missing_required_column_rejects_the_file_and_names_it(con, raw_dir):
    header, rows = drop_column(PERSONNEL_HEADER, PERSONNEL_ROWS, "si_months")
    write_csv(raw_dir / "personnel" / "b" / "roster_2025-06-30.csv", header, rows)
    results = ingest_all(con, raw_dir)
    rejected = [f for f in results["personnel"].files if f.status == "rejected"]
    assert [(f.file, f.rows_read, f.rows_loaded, f.rows_quarantined) for f in rejected] == [
        ("personnel/b/roster_2025-06-30.csv", 3, 0, 3)]
    q = con.execute("select row_number, column_name, rule, message_en from audit.quarantine "
                    "where table_name = 'personnel'").fetchall()
    assert len(q) == 1
    row_number, column, rule, msg = q[0]
    assert (row_number, column, rule) == (None, "si_months", "missing_required_column")
    assert "personnel/b/roster_2025-06-30.csv" in msg and "si_months" in msg
    assert results["personnel"].rows_loaded == 3  # the good roster still loads
    assert reconcile(con, "personnel").get_column("ok").all()


def test_roster_without_any_snapshot_date_is_rejected(con, raw_dir):
    write_csv(raw_dir / "personnel" / "roster_undated.csv", PERSONNEL_HEADER, PERSONNEL_ROWS)
    ingest_all(con, raw_dir)
    q = con.execute("select file, column_name, rule from audit.quarantine where table_name = 'personnel'").fetchall()
    assert q == [("personnel/roster_undated.csv", "snapshot_date", "missing_required_column")]


def test_redelivering_an_identical_file_changes_nothing(con, raw_dir):
    rows = list(PERSONNEL_ROWS)
    rows[1] = rows[1].replace("3.66", "13.66")  # one quarantined row, so the quarantine is exercised
    write_csv(raw_dir / ROSTER, PERSONNEL_HEADER, rows)
    ingest_all(con, raw_dir, now=T1)
    before = snapshot(con)
    again = ingest_all(con, raw_dir, now=T2)
    assert snapshot(con) == before
    assert again["personnel"].ledger_changes["new"] == 0
    assert again["personnel"].ledger_changes["unchanged"] == 1
    assert [q[0] for q in before[1]] == ["decisions", "personnel"] and len(before[0]) == 2


def test_a_corrected_file_replaces_its_earlier_version_and_the_ledger_keeps_both(con, raw_dir):
    rows = list(PERSONNEL_ROWS)
    rows[1] = rows[1].replace("3.66", "13.66")
    write_csv(raw_dir / ROSTER, PERSONNEL_HEADER, rows)
    ingest_all(con, raw_dir, now=T1)
    old_hash = con.execute("select distinct source_hash from raw.personnel").fetchall()
    write_csv(raw_dir / ROSTER, PERSONNEL_HEADER, PERSONNEL_ROWS)  # corrected
    ingest_table(con, raw_dir, "personnel", now=T2)
    versions = [r for r in ledger(con) if r[0] == "personnel"]
    assert [(r[4], r[5], r[6], r[7], r[8]) for r in versions] == [
        ("replaced", 3, 2, 1, False), ("loaded", 3, 3, 0, True)]
    assert (versions[0][2],) == old_hash[0] and versions[1][2] != versions[0][2]
    assert con.execute("select count(*) from raw.personnel").fetchall()[0][0] == 3
    assert con.execute("select distinct source_hash from raw.personnel").fetchall() == [(versions[1][2],)]
    assert con.execute("select count(*) from audit.quarantine where table_name = 'personnel'").fetchall()[0][0] == 0
    assert reconcile(con, "personnel").get_column("ok").all()


def test_a_file_gone_from_raw_is_marked_removed_and_its_rows_leave(con, raw_dir):
    write_csv(raw_dir / "personnel" / "extra_2025-09-30.csv", PERSONNEL_HEADER,
              [PERSONNEL_ROWS[0].replace("P04-PRE", "P04-POST")])
    ingest_all(con, raw_dir, now=T1)
    assert con.execute("select count(*) from raw.personnel").fetchall()[0][0] == 4
    (raw_dir / "personnel" / "extra_2025-09-30.csv").unlink()
    ingest_table(con, raw_dir, "personnel", now=T3)
    gone = [r for r in ledger(con) if r[1] == "personnel/extra_2025-09-30.csv"]
    assert [(r[4], r[8]) for r in gone] == [("removed", False)]
    assert con.execute("select count(*) from raw.personnel").fetchall()[0][0] == 3
    assert reconcile(con, "personnel").get_column("ok").all()


def test_reconcile_fails_when_a_row_is_lost(con, raw_dir):
    ingest_all(con, raw_dir)
    assert reconcile(con, "personnel").get_column("ok").all()
    con.execute("delete from raw.personnel where source_row = 3")
    report = reconcile(con, "personnel")
    assert not report.get_column("ok").all()
    assert report.filter(~report["ok"]).select("found_loaded", "rows_loaded").rows() == [(2, 3)]


def test_reconcile_fails_when_a_row_is_in_both_places(con, raw_dir):
    ingest_all(con, raw_dir)
    con.execute("insert into audit.quarantine (table_name, file, content_hash, sheet, row_number, rule) "
                "select 'personnel', source_file, source_hash, source_sheet, source_row, 'x' "
                "from raw.personnel where source_row = 2")
    con.execute("update audit.ingest_ledger set rows_quarantined = 1, rows_read = 4 where table_name = 'personnel'")
    report = reconcile(con, "personnel")
    assert report.get_column("found_in_both").to_list() == [1]
    assert not report.get_column("ok").any()


def test_reconcile_fails_when_a_row_is_loaded_twice(con, raw_dir):
    ingest_all(con, raw_dir)
    con.execute("insert into raw.personnel select * from raw.personnel where source_row = 2")
    # The ledger made to agree with the count: only the repeated row number can tell.
    con.execute("update audit.ingest_ledger set rows_loaded = rows_loaded + 1, rows_read = rows_read + 1 "
                "where table_name = 'personnel'")
    report = reconcile(con, "personnel")
    assert report.select("found_loaded", "rows_loaded", "found_in_both", "rows_distinct").rows() == [(4, 4, 0, False)]
    assert not report.get_column("ok").any()


def test_a_column_delivered_twice_rejects_the_file(con, raw_dir):
    header = PERSONNEL_HEADER.replace("full_name", "Họ và tên") + ",full_name"
    rows = [r + ",x" for r in PERSONNEL_ROWS]
    write_csv(raw_dir / ROSTER, header, rows)
    ingest_all(con, raw_dir)
    q = con.execute("select column_name, rule, message_en from audit.quarantine where table_name = 'personnel'").fetchall()
    assert [(c, r) for c, r, _ in q] == [("full_name", "duplicate_column")]
    assert "'Họ và tên', 'full_name'" in q[0][2]


def test_a_workbook_without_any_recognised_sheet_is_rejected(con, raw_dir):
    import xlsxwriter

    path = raw_dir / "personnel" / "notes_2025-06-30.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Ghi chú").write_row(0, 0, ["Nội dung", "Người lập"])
    wb.close()
    results = ingest_all(con, raw_dir)
    statuses = {(f.file, f.sheet): f.status for f in results["personnel"].files}
    assert statuses[("personnel/notes_2025-06-30.xlsx", None)] == "rejected"
    rules = con.execute("select rule from audit.quarantine where file = 'personnel/notes_2025-06-30.xlsx'").fetchall()
    assert rules == [("missing_required_column",)]
    assert reconcile(con, "personnel").get_column("ok").all()


def test_empty_folders_and_header_only_files_load_nothing_and_fail_nothing(con, tmp_path):
    raw = tmp_path / "empty_raw"
    write_csv(raw / "units" / "units.csv", "unit_code,unit_name,period,level,province_code,unit_kind", [])
    results = ingest_all(con, raw)
    assert [(t, r.rows_read, r.rows_loaded) for t, r in results.items()] == [
        ("units", 0, 0), ("lineage", 0, 0), ("personnel", 0, 0), ("decisions", 0, 0)]
    assert [(f.file, f.status) for f in results["units"].files] == [("units/units.csv", "loaded")]
    assert reconcile(con, "units").get_column("ok").all()
