"""The monthly report pack, opened back as an official and an auditor read it: an official
form on every sheet, every figure of every sheet recomputed here from the facts (not from the
report's own `rpt_report_*` marts) as of the report month, for the nation and for the merged
province 37, for the last month and for a past month; the same pack for the same month; the
workbook opened in LibreOffice Calc and the page in headless Chromium.

The e2e data (conftest): provinces 04 and 37 through 10/2025; 37's August roster was rejected
and its September roster is incomplete, so 08/2025 is a provisional month for the nation."""

import hashlib
import re
import shutil
import subprocess
from datetime import date, timedelta

import duckdb
import openpyxl
import pytest

from dagster_project.partitions import month_start
from dagster_project.reports.build import write_pack
from dagster_project.reports.restate import read_issued
from tests.e2e.conftest import E2E_PROVINCES, E2E_THROUGH, raise_one_count
from tests.reports.workbook import all_text, head_text, read_table

pytestmark = pytest.mark.e2e

SHEETS = ["Tổng hợp", "Biểu đồ", "Cân đối biên chế", "Lộ trình nghỉ hưu", "Thực hiện NĐ 178-67",
          "Kiểm tra chi trả", "Đối tượng còn công tác", "Rà soát, phân loại", "Chất lượng dữ liệu",
          "Lý do cách ly"]
PAST = "2025-08"  # 37's roster rejected: a provisional month
MERGED = "37"
FINDINGS = {  # the summary's label of each kind of wrong payment
    "overpaid": "Chi thừa so với quy định",
    "underpaid": "Chi thiếu so với quy định",
    "paid_ineligible": "Đã chi cho trường hợp không đủ điều kiện",
    "unpaid": "Đủ điều kiện, chưa chi trả",
}


@pytest.fixture
def pack_dir(e2e_run):
    assert e2e_run.success
    return e2e_run.settings.reports_dir / E2E_THROUGH


@pytest.fixture(scope="module")
def past_pack(e2e_run, tmp_path_factory):
    """The report of a past month, written a year later from the same warehouse."""
    assert e2e_run.success
    return write_pack(e2e_run.settings.published_path, month_start(PAST), tmp_path_factory.mktemp("past")).folder


