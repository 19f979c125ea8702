"""A month's report written again: the same figures give the same report; changed figures
give a restated report (Báo cáo điều chỉnh) that lists the lines that changed, with the
figure reported before; and a restatement written again stays the same restatement."""

from datetime import date

from dagster_project.reports.content import changes_table
from dagster_project.reports.excel import write_workbook
from dagster_project.reports.model import (
    INTEGER,
    MILLION,
    SECTION,
    TEXT,
    Col,
    Report,
    Row,
    Sheet,
    Table,
)
from dagster_project.reports.restate import changes, read_issued

ISSUED = {"A02": ("Tổng số người", 14525, None), "C03": ("Đã chi trả", 7443, 5_942_223_475_581),
          "F04": ("Tháng hết dôi dư", None, None)}


def _report(figures: dict) -> Report:
    rows = [Row(("A", "A. CÂN ĐỐI BIÊN CHẾ", None, None, None, None, "A. Staffing"), SECTION)]
    rows += [Row((code, label, "người", persons, None if vnd is None else vnd / 1_000_000, None, label))
             for code, (label, persons, vnd) in figures.items()]
    summary = Table("summary", [Col("line_code", "Mã số", "Code", TEXT), Col("label_vi", "Chỉ tiêu", "", TEXT),
                                Col("unit_vi", "Đơn vị tính", "", TEXT), Col("persons", "Số lượng", "", INTEGER),
                                Col("amount", "Số tiền (triệu đồng)", "", MILLION), Col("note", "Ghi chú", "", TEXT),
                                Col("label_en", "Chỉ tiêu (tiếng Anh)", "", TEXT)], rows)
    return Report("37", "Tỉnh Ninh Bình", date(2025, 10, 1), "UBND TỈNH NINH BÌNH", "SỞ NỘI VỤ", "Ninh Bình",
                  date(2025, 10, 31), "", [Sheet("Tổng hợp", "01/BC-SN", "TỔNG HỢP", "", "", [summary])],
                  figures=dict(figures))


def _write(tmp_path, figures: dict, on_disk=None):
    """Write the report of `figures` the way write_pack does, over what is on disk."""
    path = tmp_path / "bao_cao.xlsx"
    report = _report(figures)
    report.changes = changes(read_issued(path) if on_disk is None else on_disk, figures)
    if report.changes:
        report.sheets[0].tables.append(changes_table(report))
    write_workbook(report, path)
    return report, path


def test_nothing_on_disk_or_the_same_figures_is_not_a_restatement(tmp_path):
    assert changes(None, ISSUED) is None
    _, path = _write(tmp_path, ISSUED)
    issued, replaced = read_issued(path)
    assert issued == ISSUED and replaced is None
    again, _ = _write(tmp_path, ISSUED)
    assert again.changes is None


def test_changed_figures_are_a_restatement_listing_what_changed(tmp_path):
    _write(tmp_path, ISSUED)
    now = ISSUED | {"A02": ("Tổng số người", 14530, None), "C03": ("Đã chi trả", 7443, 5_942_223_000_000)}
    report, path = _write(tmp_path, now)
    assert [(c.line_code, c.persons_before, c.persons_now, c.amount_before_vnd, c.amount_now_vnd)
            for c in report.changes] == [("A02", 14525, 14530, None, None),
                                         ("C03", 7443, 7443, 5_942_223_475_581, 5_942_223_000_000)]
    issued, replaced = read_issued(path)
    assert issued == now and replaced == ISSUED


def test_a_restatement_written_again_stays_the_same_restatement(tmp_path):
    _write(tmp_path, ISSUED)
    now = ISSUED | {"A02": ("Tổng số người", 14530, None)}
    first, path = _write(tmp_path, now)
    first_bytes = path.read_bytes()
    second, path = _write(tmp_path, now)
    assert second.changes == first.changes
    assert path.read_bytes() == first_bytes
    # Back to the first figures: a restatement of the restated report.
    third, _ = _write(tmp_path, ISSUED)
    assert [(c.line_code, c.persons_before, c.persons_now) for c in third.changes] == [("A02", 14530, 14525)]


def test_a_line_that_appears_is_a_change(tmp_path):
    _write(tmp_path, ISSUED)
    now = ISSUED | {"D07": ("Chế độ chưa tính (Nghị định 177)", 3, 900_000_000)}
    report, _ = _write(tmp_path, now)
    assert [(c.line_code, c.persons_before, c.persons_now, c.amount_now_vnd) for c in report.changes] == [
        ("D07", None, 3, 900_000_000)]
