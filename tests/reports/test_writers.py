"""The Excel and HTML writers on a hand-made report."""

import hashlib
from datetime import date

import openpyxl

from dagster_project.reports.excel import DATA_START_ROW, HEADER_ROW, write_workbook
from dagster_project.reports.html import render_html, vn_number
from dagster_project.reports.model import INTEGER, MONEY, MONTH, TEXT, Chart, Col, Report, Table


def _report() -> Report:
    table = Table(
        sheet_vi="Cân đối biên chế",
        title_vi="Cân đối biên chế theo tỉnh",
        title_en="Staffing balance by province",
        columns=[
            Col("province_name", "Tỉnh, thành phố", "Province", TEXT),
            Col("surplus", "Dôi dư (+) / thiếu (−)", "Surplus", INTEGER),
            Col("paid_vnd", "Đã chi trả (đồng)", "Paid (VND)", MONEY),
            Col("month", "Tháng", "Month", MONTH),
        ],
        rows=[
            ("Tỉnh Ninh Bình", 1234, 10705500, date(2025, 7, 1)),
            ("=HYPERLINK(\"http://x\",\"bấm\")", -56, 0, date(2025, 8, 1)),
            ("Tỉnh Cao Bằng", None, 465689250, date(2025, 9, 1)),
        ],
        charts=[Chart("bar", "Dôi dư / thiếu", "province_name", ("surplus",))],
    )
    return Report(scope_code="VN", scope_name_vi="Toàn quốc", month=date(2025, 9, 1), tables=[table])


def test_workbook_stores_numbers_as_numbers_and_never_a_formula(tmp_path):
    path = write_workbook(_report(), tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Cân đối biên chế"]
    headers = [c.value for c in sheet[HEADER_ROW + 1]][:4]
    assert headers == ["Tỉnh, thành phố", "Dôi dư (+) / thiếu (−)", "Đã chi trả (đồng)", "Tháng"]
    first = [c for c in sheet[DATA_START_ROW + 1]][:4]
    assert first[1].value == 1234 and first[1].data_type == "n"
    assert first[2].value == 10705500 and first[2].number_format == "#,##0"
    assert first[3].is_date and first[3].number_format == "mm/yyyy"
    injected = sheet.cell(row=DATA_START_ROW + 2, column=1)
    assert injected.data_type == "s"
    assert injected.value.startswith("=HYPERLINK")
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"formula in {cell.coordinate}"
    assert len(sheet._charts) == 1


def test_workbook_is_reproducible(tmp_path):
    a = write_workbook(_report(), tmp_path / "a.xlsx").read_bytes()
    b = write_workbook(_report(), tmp_path / "b.xlsx").read_bytes()
    assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest()


def test_html_is_self_contained_escaped_and_vietnamese_formatted():
    page = render_html(_report())
    assert page == render_html(_report())
    assert "<svg" in page and "<script" not in page
    assert "http://x" not in page.replace("&quot;http://x&quot;", "")  # only as escaped text
    assert "10.705.500" in page  # dot for thousands
    assert "=HYPERLINK(&quot;" in page
    assert "src=" not in page and "href=" not in page


def test_vietnamese_number_style():
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(3.66, 2) == "3,66"
    assert vn_number(-56) == "-56"
