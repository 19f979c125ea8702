"""What provinces send in every accepted shape loads with the clean value."""

import json
import unicodedata
from datetime import date, timedelta

import polars as pl
import xlsxwriter

from dagster_project.ingest import ingest_all, reconcile
from tests.ingest.conftest import PERSONNEL_HEADER, PERSONNEL_ROWS, write_csv

VI_HEADER = [
    "Số CCCD", "Họ và tên", "Giới tính", "Ngày sinh", "Mã đơn vị", "Đối tượng", "Chức vụ",
    "Hệ số lương", "Hệ số phụ cấp chức vụ", "Phụ cấp thâm niên vượt khung (%)",
    "Phụ cấp khác được tính (đồng)", "Mức phụ cấp hằng tháng (đồng)", "Số tháng đóng BHXH",
    "Số năm làm việc nặng nhọc, vùng ĐBKK", "Trường hợp chưa xem xét", "Trình độ", "Chuyên môn",
]


def person(con, national_id):
    cur = con.execute("select * from raw.personnel where national_id = ?", [national_id])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    row = rows[0] if rows else None
    assert row is not None, f"{national_id} not loaded"
    return dict(zip(names, row, strict=True))


def all_ok(con):
    for t in ("units", "lineage", "personnel", "decisions"):
        assert reconcile(con, t).get_column("ok").all(), t


def test_vietnamese_headers_bom_semicolon_and_vietnamese_number_forms(con, raw_dir):
    # Headers in Vietnamese, upper case with extra spaces and decomposed (NFD) Unicode;
    # semicolon separator, BOM; values in Vietnamese forms.
    header = ";".join("  " + unicodedata.normalize("NFD", h.upper()) + " " for h in VI_HEADER)
    rows = [
        ";".join(["004070123456", unicodedata.normalize("NFD", "  Nguyễn Văn An "), "Nam", "15/03/1970",
                  "P04-PRE", "Công chức", "Giám đốc", "4,98", "0,7", "5", "10.705.500", "", "360", "1,5",
                  "", "Đại học", "Luật"]),
        ";".join(["004185654321", "Trần Thị Bình", "nữ", "02-11-1985", "D040-PRE", "viên chức", "", "3.66",
                  "", "", "10,705,500", "", "180", "", "nghỉ thai sản", "", ""]),
        ";".join(["004201111111", "Lê Văn Cường", "M", str((date(2001, 1, 20) - date(1899, 12, 30)).days),
                  "C01267-PRE", "không chuyên trách", "", "", "", "", "", "2.500.000", "24", "", "", "", ""]),
    ]
    path = raw_dir / "personnel" / "roster_2025-06-30.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join([header, *rows]).encode("utf-8"))
    results = ingest_all(con, raw_dir)
    assert results["personnel"].rows_quarantined == 0
    a = person(con, "004070123456")
    assert a["full_name"] == "Nguyễn Văn An"  # NFC, trimmed
    assert unicodedata.is_normalized("NFC", a["full_name"])
    assert a["sex"] == "M" and a["staff_category"] == "civil_servant"
    assert a["date_of_birth"] == date(1970, 3, 15)
    assert a["salary_coefficient"] == 4.98 and a["leadership_allowance_coefficient"] == 0.7
    assert a["other_allowances_vnd"] == 10705500 and a["hardship_years"] == 1.5
    assert a["snapshot_date"] == date(2025, 6, 30)  # from the file name
    b = person(con, "004185654321")
    assert b["sex"] == "F" and b["date_of_birth"] == date(1985, 11, 2)
    assert b["other_allowances_vnd"] == 10705500 and b["deferral"] == "maternity_leave"
    c = person(con, "004201111111")
    assert c["date_of_birth"] == date(2001, 1, 20)  # Excel serial
    assert c["monthly_allowance_vnd"] == 2500000 and c["staff_category"] == "commune_part_time"
    all_ok(con)


def test_birth_year_alone_means_first_of_january(con, raw_dir):
    rows = list(PERSONNEL_ROWS)
    rows[0] = rows[0].replace("1970-03-15", "1970")
    write_csv(raw_dir / "personnel" / "roster_2025-06-30.csv", PERSONNEL_HEADER, rows)
    ingest_all(con, raw_dir)
    assert person(con, "004070123456")["date_of_birth"] == date(1970, 1, 1)


