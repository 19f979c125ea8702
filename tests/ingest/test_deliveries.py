"""Deliveries as provinces really send them: official Excel forms, a file sent twice, a
supplement for a date already delivered, one decision listing many people, and what the
ledger records about each roster (its snapshot dates and provinces, even when rejected)."""

import shutil
from datetime import date, datetime

import duckdb
import xlsxwriter

from dagster_project.ingest import ingest_all, reconcile
from tests.ingest.conftest import (
    DECISIONS_HEADER,
    DECISIONS_ROWS,
    PERSONNEL_HEADER,
    PERSONNEL_ROWS,
    UNITS_HEADER,
    UNITS_ROWS,
    write_csv,
)

ROSTER = "personnel/roster_2025-06-30.csv"
# Post-merger units of new province 04, and units of old 34 / new 33 (Thái Bình into Hưng Yên)
MORE_UNITS = [
    "P34-PRE,UBND tỉnh Thái Bình,pre,province,34,,,government,90,",
    "P33-POST,UBND tỉnh Hưng Yên,post,province,33,,,government,150,",
]


def ledger(con, table="personnel") -> dict:
    rows = con.execute(
        "select file, sheet, status, rows_read, rows_loaded, rows_quarantined, rows_skipped, skip_note, "
        "snapshot_dates, province_codes, message from audit.ingest_ledger "
        "where table_name = ? and is_current order by file, sheet", [table]).fetchall()
    keys = ("status", "read", "loaded", "quarantined", "skipped", "note", "dates", "provinces", "message")
    return {(r[0], r[1]): dict(zip(keys, r[2:], strict=True)) for r in rows}


def all_ok(con):
    for table in ("units", "lineage", "personnel", "decisions"):
        report = reconcile(con, table)
        assert report.get_column("ok").all(), report.filter(~report.get_column("ok"))


def rows_with(**changes) -> list[str]:
    """PERSONNEL_ROWS with columns replaced in every row."""
    header = PERSONNEL_HEADER.split(",")
    out = []
    for row in PERSONNEL_ROWS:
        cells = row.split(",")
        for column, value in changes.items():
            cells[header.index(column)] = value
        out.append(",".join(cells))
    return out


# --- official forms ----------------------------------------------------------------------

FORM_TOP = ["STT", "Số CCCD", "Họ và tên", "Giới tính", "Ngày sinh", "Mã đơn vị", "Đối tượng",
            "Hệ số lương", "Phụ cấp", "", "Mức phụ cấp hằng tháng (đồng)", "Số tháng đóng BHXH", "Ghi chú"]
FORM_SUB = {8: "Hệ số phụ cấp chức vụ", 9: "thâm niên vượt khung (%)"}
FORM_ROWS = [  # national_id, name, sex, born, unit, category, coefficient, lead, beyond, allowance, si
    ("004070123456", "Nguyễn Văn An", "Nam", date(1970, 3, 15), "P04-POST", "công chức", 4.98, 0.7, 5, None, 361),
    ("004185654321", "Trần Thị Bình", "Nữ", date(1985, 11, 2), "C01273-POST", "viên chức", 3.66, 0, 0, None, 181),
    ("004070123999", "Lê Thị Sai", "Nam", date(1971, 1, 1), "C01273-POST", "công chức", 2.34, 0, 0, None, 200),
    ("004201111111", "Lê Văn Cường", "Nam", date(2001, 1, 20), "C01279-POST", "không chuyên trách", None, 0, 0, 2500000, 25),
]