def _query(path, sql, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _workbook(folder, month: str, scope: str):
    return openpyxl.load_workbook(folder / f"bao_cao_{month}_{scope}.xlsx")


def _in_scope(scope: str) -> str:
    """A filter on province_code for the scope (the nation: every province)."""
    return "true" if scope == "VN" else f"province_code = '{scope}'"


def _summary(book) -> dict[str, dict]:
    return read_table(book["Tổng hợp"], "Mã số").by_first_column()


def _vnd(million) -> int:
    return round(float(million) * 1_000_000)


def test_one_workbook_and_one_page_for_the_nation_and_each_province(pack_dir):
    names = sorted(p.name for p in pack_dir.iterdir())
    assert names == sorted(f"bao_cao_{E2E_THROUGH}_{scope}.{ext}"
                           for scope in ["VN", *E2E_PROVINCES.split(",")] for ext in ("xlsx", "html"))


@pytest.mark.parametrize("scope, scope_vi", [("VN", "Toàn quốc"), (MERGED, "Tỉnh Ninh Bình")])
def test_every_sheet_is_an_official_form(pack_dir, scope, scope_vi):
    book = _workbook(pack_dir, E2E_THROUGH, scope)
    expected = SHEETS if scope == "VN" else SHEETS[:3] + ["Chi tiết đơn vị"] + SHEETS[3:]
    assert book.sheetnames == expected
    issuer = "BỘ NỘI VỤ" if scope == "VN" else "SỞ NỘI VỤ"
    numbers = [n for n in range(1, 12) if scope != "VN" or n != 4]  # 04: a province's agencies
    for number, ws in zip(numbers, book.worksheets, strict=True):
        head = head_text(ws)
        for text in (issuer, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f"Biểu số {number:02d}/BC-SN",
                     f"Phạm vi: {scope_vi}", "Kỳ báo cáo: tháng 10/2025 (từ ngày 01/10/2025 đến ngày 31/10/2025)",
                     "Đơn vị tính:"):
            assert text in head, (ws.title, text)
        assert re.search(r"\d{2}/\d{2}/2025", head), (ws.title, "no roster date (data cut-off)")
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
        texts = all_text(ws)
        assert ("THỦ TRƯỞNG ĐƠN VỊ" in texts) == (ws is book.worksheets[-1]), ws.title
    if scope != "VN":
        assert "UBND TỈNH NINH BÌNH" in head_text(book.worksheets[0])
    formulas = [c.coordinate for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


@pytest.mark.parametrize("scope", ["VN", MERGED])
def test_persons_are_whole_money_is_million_on_the_summary_and_dong_in_the_details(pack_dir, scope):
    book = _workbook(pack_dir, E2E_THROUGH, scope)
    summary = read_table(book["Tổng hợp"], "Mã số")
    assert "Số tiền (triệu đồng)" in summary.headers
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "n" and cell.value is not None and cell.number_format == "#,##0":
                    assert float(cell.value) == int(cell.value), (ws.title, cell.coordinate, cell.value)
    money_headers = [h for name in ("Thực hiện NĐ 178-67", "Kiểm tra chi trả")
                     for h in read_table(book[name], "Tháng" if name.startswith("Thực") else
                                         ("Tỉnh, thành phố" if scope == "VN" else "Kết quả kiểm tra")).headers
                     if "tiền" in h.lower() or "kinh phí" in h.lower()]
    assert money_headers and all(h.endswith("(đồng)") for h in money_headers)


@pytest.mark.parametrize("scope", ["VN", MERGED])
def test_every_code_is_shown_in_vietnamese(pack_dir, scope):
    """An English code (e.g. early_retirement, cut_off, overpaid) appears only in the
    quarantine sheet's rule column, beside its Vietnamese reason."""
    book = _workbook(pack_dir, E2E_THROUGH, scope)
    code = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")
    for ws in book.worksheets:
        allowed = set()
        if ws.title == "Lý do cách ly":
            table = read_table(ws, "Mã quy tắc")
            allowed = {r[0] for r in table.rows}
            assert all(r[1] and not code.match(r[1]) for r in table.rows if r[0])
        found = {t for t in all_text(ws) if code.match(t)} - allowed
        assert not found, (ws.title, sorted(found)[:5])


def _audit_expected(published, month: date, scope: str) -> dict[str, tuple[int, int]]:
    """Each kind of wrong payment at the end of `month`, from fct_policy_entitlement: a payment
    counts once its day has passed; a decision paid later is unpaid in the month."""
    end = _month_end(month)
    rows = _query(published, f"""
        with d as (
            select *, amount_paid_vnd is not null and coalesce(paid_date, leave_date) <= ?::date as paid
            from marts.fct_policy_entitlement
            where decision_date <= ?::date and {_in_scope(scope)}
        )
        select 'overpaid', count(*), sum(difference_vnd) from d where paid and audit_status = 'overpaid'
        union all
        select 'underpaid', count(*), sum(-difference_vnd) from d where paid and audit_status = 'underpaid'
        union all
        select 'paid_ineligible', count(*), sum(amount_paid_vnd) from d where paid and audit_status = 'ineligible'
        union all
        select 'unpaid', count(*), sum(total_vnd) from d
        where not paid and (audit_status in ('paid_matches', 'overpaid', 'underpaid', 'unpaid'))
    """, [end, end])
    return {kind: (n, amount or 0) for kind, n, amount in rows}


def _check_month(published, folder, month_text: str, scope: str) -> None:
    """Every sheet's figures of one report against the facts, as of the report month."""
    month = month_start(month_text)
    end = _month_end(month)
    book = _workbook(folder, month_text, scope)
    summary = _summary(book)
    where = _in_scope(scope)

    # A (and Biểu 03): the staffing balance of the provinces that delivered the month in full.
    balance = _query(published, f"""
        select province_code, sum(headcount), sum(headcount_in_quota) filter (where staffing_quota is not null),
               sum(staffing_quota),
               sum(headcount_in_quota) filter (where staffing_quota is not null) - sum(staffing_quota)
        from marts.fct_staffing_balance
        where report_month = ? and delivery_status = 'delivered' and {where}
        group by 1 order by 1
    """, [month])
    counted = [sum(r[i] or 0 for r in balance) for i in (1, 3, 4)]
    assert [summary[c]["Số lượng"] for c in ("A02", "A04", "A05")] == (counted if balance else [None] * 3)
    sheet = read_table(book["Cân đối biên chế"], "Mã tỉnh" if scope == "VN" else "Mã")
    total = sheet.rows[-1]
    assert total[sheet.column("Tổng số người")] == (counted[0] if balance else None)
    if scope == "VN":
        by_code = {r[0]: r for r in sheet.rows if r[0]}
        for code, headcount, in_quota, quota, surplus in balance:
            row = by_code[code]
            assert [row[sheet.column(h)] for h in ("Tổng số người", "CB, CC ở cơ quan được giao biên chế",
                                                    "Biên chế được giao", "Dôi dư (+) / thiếu (−)")] == [
                headcount, in_quota, quota, surplus]
        for code, status in _query(published, """
                select province_code, delivery_status_vi from marts.fct_delivery_status
                where report_month = ? and is_expected and not is_complete""", [month]):
            assert by_code[code][sheet.column("Số liệu tháng")] == status
            assert by_code[code][sheet.column("Dôi dư (+) / thiếu (−)")] is None

    # B: the month's rosters, the same population everywhere: on the rosters = already
    # decided to leave + still in post (Biểu 08 = the cohort of the month).
    on_rosters = _query(published, f"""
        select sum(persons_now) from marts.rpt_person_flows_province where report_month = ? and {where}
    """, [month])[0][0]
    in_post = _query(published, f"select count(*) from marts.fct_policy_cohort where report_month = ? and {where}",
                     [month])[0][0]
    assert summary["B09"]["Số lượng"] == on_rosters
    assert summary["B13"]["Số lượng"] == summary["E01"]["Số lượng"] == in_post
    assert summary["B12"]["Số lượng"] + summary["B13"]["Số lượng"] == on_rosters
    if balance and scope != "VN":  # a delivered province: its headcount is its roster
        assert summary["A02"]["Số lượng"] == on_rosters
    cohort = read_table(book["Đối tượng còn công tác"], "Chế độ nếu nghỉ; lý do chưa đủ điều kiện")
    assert cohort.rows[-1][cohort.column("Số người")] == in_post

    # C (and Biểu 06): decisions and payments to the last day of the month.
    decided, paid_n, paid_vnd = _query(published, f"""
        select count(*),
               count(*) filter (where amount_paid_vnd is not null and coalesce(paid_date, leave_date) <= ?::date),
               coalesce(sum(amount_paid_vnd) filter (
                   where amount_paid_vnd is not null and coalesce(paid_date, leave_date) <= ?::date), 0)
        from marts.fct_policy_entitlement where decision_date <= ?::date and {where}
    """, [end, end, end])[0]
    assert summary["C01"]["Số lượng"] == decided
    assert summary["C03"]["Số lượng"] == paid_n
    assert _vnd(summary["C03"]["Số tiền (triệu đồng)"] or 0) == paid_vnd
    settlement = read_table(book["Thực hiện NĐ 178-67"], "Tháng")
    assert settlement.rows[-1][0] == f"Lũy kế đến {month:%m/%Y}"
    assert (settlement.rows[-1][settlement.column("Số tiền đã chi (đồng)")] or 0) == paid_vnd

    # D (and Biểu 07): the four kinds of wrong payment, with counts and amounts; the detail
    # has a subtotal per (province, kind) that the facts give.
    expected = _audit_expected(published, month, scope)
    lines = {v["Chỉ tiêu"]: v for k, v in summary.items() if k.startswith("D") and len(k) > 1}
    for kind, label in FINDINGS.items():
        n, amount = expected[kind]
        assert lines[label]["Số lượng"] == n, (label, lines[label], n)
        assert _vnd(lines[label]["Số tiền (triệu đồng)"] or 0) == amount, label
    audit = read_table(book["Kiểm tra chi trả"], "Tỉnh, thành phố" if scope == "VN" else "Kết quả kiểm tra")
    subtotals, province = {}, None
    for row in audit.records():
        if scope == "VN" and row["Tỉnh, thành phố"]:
            province = row["Tỉnh, thành phố"]
        if str(row["Số quyết định"] or "").startswith("Cộng: "):
            subtotals[(province, row["Kết quả kiểm tra"])] = (
                row["Số trường hợp"], row["Số tiền chi thừa, chi thiếu, chi sai hoặc còn phải chi (đồng)"] or 0)
    names = dict(_query(published, "select province_code, province_name from marts.dim_province where period = 'post'"))
    codes = [c for (c,) in _query(published, f"""select distinct province_code from marts.fct_policy_entitlement
                                                 where {where}""")]
    for code in codes:
        key = names[code] if scope == "VN" else None
        scoped = _audit_expected(published, month, code)
        for kind, label in FINDINGS.items():
            if scoped[kind][0]:
                assert subtotals[(key, label)] == scoped[kind], (code, label)
    failed = [r for r in audit.records() if r["Kết quả kiểm tra"] == FINDINGS["paid_ineligible"]
              and not str(r["Số quyết định"]).startswith("Cộng")]
    assert all(r["Điều kiện không đạt"] for r in failed)  # the rule that failed


@pytest.mark.parametrize("scope", ["VN", MERGED])
def test_each_sheet_of_the_last_month_matches_the_facts(pack_dir, published, scope):
    _check_month(published, pack_dir, E2E_THROUGH, scope)


@pytest.mark.parametrize("scope", ["VN", MERGED])
def test_a_past_month_regenerated_later_is_as_of_that_month(past_pack, published, scope):
    _check_month(published, past_pack, PAST, scope)
    # Paid by the end of August, not by today: the later payments are not in August's report.
    paid_since = _query(published, f"""
        select count(*) from marts.fct_policy_entitlement
        where coalesce(paid_date, leave_date) > '{PAST}-31'::date and amount_paid_vnd is not null
          and decision_date <= '{PAST}-31'::date and {_in_scope(scope)}""")[0][0]
    assert paid_since > 0, "the data has no payment after the month: the test would prove nothing"


@pytest.mark.parametrize("scope", ["VN", MERGED])
def test_the_glide_path_is_the_projection_from_the_months_roster(pack_dir, published, scope):
    """Biểu 05 of the last month: fct_glide_path (projected from the last month's rosters) of
    the provinces that delivered the month in full."""
    month = month_start(E2E_THROUGH)
    expected = _query(published, f"""
        select projection_month, sum(projected_headcount_in_quota), sum(staffing_quota), sum(projected_surplus)
        from marts.fct_glide_path
        where base_month = ? and {_in_scope(scope)} and province_code in (
            select province_code from marts.fct_delivery_status where report_month = ? and is_complete)
        group by 1 order by 1
    """, [month, month])
    assert expected
    glide = read_table(_workbook(pack_dir, E2E_THROUGH, scope)["Lộ trình nghỉ hưu"], "Tháng")
    rows = [r for r in glide.rows if not isinstance(r[0], str)]  # not the total row
    assert [(r[0].date(), *r[1:4]) for r in rows] == expected


@pytest.mark.parametrize("scope", ["VN", MERGED])
def test_review_and_classify_is_the_units_with_a_surplus_by_rating(pack_dir, published, scope):
    """Biểu 09 of the last month: the agencies with a surplus of fct_review_classification,
    by rating, with what it would cost if those rated lowest left; a province lists its
    agencies, the nation its provinces; the total row adds them up."""
    month = month_start(E2E_THROUGH)
    by = "province_code" if scope == "VN" else "unit_code"
    expected = {code: figures for code, *figures in _query(published, f"""
        select {by}, sum(surplus), sum(n_in_post), sum(n_excellent), sum(n_good), sum(n_completed),
               sum(n_not_completed), sum(n_unrated), sum(n_lowest_rated), sum(lowest_rated_cost_vnd)
        from marts.fct_review_classification where report_month = ? and {_in_scope(scope)}
        group by 1""", [month])}
    assert expected, "no agency with a surplus: the test would prove nothing"
    rated = sum(sum(f[2:6]) for f in expected.values())
    assert rated > 0, "nobody rated on the rosters: the test would prove nothing"
    first = "Tỉnh, thành phố" if scope == "VN" else "Cơ quan, đơn vị dôi dư"
    review = read_table(_workbook(pack_dir, E2E_THROUGH, scope)["Rà soát, phân loại"], first)
    columns = ["Dôi dư", "Số có mặt", "Hoàn thành xuất sắc", "Hoàn thành tốt", "Hoàn thành",
               "Không hoàn thành", "Chưa có xếp loại", "Số người xếp loại thấp nhất",
               "Kinh phí nếu nghỉ (đồng)"]
    records = review.records()
    detail, total = records[:-1], records[-1]
    assert total[first] == "Tổng cộng"
    got = sorted(tuple(r[c] or 0 for c in columns) for r in detail)
    assert got == sorted(tuple(v or 0 for v in f) for f in expected.values())
    assert [total[c] or 0 for c in columns] == [sum(f[i] or 0 for f in expected.values())
                                                for i in range(len(columns))]


def test_a_past_provisional_month_says_which_province_is_missing(past_pack):
    head = head_text(_workbook(past_pack, PAST, "VN")["Tổng hợp"])
    assert "SỐ LIỆU TẠM TÍNH" in head and "37 Tỉnh Ninh Bình" in head


def test_no_national_id_or_name_reaches_the_reports(pack_dir, e2e_run):
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
    # Written over a copy of the pack on disk: the same figures are not a restatement.
    copy = tmp_path / "reports"
    shutil.copytree(pack_dir, copy / E2E_THROUGH)
    again = write_pack(published, month_start(E2E_THROUGH), copy)
    assert again.restated == []
    for path in again.files:
        original = pack_dir / path.name
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(original.read_bytes()).digest(), path.name


def test_a_province_whose_figures_changed_is_restated_and_the_others_are_not(pack_dir, published, tmp_path,
                                                                              monkeypatch):
    # One province's workbook on disk reports one count the warehouse no longer gives: written
    # again (by the forked workers, as on any machine of two cores or more), that report and
    # only it is a restatement, against the count on disk.
    import dagster_project.reports.build as build

    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)
    copy = tmp_path / "reports"
    shutil.copytree(pack_dir, copy / E2E_THROUGH)
    province = sorted(E2E_PROVINCES.split(","))[0]
    [issued] = (copy / E2E_THROUGH).glob(f"*_{province}.xlsx")
    code, count = raise_one_count(issued)

    again = write_pack(published, month_start(E2E_THROUGH), copy)
    assert again.restated == [province]
    now, replaced = read_issued(issued)
    assert now[code][1] == count and replaced is not None and replaced[code][1] == count + 1
    for path in again.files:
        if path.stem != issued.stem:
            assert path.read_bytes() == (pack_dir / path.name).read_bytes(), path.name


def _pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _printed_forms(pdf, pages: int, scope_vi: str, month: str) -> list[str]:
    """The form number in the footer of each printed page, checking that every page says its
    scope, month and page number (text in reading order; a chart's labels may be taken out of
    a page in another order, so the footer is found piece by piece)."""
    forms = []
    for number, page in enumerate(_pdf_text(pdf).split("\f")[:pages], start=1):
        flat = " ".join(page.split())
        found = re.search(r"Biểu số (\d\d)/BC-SN —", flat)
        assert found, (number, flat[-300:])
        assert scope_vi in flat and f"tháng {month}" in flat and f"Trang {number}/{pages}" in flat, number
        forms.append(found.group(1))
    return forms


@pytest.mark.office
@pytest.mark.parametrize("scope", ["VN", MERGED])
def test_the_workbook_opens_in_libreoffice_as_printed_a4_landscape_forms(pack_dir, soffice, tmp_path, scope):
    source = pack_dir / f"bao_cao_{E2E_THROUGH}_{scope}.xlsx"
    pdf = tmp_path / f"{source.stem}.pdf"
    result = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                            capture_output=True, text=True, timeout=300)
    assert pdf.exists(), result.stdout + result.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    forms = _printed_forms(pdf, pages, "Toàn quốc" if scope == "VN" else "Tỉnh Ninh Bình", "10/2025")
    assert forms == sorted(forms) and len(set(forms)) == len(openpyxl.load_workbook(source).sheetnames)
    printed = _pdf_text(pdf).split("\f")[:pages]
    # The form's head and the signature block are printed, not cut off.
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in printed[0] and "Độc lập - Tự do - Hạnh phúc" in printed[0]
    assert "NGƯỜI LẬP BIỂU" in printed[-1] and "THỦ TRƯỞNG ĐƠN VỊ" in printed[-1]
    # The charts page is drawn: a rendered image of it is not blank.
    charts = forms.index("02") + 1
    png = tmp_path / "charts"
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(charts), "-l", str(charts), str(pdf), str(png)],
                   check=True, capture_output=True)
    image = next(tmp_path.glob("charts*.png"))
    assert image.stat().st_size > 10_000


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