def test_snapshot_column_wins_and_unknown_columns_go_to_extra(con, raw_dir):
    header = "snapshot_date," + PERSONNEL_HEADER + ",Ghi chú,badge"
    rows = [f"30/06/2025,{r},ghi chú {i},B{i}" for i, r in enumerate(PERSONNEL_ROWS)]
    (raw_dir / "personnel" / "roster_2025-06-30.csv").unlink()
    write_csv(raw_dir / "personnel" / "roster.csv", header, rows)
    results = ingest_all(con, raw_dir)
    assert results["personnel"].rows_loaded == 3
    a = person(con, "004070123456")
    assert a["snapshot_date"] == date(2025, 6, 30)
    assert json.loads(a["extra"]) == {"Ghi chú": "ghi chú 0", "badge": "B0"}
    assert a["source_row"] == 2 and a["source_file"] == "personnel/roster.csv"


def test_xlsx_every_recognised_sheet_is_read(con, raw_dir, tmp_path):
    (raw_dir / "personnel" / "roster_2025-06-30.csv").unlink()
    path = raw_dir / "personnel" / "hanoi" / "roster_2025-06-30.xlsx"
    path.parent.mkdir(parents=True)
    wb = xlsxwriter.Workbook(str(path))
    header = PERSONNEL_HEADER.split(",")
    datefmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    notes = wb.add_worksheet("Ghi chú")
    notes.write(0, 0, "Danh sách do Sở Nội vụ lập")
    for name, rows in (("Khối tỉnh", PERSONNEL_ROWS[:2]), ("Khối xã", PERSONNEL_ROWS[2:])):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, header)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row.split(",")):
                col = header[j]
                if col == "date_of_birth":
                    ws.write_datetime(i, j, __import__("datetime").datetime.fromisoformat(value), datefmt)
                elif col in ("salary_coefficient", "si_months", "monthly_allowance_vnd") and value:
                    ws.write_number(i, j, float(value))
                elif value:
                    ws.write_string(i, j, value)
    wb.close()
    results = ingest_all(con, raw_dir)
    files = {(f.file, f.sheet): (f.status, f.rows_read) for f in results["personnel"].files}
    rel = "personnel/hanoi/roster_2025-06-30.xlsx"
    assert files == {(rel, "Ghi chú"): ("skipped", 0), (rel, "Khối tỉnh"): ("loaded", 2),
                     (rel, "Khối xã"): ("loaded", 1)}
    assert results["personnel"].rows_quarantined == 0
    c = person(con, "004201111111")
    assert c["source_sheet"] == "Khối xã" and c["source_row"] == 2
    assert c["monthly_allowance_vnd"] == 2500000 and c["si_months"] == 24
    assert person(con, "004070123456")["date_of_birth"] == date(1970, 3, 15)
    all_ok(con)


def test_parquet_with_typed_columns(con, raw_dir):
    (raw_dir / "personnel" / "roster_2025-06-30.csv").unlink()
    df = pl.DataFrame({
        "snapshot_date": [date(2025, 6, 30)] * 3,
        "national_id": ["004070123456", "004185654321", "004201111111"],
        "full_name": ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"],
        "sex": ["M", "F", "M"],
        "date_of_birth": [date(1970, 3, 15), date(1985, 11, 2), date(2001, 1, 20)],
        "unit_code": ["P04-PRE", "D040-PRE", "C01267-PRE"],
        "staff_category": ["civil_servant", "public_employee", "commune_part_time"],
        "salary_coefficient": [4.98, 3.66, None],
        "monthly_allowance_vnd": [None, None, 2500000.0],
        "si_months": [360, 180, 24],
    })
    path = raw_dir / "personnel" / "roster.parquet"
    df.write_parquet(path)
    results = ingest_all(con, raw_dir)
    assert results["personnel"].rows_loaded == 3 and results["personnel"].rows_quarantined == 0
    c = person(con, "004201111111")
    assert c["monthly_allowance_vnd"] == 2500000 and c["date_of_birth"] == date(2001, 1, 20)
    assert person(con, "004185654321")["salary_coefficient"] == 3.66
    all_ok(con)


def test_excel_serial_matches_its_calendar_date():
    from dagster_project.ingest.parse import parse_date

    serials = ["45838", "25642", "45838.0"]
    got = pl.DataFrame({"s": serials}).select(parse_date(pl.col("s"))).to_series().to_list()
    assert got == [date(1899, 12, 30) + timedelta(days=int(float(s))) for s in serials]
    assert got[0] == date(2025, 6, 30)