def write_form(path, report_line="Thời điểm báo cáo: 31/07/2025", rows=FORM_ROWS, blank_after=2):
    """A roster as a Department fills the official form: title block in merged cells, a
    two-row header with a group, column numbers, a blank row in the data, a total row and a
    signature footer. Data on spreadsheet rows 11-12 and 14-15 (13 is blank)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("T07-2025")
    bold = wb.add_format({"bold": True, "align": "center"})
    datefmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    w = len(FORM_TOP)
    ws.merge_range(0, 0, 0, 3, "UBND TỈNH CAO BẰNG", bold)
    ws.merge_range(0, 7, 0, w - 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    ws.merge_range(1, 0, 1, 3, "SỞ NỘI VỤ", bold)
    ws.merge_range(1, 7, 1, w - 1, "Độc lập - Tự do - Hạnh phúc", bold)
    ws.merge_range(2, 7, 2, w - 1, "Cao Bằng, ngày 06 tháng 08 năm 2025")
    ws.merge_range(4, 0, 4, w - 1, "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC, NGƯỜI LAO ĐỘNG", bold)
    if report_line:
        ws.merge_range(5, 0, 5, w - 1, report_line)
    for j, label in enumerate(FORM_TOP):  # header on rows 8-9
        if j in FORM_SUB:
            ws.write_string(8, j, FORM_SUB[j], bold)
        elif label:
            ws.merge_range(7, j, 8, j, label, bold)
    ws.merge_range(7, 8, 7, 9, "Phụ cấp", bold)
    for j in range(w):
        ws.write_string(9, j, f"({j + 1})")
    r = 10
    for i, (nid, name, sex, born, unit, cat, coef, lead, beyond, allowance, si) in enumerate(rows):
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 1, nid)
        ws.write_string(r, 2, name)
        ws.write_string(r, 3, sex)
        ws.write_datetime(r, 4, datetime(born.year, born.month, born.day), datefmt)
        ws.write_string(r, 5, unit)
        ws.write_string(r, 6, cat)
        if coef is not None:
            ws.write_number(r, 7, coef)
        ws.write_number(r, 8, lead)
        ws.write_number(r, 9, beyond)
        if allowance is not None:
            ws.write_number(r, 10, allowance)
        ws.write_number(r, 11, si)
        r += 1 + (i + 1 == blank_after)
    ws.merge_range(r, 0, r, 1, "Tổng cộng", bold)
    ws.write_string(r, 2, f"{len(rows)} người")
    ws.write_number(r, 10, 2500000)
    ws.merge_range(r + 2, 7, r + 2, w - 1, "Cao Bằng, ngày ... tháng ... năm 2025")
    ws.merge_range(r + 3, 0, r + 3, 3, "Người lập biểu", bold)
    ws.merge_range(r + 3, 7, r + 3, w - 1, "Thủ trưởng đơn vị", bold)
    ws.merge_range(r + 4, 0, r + 4, 3, "(Ký, ghi rõ họ tên)")
    ws.merge_range(r + 4, 7, r + 4, w - 1, "(Ký, ghi rõ họ tên, đóng dấu)")
    ws.merge_range(r + 8, 0, r + 8, 3, "Hoàng Thị Mai", bold)
    ws.merge_range(r + 8, 7, r + 8, w - 1, "Nông Văn Sơn", bold)
    wb.close()
    return r + 9  # rows in the sheet


def test_an_official_form_is_read_where_its_table_is(con, raw_dir):
    rel = "personnel/04/danh_sach_T07-2025.xlsx"  # no date in the name: the title block has it
    n_rows = write_form(raw_dir / rel)
    results = ingest_all(con, raw_dir)
    mine = [f for f in results["personnel"].files if f.file == rel]
    assert [(f.status, f.rows_read, f.rows_loaded, f.rows_quarantined) for f in mine] == [("loaded", 4, 3, 1)]
    got = con.execute("select source_row, national_id, snapshot_date, full_name, beyond_frame_pct, "
                      "leadership_allowance_coefficient, si_months from raw.personnel "
                      "where source_file = ? order by source_row", [rel]).fetchall()
    assert got == [
        (11, "004070123456", date(2025, 7, 31), "Nguyễn Văn An", 5, 0.7, 361),
        (12, "004185654321", date(2025, 7, 31), "Trần Thị Bình", 0, 0.0, 181),
        (15, "004201111111", date(2025, 7, 31), "Lê Văn Cường", 0, 0.0, 25),
    ]
    # the row a data officer must fix is named by its spreadsheet row (14: after the blank 13)
    q = con.execute("select row_number, column_name, rule from audit.quarantine where file = ?", [rel]).fetchall()
    assert q == [(14, "national_id", "national_id_mismatch")]
    entry = ledger(con)[(rel, "T07-2025")]
    assert entry["skipped"] + entry["read"] == n_rows
    assert entry["note"] == f"title 1-7; header 8-9; numbers 10; blank 13, 17; total 16; footer 18-{n_rows}"
    assert (entry["dates"], entry["provinces"]) == ("2025-07-31", "04")
    all_ok(con)


def test_a_form_whose_date_is_nowhere_is_rejected_and_says_so(con, raw_dir):
    rel = "personnel/04/danh_sach.xlsx"
    write_form(raw_dir / rel, report_line="")
    results = ingest_all(con, raw_dir)
    mine = [f for f in results["personnel"].files if f.file == rel]
    assert [(f.status, f.rows_read, f.rows_quarantined) for f in mine] == [("rejected", 4, 4)]
    assert "snapshot_date" in mine[0].message
    assert ledger(con)[(rel, "T07-2025")]["dates"] is None
    all_ok(con)


# --- the same file twice, a supplement, one decision for many people --------------------

def test_a_file_sent_twice_is_set_aside_whole_not_as_thousands_of_duplicates(con, raw_dir):
    copy = "personnel/roster_2025-06-30 (1).csv"  # sorts before the original: it is kept
    shutil.copyfile(raw_dir / ROSTER, raw_dir / copy)
    form = "personnel/04/danh_sach_T07-2025.xlsx"
    write_form(raw_dir / form)
    shutil.copyfile(raw_dir / form, raw_dir / "personnel/04/Copy of danh_sach_T07-2025.xlsx")
    results = ingest_all(con, raw_dir)
    q = con.execute("select file, sheet, row_number, rule, message_en from audit.quarantine "
                    "where rule in ('duplicate_file', 'duplicate_person') order by file").fetchall()
    assert [(f, s, r, rule) for f, s, r, rule, _ in q] == [
        ("personnel/04/danh_sach_T07-2025.xlsx", None, None, "duplicate_file"),
        (ROSTER, None, None, "duplicate_file"),
    ]
    assert "personnel/04/Copy of danh_sach_T07-2025.xlsx" in q[0][4] and copy in q[1][4]
    entries = ledger(con)
    assert entries[(ROSTER, None)] | {"message": None} == {
        "status": "rejected", "read": 3, "loaded": 0, "quarantined": 3, "skipped": 1, "note": "",
        "dates": "2025-06-30", "provinces": "04", "message": None}
    assert entries[(form, None)]["read"] == entries[(form, None)]["quarantined"] == 4
    assert entries[(copy, None)]["loaded"] == 3
    assert results["personnel"].rows_loaded == 3 + 3
    all_ok(con)


def test_the_same_bytes_under_two_dated_names_are_two_snapshots(con, raw_dir):
    # nothing changed between two rosters dated by their names: both months are delivered
    shutil.copyfile(raw_dir / ROSTER, raw_dir / "personnel/roster_2025-05-31.csv")
    ingest_all(con, raw_dir)
    entries = ledger(con)
    assert [(k[0], v["loaded"], v["dates"]) for k, v in entries.items()] == [
        ("personnel/roster_2025-05-31.csv", 3, "2025-05-31"), (ROSTER, 3, "2025-06-30")]
    all_ok(con)


def test_a_supplement_for_a_date_already_delivered_loads_beside_the_main_file(con, raw_dir):
    extra = ["004185999999,Phạm Thị Dung,F,1985-02-02,P04-PRE,civil_servant,,3.0,,,,,200,,,,"]
    write_csv(raw_dir / "personnel" / "roster_2025-06-30_bo_sung.csv", PERSONNEL_HEADER,
              extra + PERSONNEL_ROWS[1:2])  # one forgotten person, one already in the main file
    ingest_all(con, raw_dir)
    entries = ledger(con)
    sup = "personnel/roster_2025-06-30_bo_sung.csv"
    assert (entries[(ROSTER, None)]["loaded"], entries[(sup, None)]["loaded"]) == (3, 1)
    q = con.execute("select file, row_number, rule, message_en from audit.quarantine").fetchall()
    assert [(f, r, rule) for f, r, rule, _ in q] == [(sup, 3, "duplicate_person")]
    assert f"kept the row at file {ROSTER}, row 3" in q[0][3]
    assert entries[(sup, None)]["dates"] == entries[(ROSTER, None)]["dates"] == "2025-06-30"
    all_ok(con)


def test_one_decision_lists_many_people_but_the_same_person_twice_is_a_duplicate(con, raw_dir):
    rows = [r.replace("13/QĐ-UBND", "12/QĐ-UBND") for r in DECISIONS_ROWS]  # one decision, two people
    rows.append(rows[1].replace(",,,", ",,,").replace("2025-05-10", "2025-05-10"))  # the second again
    write_csv(raw_dir / "decisions" / "decisions.csv", DECISIONS_HEADER, rows)
    results = ingest_all(con, raw_dir)
    assert results["decisions"].rows_loaded == 2
    q = con.execute("select file, row_number, column_name, value, rule, message_vi, message_en "
                    "from audit.quarantine where table_name = 'decisions'").fetchall()
    assert [r[:5] for r in q] == [("decisions/decisions.csv", 4, "decision_no", "12/QĐ-UBND", "duplicate_decision")]
    assert "row 3" in q[0][6] and "dòng 3" in q[0][5] and "Quyết định số '12/QĐ-UBND'" in q[0][5]
    all_ok(con)


# --- what each roster is for -------------------------------------------------------------

def test_the_ledger_records_the_dates_and_provinces_of_every_roster_even_a_rejected_one(con, raw_dir):
    write_csv(raw_dir / "units" / "units.csv", UNITS_HEADER, UNITS_ROWS + MORE_UNITS)
    (raw_dir / "personnel" / "roster_2025-06-30.csv").unlink()
    files = {
        # pre-merger history of old 04, dated the 28th; old 34 dates mid-month
        "personnel/04/roster_2025-01-28.csv": rows_with(),
        "personnel/34/roster_2025-06-15.csv": rows_with(unit_code="P34-PRE"),
        # after the merger new 33 (old 33 + 34) delivers, dated the 28th
        "personnel/34/roster_2025-07-28.csv": rows_with(unit_code="P33-POST"),
        # units nobody knows: the dates are known, the provinces are not
        "personnel/xx/roster_2025-07-31.csv": rows_with(unit_code="NOWHERE"),
    }
    for rel, rows in files.items():
        write_csv(raw_dir / rel, PERSONNEL_HEADER, rows)
    header = PERSONNEL_HEADER.replace(",si_months", "")  # a required column missing
    cut = [",".join(c for j, c in enumerate(r.split(",")) if j != 12) for r in rows_with(unit_code="P33-POST")]
    write_csv(raw_dir / "personnel/34/roster_2025-08-28.csv", header, cut)
    two = [f"2025-09-2{7 + i % 2}," + r for i, r in enumerate(rows_with(unit_code="P04-POST"))]
    write_csv(raw_dir / "personnel/04/roster_2025_09.csv", "snapshot_date," + PERSONNEL_HEADER, two)
    write_form(raw_dir / "personnel/04/danh_sach_T07-2025.xlsx")
    ingest_all(con, raw_dir)
    entries = ledger(con)
    got = {k[0]: (v["status"], v["dates"], v["provinces"]) for k, v in entries.items()}
    assert got == {
        "personnel/04/roster_2025-01-28.csv": ("loaded", "2025-01-28", "04"),
        "personnel/34/roster_2025-06-15.csv": ("loaded", "2025-06-15", "34"),
        "personnel/34/roster_2025-07-28.csv": ("loaded", "2025-07-28", "33"),
        "personnel/34/roster_2025-08-28.csv": ("rejected", "2025-08-28", "33"),
        "personnel/xx/roster_2025-07-31.csv": ("loaded", "2025-07-31", None),
        "personnel/04/roster_2025_09.csv": ("loaded", "2025-09-27,2025-09-28", "04"),
        "personnel/04/danh_sach_T07-2025.xlsx": ("loaded", "2025-07-31", "04"),
    }
    units = ledger(con, "units")
    assert {(v["dates"], v["provinces"]) for v in units.values()} == {(None, None)}
    all_ok(con)


def test_a_warehouse_from_before_gains_the_new_ledger_columns(tmp_path, raw_dir):
    from dagster_project.settings import SHIPPED_REFERENCE_DIR
    from dagster_project.warehouse.reference import load_reference_table

    c = duckdb.connect(str(tmp_path / "old.duckdb"))
    for table in ("ref_units_pre", "ref_units_post"):
        load_reference_table(c, SHIPPED_REFERENCE_DIR, table)
    c.execute("create schema audit")
    c.execute("create table audit.ingest_ledger (table_name varchar, file varchar, content_hash varchar, "
              "sheet varchar, status varchar, rows_read bigint, rows_loaded bigint, rows_quarantined bigint, "
              "message varchar, is_current boolean, ingested_at timestamp)")
    ingest_all(c, raw_dir)
    assert ledger(c)[(ROSTER, None)]["dates"] == "2025-06-30"
    c.close()
