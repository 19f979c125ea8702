"""The Excel and HTML writers on a hand-made report: an official form (head, unit, totals,
signatures, print setup), numbers stored as numbers, no formula, charts whose labels and
legends show what they should, and the same bytes for the same report."""

import hashlib
import re
import tempfile
from datetime import date

import openpyxl

from dagster_project.reports.excel import write_workbook
from dagster_project.reports.html import render_html, ticks, vn_number
from dagster_project.reports.model import (
    INTEGER,
    MILLION,
    MONEY,
    MONTH,
    TEXT,
    TOTAL,
    Chart,
    Col,
    Report,
    Row,
    Series,
    Sheet,
    Table,
)
from dagster_project.reports.model import SECTION as SECTION_ROW
from tests.reports.workbook import head_text, read_table


def _report() -> Report:
    balance = Table(
        key="balance",
        columns=[
            Col("province_name", "Tỉnh, thành phố", "Province", TEXT),
            Col("surplus", "Dôi dư (+) / thiếu (−)", "Surplus", INTEGER),
            Col("shortage", "Thiếu", "Shortage", INTEGER),
            Col("paid_vnd", "Đã chi trả (đồng)", "Paid (VND)", MONEY),
            Col("paid_million", "Đã chi trả (triệu đồng)", "Paid (million VND)", MILLION),
            Col("month", "Tháng", "Month", MONTH),
        ],
        rows=[
            Row(("Tỉnh Ninh Bình có tên rất dài để thử nhãn", 1234, None, 10705500, 10.7055, date(2025, 7, 1))),
            Row(("=HYPERLINK(\"http://x\",\"bấm\")", None, -56, 0, 0, date(2025, 8, 1)),
                marked=frozenset({"shortage"})),
            Row(("Tỉnh Cao Bằng", 7, None, 465689250, 465.68925, date(2025, 9, 1))),
            Row(("Tổng cộng", 1241, -56, 476394750, 476.39475, None), TOTAL),
        ],
    )
    glide = Table(
        key="glide",
        columns=[Col("month", "Tháng", "Month", MONTH), Col("projected", "Dự kiến", "Projected", INTEGER),
                 Col("quota", "Biên chế", "Quota", INTEGER), Col("note", "Ghi chú", "Note", TEXT)],
        rows=[Row((date(2025, 10 + i, 1) if i < 3 else date(2026, i - 2, 1), 4153 - 40 * i, 4000,
                   "Hết dôi dư" if 4153 - 40 * i <= 4000 < 4153 - 40 * (i - 1) else "")) for i in range(8)],
    )
    charts = [
        Chart("bar", "Dôi dư / thiếu", "balance", "province_name",
              (Series("surplus", "Dôi dư", "#E46C0A"), Series("shortage", "Thiếu", "#1F5FA8")),
              stacked=True, labels=True),
        Chart("line", "Lộ trình", "glide", "month",
              (Series("projected", "CB, CC dự kiến", "#E46C0A"), Series("quota", "Biên chế", "#1F5FA8")),
              y_min=3900, highlight="note"),
    ]
    sheets = [
        Sheet("Tổng hợp", "01/BC-SN", "BÁO CÁO TỔNG HỢP", "Summary", "Đơn vị tính: người", [balance]),
        Sheet("Biểu đồ", "02/BC-SN", "BIỂU ĐỒ", "Charts", "Đơn vị tính: người", [glide], charts=charts),
    ]
    return Report(scope_code="37", scope_name_vi="Tỉnh Ninh Bình", month=date(2025, 9, 1),
                  issuer_parent_vi="UBND TỈNH NINH BÌNH", issuer_vi="SỞ NỘI VỤ", place_vi="Ninh Bình",
                  period_end=date(2025, 9, 30), cutoff_vi="Số liệu nhân sự theo danh sách ngày 28/09/2025.",
                  sheets=sheets, warnings_vi=["SỐ LIỆU TẠM TÍNH: thử"])


