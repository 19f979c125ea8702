"""The monthly report pack, opened back: sheets, headers, numbers against the marts, no
formula anywhere, reproducible, and the HTML page rendered in headless Chromium."""

import hashlib

import duckdb
import openpyxl
import pytest

from dagster_project.partitions import month_start
from dagster_project.reports.build import write_pack
from dagster_project.reports.excel import DATA_START_ROW, HEADER_ROW
from tests.e2e.conftest import E2E_PROVINCES, E2E_THROUGH

pytestmark = pytest.mark.e2e

SHEETS = ["Tổng hợp", "Cân đối biên chế", "Thực hiện NĐ 178-67", "Kết quả kiểm tra chi trả",
          "Đối tượng còn công tác", "Lộ trình nghỉ hưu", "Chất lượng dữ liệu", "Lý do cách ly"]


@pytest.fixture
def pack_dir(e2e_run):
    assert e2e_run.success
    return e2e_run.settings.reports_dir / E2E_THROUGH


def _sheet_rows(sheet) -> list[tuple]:
    return [r for r in sheet.iter_rows(min_row=DATA_START_ROW + 1, values_only=True) if any(v is not None for v in r)]


def _query(path, sql, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_one_workbook_and_one_page_for_the_nation_and_each_province(pack_dir):
    names = sorted(p.name for p in pack_dir.iterdir())
    assert names == sorted(f"bao_cao_{E2E_THROUGH}_{scope}.{ext}"
                           for scope in ["VN", *E2E_PROVINCES.split(",")] for ext in ("xlsx", "html"))


def test_workbook_sheets_headers_and_no_formula(pack_dir):
    book = openpyxl.load_workbook(pack_dir / f"bao_cao_{E2E_THROUGH}_VN.xlsx")
    assert book.sheetnames == SHEETS
    headers = [c.value for c in book["Cân đối biên chế"][HEADER_ROW + 1] if c.value]
    assert headers[:2] == ["Mã tỉnh", "Tỉnh, thành phố"]
    assert "Dôi dư (+) / thiếu (−)" in headers and "Biên chế được giao" in headers
    formulas = [c.coordinate for s in book.worksheets for row in s.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    assert len(book["Cân đối biên chế"]._charts) == 1
    assert len(book["Lộ trình nghỉ hưu"]._charts) == 1


def test_workbook_numbers_match_the_marts(pack_dir, published):
    month = month_start(E2E_THROUGH)
    book = openpyxl.load_workbook(pack_dir / f"bao_cao_{E2E_THROUGH}_VN.xlsx")
    balance = {r[0]: r for r in _sheet_rows(book["Cân đối biên chế"])}
    # Recomputed here from the unit-level fact, not read from the report's own mart. The
    # surplus counts units that have a quota: headcount in them minus the quota.
    # Only provinces that delivered the month in full are counted (a missing month is not a
    # shortage): the others show their status and blank figures.
    expected = _query(published, """
        select province_code, sum(headcount),
               sum(headcount_in_quota) filter (where staffing_quota is not null),
               sum(staffing_quota),
               sum(headcount_in_quota) filter (where staffing_quota is not null) - sum(staffing_quota)
        from marts.fct_staffing_balance where report_month = ? and delivery_status = 'delivered'
        group by 1
    """, [month])
    assert expected, "no staffing balance in the month"
    for code, headcount, in_quota, quota, surplus in expected:
        row = balance[code]
        assert row[2] == "Đã gửi đủ"
        assert (row[3], row[4], row[5], row[7]) == (headcount, in_quota, quota, surplus)
        assert isinstance(row[7], int | float)
    for code, status in _query(published, """
            select province_code, s.status_vi from marts.rpt_staffing_balance_province b
            join rules.delivery_statuses s using (delivery_status)
            where report_month = ? and delivery_status <> 'delivered'""", [month]):
        assert balance[code][2] == status and balance[code][7] is None
    summary = {r[0]: r for r in _sheet_rows(book["Tổng hợp"])}
    decisions = _query(published, "select count(*) from marts.fct_policy_entitlement")[0][0]
    assert summary["Quyết định nghỉ theo NĐ 178/67, 154 (lũy kế)"][2] == decisions
    paid = _query(published, """select count(*), sum(amount_paid_vnd) from marts.fct_policy_entitlement
                                where amount_paid_vnd is not null
                                  and paid_date < ?::date + interval 1 month""", [month])[0]
    assert summary["Đã chi trả (lũy kế)"][2:4] == paid
    findings = _sheet_rows(book["Kết quả kiểm tra chi trả"])
    flagged = _query(published, """select count(*) from marts.fct_policy_entitlement
        where audit_status in ('overpaid', 'underpaid', 'unpaid', 'ineligible')""")[0][0]
    assert len(findings) == flagged


def test_no_national_id_or_name_reaches_the_reports(pack_dir, e2e_run):
    import re

    con = duckdb.connect(str(e2e_run.settings.working_path), read_only=True)
    try:
        names = {r[0] for r in con.execute("select distinct full_name from raw.personnel").fetchall()}
    finally:
        con.close()
    twelve_digits = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
    # person_key is 24 hexadecimal characters and may hold a run of digits: not an ID.
    person_key = re.compile(r"(?<![0-9a-f])[0-9a-f]{24}(?![0-9a-f])")
    for path in pack_dir.iterdir():
        if path.suffix == ".html":
            texts = [path.read_text(encoding="utf-8")]
        else:
            book = openpyxl.load_workbook(path)
            texts = [c.value for s in book.worksheets for row in s.iter_rows() for c in row
                     if isinstance(c.value, str)]
            assert not (names & set(texts)), path.name
        for text in texts:
            found = twelve_digits.search(person_key.sub("", text))
            assert not found, f"{path.name}: {found.group(0)}"


def test_the_same_month_gives_the_same_pack(pack_dir, published, tmp_path):
    again = write_pack(published, month_start(E2E_THROUGH), tmp_path)
    for path in again.files:
        original = pack_dir / path.name
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(original.read_bytes()).digest(), path.name


@pytest.mark.browser
def test_the_html_page_renders_its_charts_in_chromium(pack_dir, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto((pack_dir / f"bao_cao_{E2E_THROUGH}_VN.html").as_uri())
    assert page.title().startswith(f"Báo cáo tháng {E2E_THROUGH[5:]}/{E2E_THROUGH[:4]}")
    charts = page.locator("svg")
    assert charts.count() >= 4
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100
    assert page.locator("svg rect").count() > 10 and page.locator("svg polyline").count() >= 2
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 30_000
    page.close()
