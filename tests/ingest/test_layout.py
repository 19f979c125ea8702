"""Finding the table in a sheet as provinces fill it: hand-made layouts, grid rows 0-based
(grid row i is spreadsheet row i + 1)."""

from datetime import date

import numpy as np
import polars as pl
import pytest

from dagster_project.contract import TABLES
from dagster_project.ingest.layout import combine, find_layout
from dagster_project.ingest.read import header_map, segments, sheet_from_grid

HMAP = header_map(TABLES["personnel"])
TITLE = [
    ["UBND TỈNH HÀ NAM", "", "", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["SỞ NỘI VỤ", "", "", "", "Độc lập - Tự do - Hạnh phúc"],
    ["", "", "", "", "Hà Nam, ngày 05 tháng 08 năm 2025"],  # signed: not the report date
    [],
    ["DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC, NGƯỜI LAO ĐỘNG"],
    ["Thời điểm báo cáo: 31/07/2025"],
    [],
]
HEADER = ["STT", "Số CCCD", "Họ và tên", "Giới tính", "Mã đơn vị", "Hệ số lương"]
FOOTER = [
    [],
    ["", "", "", "Hà Nam, ngày ... tháng ... năm 2025"],
    ["Người lập biểu", "", "", "Thủ trưởng đơn vị"],
    ["(Ký, ghi rõ họ tên)", "", "", "(Ký, ghi rõ họ tên, đóng dấu)"],
    [], [], [],
    ["Nguyễn Thị Lan", "", "", "Trần Văn Hùng"],
]


def data(i: int) -> list[str]:
    return [str(i), f"0350850000{i:02d}", f"Người {i}", "Nam", "X13351-UBND", "2,34"]


def grid(rows: list[list[str]]) -> pl.DataFrame:
    width = max(len(r) for r in rows)
    cells = [[(r[j] if j < len(r) else None) or None for r in rows] for j in range(width)]
    return pl.DataFrame({f"c{j}": col for j, col in enumerate(cells)}, schema={f"c{j}": pl.String for j in range(width)})


def test_title_block_and_one_header_row():
    rows = TITLE + [HEADER] + [data(i) for i in range(1, 4)]
    lay = find_layout(grid(rows), HMAP)
    assert lay.header_rows == [7]
    assert lay.labels[:6] == HEADER
    assert lay.data_rows.tolist() == [8, 9, 10]
    assert lay.skipped == {"title": list(range(7)), "header": [7]}
    assert lay.title_date == date(2025, 7, 31)  # the report date, not the signing date
    assert lay.note() == "title 1-7; header 8"


def test_two_row_header_with_a_group_label_over_merged_sub_columns():
    top = ["STT", "Họ và tên", "Số CCCD", "Phụ cấp", "", ""]
    bottom = ["", "", "", "Hệ số phụ cấp chức vụ", "thâm niên vượt khung (%)", "khác được tính (đồng)"]
    rows = TITLE + [top, bottom, ["1", "Lê Văn A", "035085000001", "0,2", "5", "100000"]]
    lay = find_layout(grid(rows), HMAP)
    assert lay.header_rows == [7, 8]
    assert lay.labels == ["STT", "Họ và tên", "Số CCCD", "Hệ số phụ cấp chức vụ",
                          "Phụ cấp thâm niên vượt khung (%)", "Phụ cấp khác được tính (đồng)"]
    assert {HMAP.get(x.casefold()) for x in lay.labels[1:]} == {
        "full_name", "national_id", "leadership_allowance_coefficient", "beyond_frame_pct",
        "other_allowances_vnd"}
    assert lay.data_rows.tolist() == [9]
    assert lay.skipped["header"] == [7, 8]


def test_group_labels_in_the_row_below_the_header():
    top = ["Số CCCD", "Họ và tên", "Phụ cấp", ""]
    bottom = ["", "", "thâm niên vượt khung (%)", "khác được tính (đồng)"]
    lay = find_layout(grid([top, bottom, ["035085000001", "Lê Văn A", "5", "0"]]), HMAP)
    assert lay.header_rows == [0, 1]
    assert lay.labels[2:] == ["Phụ cấp thâm niên vượt khung (%)", "Phụ cấp khác được tính (đồng)"]


def test_a_group_label_is_not_carried_over_a_column_merged_down():
    # "Họ và tên" is merged over both header rows: the column after it has no group
    assert combine(["Họ và tên", "", "Phụ cấp", ""], ["", "Giới tính", "thâm niên vượt khung (%)", "x"], HMAP) == [
        "Họ và tên", "Giới tính", "Phụ cấp thâm niên vượt khung (%)", "Phụ cấp x"]


@pytest.mark.parametrize("numbers", [["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"], ["1", "2", "3", "4", "5", "6"]])
def test_the_column_number_row_is_not_data(numbers):
    rows = TITLE + [HEADER, numbers] + [data(i) for i in range(1, 3)]
    lay = find_layout(grid(rows), HMAP)
    assert lay.skipped["numbers"] == [8]
    assert lay.data_rows.tolist() == [9, 10]


def test_a_first_data_row_of_short_values_is_not_taken_for_column_numbers():
    rows = [["Số CCCD", "Họ và tên"], ["1", "A"], ["2", "B"]]  # wrong values, but data
    lay = find_layout(grid(rows), HMAP)
    assert "numbers" not in lay.skipped and lay.data_rows.tolist() == [1, 2]


def test_total_rows_and_a_note_after_the_total_are_not_data_but_rows_between_are():
    rows = ([HEADER] + [data(i) for i in range(1, 4)]
            + [["Cộng khối tỉnh", "", "3 người"]]  # a subtotal in the middle: data goes on
            + [data(i) for i in range(4, 6)]
            + [["Tổng cộng", "", "5 người", "", "", "11,7"]]
            + [["Ghi chú: chưa gồm hợp đồng lao động"]]
            + FOOTER)
    lay = find_layout(grid(rows), HMAP)
    assert lay.data_rows.tolist() == [1, 2, 3, 5, 6]
    assert lay.skipped["total"] == [4, 7]
    assert lay.skipped["footer"][0] == 8  # the note, then the footer
    assert max(lay.skipped["footer"]) == len(rows) - 1


def test_sparse_rows_after_a_subtotal_are_data_when_data_goes_on():
    header = ["Mã đơn vị cũ", "Mã đơn vị mới", "Tỷ lệ", "Hình thức", "Căn cứ"]
    rows = [header, ["A", "B", "1", "merge", "NQ 1"], ["Cộng", "", "1"],
            ["C", "D"], ["E", "F", "1", "rename", "NQ 2"]]
    lay = find_layout(grid(rows), header_map(TABLES["lineage"]))
    assert lay.data_rows.tolist() == [1, 3, 4] and lay.skipped["total"] == [2]


def test_footer_with_blank_lines_and_a_row_missing_values_inside_the_data():
    partial = ["3", "", "Người thiếu số CCCD"]  # lacks required values: data, not layout
    rows = TITLE + [HEADER, data(1), data(2), partial, data(4)] + FOOTER
    lay = find_layout(grid(rows), HMAP)
    assert lay.data_rows.tolist() == [8, 9, 10, 11]
    footer = lay.skipped["footer"]
    assert footer == list(range(13, len(rows)))  # from "ngày ... tháng ..." to the signers
    assert lay.skipped["blank"] == [12]
    assert lay.rows_skipped + len(lay.data_rows) == len(rows)


def test_a_plain_sheet_with_its_header_on_row_1_and_a_blank_row_in_the_data():
    header = ["national_id", "full_name", "sex", "date_of_birth", "unit_code"]
    rows = [header, ["035085000001", "A", "M", "1985-01-01", "X"], [],
            ["035085000002", "B", "F", "1986-01-01", "X"]]
    lay = find_layout(grid(rows), HMAP)
    assert lay.header_rows == [0] and lay.labels == header
    assert lay.data_rows.tolist() == [1, 3]
    assert lay.skipped == {"header": [0], "blank": [2]}
    assert lay.title_date is None
    assert lay.note() == "header 1; blank 3"


@pytest.mark.parametrize(("line", "expected"), [
    ("(Tính đến ngày 28/02/2025)", date(2025, 2, 28)),
    ("Số liệu tính đến ngày 31 tháng 7 năm 2025", date(2025, 7, 31)),
    ("Thời điểm báo cáo: 15-06-2025", date(2025, 6, 15)),
    ("Kèm theo Công văn số 12/SNV ngày 05/08/2025", None),  # a date, but not the report date
])
def test_report_date_in_the_title_block(line, expected):
    rows = [["SỞ NỘI VỤ"], [line], HEADER, data(1)]
    assert find_layout(grid(rows), HMAP).title_date == expected


def test_a_sheet_without_a_table_has_no_layout():
    assert find_layout(grid([["Hướng dẫn lập biểu"], ["- Ghi đủ 12 chữ số"]]), HMAP) is None


def test_the_sheet_keeps_real_row_numbers_and_drops_empty_unnamed_columns():
    rows = TITLE + [HEADER + ["", "Ghi chú"], data(1), [], data(2) + ["", ""]] + FOOTER
    sh = sheet_from_grid("personnel/x.xlsx", "T07", "h", grid(rows), HMAP)
    assert sh.frame.columns == [*HEADER, "Ghi chú"]  # column 7 had neither header nor data
    assert sh.frame.get_column("Họ và tên").to_list() == ["Người 1", "Người 2"]
    assert sh.row_numbers().tolist() == [9, 11]  # spreadsheet rows: header on 8, blank 10
    assert sh.title_date == "2025-07-31"
    assert sh.rows_skipped == len(rows) - 2


def test_segments_of_row_numbers():
    assert segments(np.array([9, 10, 11, 13, 14, 20])) == ((0, 9), (3, 13), (5, 20))
    assert segments(np.array([2, 3, 4])) == ((0, 2),)