def test_every_sheet_is_an_official_form_and_the_last_one_is_signed(tmp_path):
    book = openpyxl.load_workbook(write_workbook(_report(), tmp_path / "r.xlsx"))
    for ws, form in zip(book.worksheets, ("01/BC-SN", "02/BC-SN"), strict=True):
        head = head_text(ws)
        for text in ("UBND TỈNH NINH BÌNH", "SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", f"Biểu số {form}", "Phạm vi: Tỉnh Ninh Bình",
                     "Kỳ báo cáo: tháng 09/2025 (từ ngày 01/09/2025 đến ngày 30/09/2025)",
                     "Số liệu nhân sự theo danh sách ngày 28/09/2025.", "SỐ LIỆU TẠM TÍNH: thử",
                     "Đơn vị tính: người"):
            assert text in head, (ws.title, text)
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        # One page wide (fitToWidth defaults to 1 when absent), as many pages high as needed.
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
        assert ws.page_setup.fitToHeight == 0
        assert "&P" in ws.oddFooter.right.text and form in ws.oddFooter.left.text
    texts = [[c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
             for ws in book.worksheets]
    assert "THỦ TRƯỞNG ĐƠN VỊ" in texts[-1] and "NGƯỜI LẬP BIỂU" in texts[-1]
    assert "Ninh Bình, ngày … tháng … năm …" in texts[-1]
    assert "THỦ TRƯỞNG ĐƠN VỊ" not in texts[0]
    table = read_table(book["Tổng hợp"], "Tỉnh, thành phố")
    # The table header is repeated on every printed page.
    assert book["Tổng hợp"].print_title_rows == f"${table.header_row}:${table.header_row + 1}"


def test_numbers_are_numbers_with_vietnamese_formats_and_never_a_formula(tmp_path):
    book = openpyxl.load_workbook(write_workbook(_report(), tmp_path / "r.xlsx"))
    table = read_table(book["Tổng hợp"], "Tỉnh, thành phố")
    assert table.headers == ["Tỉnh, thành phố", "Dôi dư (+) / thiếu (−)", "Thiếu", "Đã chi trả (đồng)",
                             "Đã chi trả (triệu đồng)", "Tháng"]
    first = table.cells[0]
    assert first[1].value == 1234 and first[1].data_type == "n" and first[1].number_format == "#,##0"
    assert first[3].value == 10705500 and first[3].number_format == "#,##0"
    assert first[4].value == 10.7055 and first[4].number_format == "#,##0.0"
    assert first[5].is_date and first[5].number_format == "mm/yyyy"
    injected = table.cells[1][0]
    assert injected.data_type == "s" and injected.value.startswith("=HYPERLINK")
    # A marked cell (e.g. leaders over the allowance) stands out; the total row is bold.
    assert table.cells[1][2].font.color.rgb.endswith("B00020") and table.cells[1][2].font.b
    assert table.cells[0][2].font.color is None or not str(table.cells[0][2].font.color.rgb).endswith("B00020")
    assert table.rows[-1][0] == "Tổng cộng" and all(c.font.b for c in table.cells[-1])
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {ws.title}!{cell.coordinate}"
    assert len(book["Biểu đồ"]._charts) == 2


def test_a_workbook_is_written_without_temporary_files(tmp_path, monkeypatch):
    # A run killed while xlsxwriter assembled a workbook from temporary files left them in
    # the system's temporary folder (seen after the kill tests).
    def no_temporary_file(*args, **kwargs):
        raise AssertionError("the workbook writer made a temporary file")

    monkeypatch.setattr(tempfile, "mkstemp", no_temporary_file)
    path = write_workbook(_report(), tmp_path / "r.xlsx")
    assert openpyxl.load_workbook(path).sheetnames


def test_workbook_is_reproducible(tmp_path):
    a = write_workbook(_report(), tmp_path / "a.xlsx").read_bytes()
    b = write_workbook(_report(), tmp_path / "b.xlsx").read_bytes()
    assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest()


def test_html_is_the_same_form_self_contained_escaped_and_vietnamese_formatted():
    page = render_html(_report())
    assert page == render_html(_report())
    assert "<svg" in page and "<script" not in page
    assert "http://x" not in page.replace("&quot;http://x&quot;", "")  # only as escaped text
    assert "10.705.500" in page and "465,7" in page  # dot for thousands, comma for decimals
    assert "=HYPERLINK(&quot;" in page
    assert "src=" not in page and "href=" not in page
    for text in ("UBND TỈNH NINH BÌNH", "SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Biểu số 01/BC-SN",
                 "Kỳ báo cáo: tháng 09/2025", "THỦ TRƯỞNG ĐƠN VỊ", "NGƯỜI LẬP BIỂU"):
        assert text in page
    assert "<tr class='total'>" in page and re.search(r"<td class='[^']*mark'>-56</td>", page)


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", page, flags=re.S)


def test_html_bar_chart_has_both_series_in_its_legend_and_labels_clear_of_the_names():
    bar = _svgs(render_html(_report()))[0]
    assert ">Dôi dư</text>" in bar and ">Thiếu</text>" in bar
    names = [float(x) for x in re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="end">Tỉnh', bar)]
    values = [(float(x), anchor) for x, anchor in
              re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="10" text-anchor="(start|end)">-?[\d.]+</text>', bar)]
    assert names and values
    # Every value label sits right of the column of names (no label over a province name).
    assert min(x for x, _ in values) > max(names) + 20
    # Two colours: a bar per series, the shortage in its own colour.
    assert 'fill="#E46C0A"' in bar and 'fill="#1F5FA8"' in bar


def test_html_axes_show_whole_round_numbers_and_a_line_chart_starts_near_its_data():
    line = _svgs(render_html(_report()))[1]
    labels = re.findall(r'text-anchor="end">([\d.,-]+)</text>', line)
    assert labels and all("," not in x for x in labels)  # persons: no decimals
    values = [int(x.replace(".", "")) for x in labels]
    steps = {b - a for a, b in zip(values, values[1:], strict=False)}
    assert len(steps) == 1 and str(steps.pop()).strip("0") in ("1", "2", "5")
    assert min(values) >= 3800  # not from 0: the close of the surplus can be seen
    assert "Hết dôi dư: 02/2026" in line


def test_ticks_are_round_whole_numbers():
    assert ticks(0, 4153) == [0, 1000, 2000, 3000, 4000, 5000]
    assert ticks(-29, 59, 6) == [-40, -20, 0, 20, 40, 60]
    assert ticks(0, 3) == [0, 1, 2, 3]


def test_vietnamese_number_style():
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(3.66, 2) == "3,66"
    assert vn_number(-56) == "-56"


def _narrow_report() -> Report:
    """A last sheet of four columns (as the quarantine reasons) with a long section title."""
    table = Table(
        key="reasons",
        columns=[Col("rule", "Mã quy tắc", "Rule", TEXT, width=26), Col("rule_vi", "Lý do cách ly", "Reason", TEXT,
                                                                        width=62),
                 Col("n_files", "Số tệp", "Files", INTEGER, width=12), Col("n_rows", "Số dòng", "Rows", INTEGER,
                                                                            width=14)],
        rows=[Row(("", "B. BIẾN ĐỘNG NHÂN SỰ SO VỚI TRƯỚC SẮP XẾP (theo danh sách tháng)",
                   None, None), SECTION_ROW),
              Row(("out_of_range", "Giá trị ngoài khoảng cho phép", 3, 25))],
    )
    return Report(scope_code="37", scope_name_vi="Tỉnh Ninh Bình", month=date(2025, 9, 1),
                  issuer_parent_vi="UBND TỈNH NINH BÌNH", issuer_vi="SỞ NỘI VỤ", place_vi="Ninh Bình",
                  period_end=date(2025, 9, 30), cutoff_vi="", sheets=[
                      Sheet("Lý do cách ly", "10/BC-SN", "LÝ DO", "Reasons", "Đơn vị tính: dòng", [table])])


def _merged_width(ws, text: str) -> float:
    """The width (in characters) of the merged cell holding `text`."""
    from openpyxl.utils import get_column_letter

    for cells in ws.merged_cells.ranges:
        if ws.cell(cells.min_row, cells.min_col).value == text:
            return sum(ws.column_dimensions[get_column_letter(c)].width
                       for c in range(cells.min_col, cells.max_col + 1))
    raise AssertionError(f"{text!r} is not in a merged cell")


def test_a_sheet_of_few_columns_keeps_the_motto_and_the_signature_whole(tmp_path):
    ws = openpyxl.load_workbook(write_workbook(_narrow_report(), tmp_path / "r.xlsx")).worksheets[0]
    # The motto (35 capitals, bold) and the head's signature need about 46 column widths: a
    # block two narrow figure columns wide cuts them on the printed page.
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "THỦ TRƯỞNG ĐƠN VỊ", "Ninh Bình, ngày … tháng … năm …"):
        assert _merged_width(ws, text) >= 46, text


def test_a_wrapped_row_is_as_high_as_its_lines(tmp_path):
    ws = openpyxl.load_workbook(write_workbook(_narrow_report(), tmp_path / "r.xlsx")).worksheets[0]
    table = read_table(ws, "Mã quy tắc")
    section = table.header_row + 2
    assert ws.cell(section, 2).value.startswith("B. BIẾN ĐỘNG")
    # 64 bold characters, mostly capitals, in a column 62 wide take two lines (as LibreOffice
    # printed the summary): it does not fit the row when it opens the file, so the row's
    # height must be set for both.
    assert (ws.row_dimensions[section].height or 15) >= 30
