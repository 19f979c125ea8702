"""The workbooks a province fills in, one per delivery, derived from its description.

Each workbook has a data sheet ("Danh sách") whose row 1 holds the Vietnamese headers exactly
as ingest accepts them, in the contract's order, and an instructions sheet ("Hướng dẫn") that
ingest skips (it has no row naming two columns). On the data sheet:
- a drop-down list (data validation) for every enumeration and yes/no column, with the
  Vietnamese spellings (the canonical value where the contract has none);
- input checks for dates, whole and decimal numbers (with the contract's bounds where a
  bound is a number; a bound that depends on another cell, such as the snapshot's year, is
  left to ingest) and for codes of a fixed number of digits;
- required columns marked by the header's colour (and a note on the header cell);
- code and text columns formatted as Text (so Excel keeps leading zeros), dates as
  dd/mm/yyyy (except a birth date, which may be a year alone), frozen header, widths.

`write_templates(out_dir)` writes them. docs/templates/ holds a copy, regenerated with the
other generated files (`python -m dagster_project.contract --write`; `drifted` compares what a
workbook says, not its bytes, tests/deliver checks it).
"""

import tempfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dagster_project.contract import (
    BOOLEAN,
    CODE,
    DATE,
    DECIMAL,
    DELIVERIES,
    ENUM,
    FALSE_VALUES,
    INTEGER,
    TEXT,
    TRUE_VALUES,
    Column,
    Delivery,
)
from dagster_project.contract.artifacts import ROOT, _required, _rules, _type
from dagster_project.contract.model import RequiredWhen
from dagster_project.ingest.survey import SUFFIXES

TEMPLATES_DIR = Path("docs/templates")  # the checked-in copy, relative to the repository
DATA_SHEET = "Danh sách"
GUIDE_SHEET = "Hướng dẫn"
LAST_ROW = 1_048_576  # the checks cover the whole column below the header
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2100, 12, 31)  # what a date cell may hold
FIXED_TIME = datetime(2025, 7, 1)  # document properties: the same file for the same contract
LIST_LIMIT = 255  # characters of a drop-down's list written in the validation itself
WHOLE_LIMIT = 10**15  # a whole number with no bound in the contract: any Excel can hold exactly

REQUIRED_FILL = PatternFill("solid", fgColor="F4B183")  # orange: always required
REQUIRED_WHEN_FILL = PatternFill("solid", fgColor="FFE699")  # yellow: required for some rows
OPTIONAL_FILL = PatternFill("solid", fgColor="D9E1F2")  # blue-grey: optional

# Where each delivery goes, as an example under raw/ (a province's own subfolder), and the
# file name a copy of the template is saved under.
PROVINCE_FOLDER = "37_ninh_binh"
EXAMPLE_NAMES = {
    "units": "don_vi.xlsx",
    "lineage": "chuyen_doi_don_vi.xlsx",
    "personnel": "danh_sach_can_bo_2025-07-31.xlsx",
    "decisions": "quyet_dinh_dot_1.xlsx",
}


def template_name(delivery: Delivery) -> str:
    """The template's file name (no date in it: a roster's date comes from its column or
    from the name the officer saves it under)."""
    return f"mau_{delivery.name}.xlsx"


def yes_no() -> tuple[str, str]:
    """The Vietnamese spellings of yes and no among those ingest accepts."""
    return (next(v for v in TRUE_VALUES if not v.isascii()),
            next(v for v in FALSE_VALUES if not v.isascii()))


def choices(c: Column) -> list[str]:
    """What the drop-down of an enumeration or yes/no column offers: the first Vietnamese
    spelling of each value, else the value itself."""
    if c.kind == BOOLEAN:
        return list(yes_no())
    return [spellings[0] if spellings else value for value, spellings in c.values.items()]


def required_when(d: Delivery, c: Column) -> list[RequiredWhen]:
    return [r for r in d.checks if isinstance(r, RequiredWhen) and r.column == c.name]


def _num(x: float) -> str:
    return f"{x:g}"


def _vi_num(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def validation(c: Column, cell: str) -> DataValidation | None:
    """The data validation of column `c` (top-left cell `cell`), or None (free text)."""
    lo, hi = c.min, c.static_max
    if c.kind in (ENUM, BOOLEAN):
        listed = ",".join(choices(c))
        if len(listed) > LIST_LIMIT or any("," in x for x in choices(c)):
            raise ValueError(f"{c.name}: the drop-down cannot be written inline: {listed!r}")
        dv = DataValidation(type="list", formula1=f'"{listed}"')
        dv.error = "Chọn một giá trị trong danh sách: " + ", ".join(choices(c))
    elif c.kind == DATE:
        dv = DataValidation(type="date", operator="between",
                            formula1=f"DATE({FIRST_DATE.year},{FIRST_DATE.month},{FIRST_DATE.day})",
                            formula2=f"DATE({LAST_DATE.year},{LAST_DATE.month},{LAST_DATE.day})")
        dv.error = ("Ghi ngày dạng ngày/tháng/năm (30/06/2025)"
                    + (" hoặc chỉ ghi năm (1968)" if c.year_only else ""))
    elif c.kind in (INTEGER, DECIMAL):
        kind = "whole" if c.kind == INTEGER else "decimal"
        if c.min_exclusive and lo is not None and hi is not None:
            # Excel's `between` includes both ends: an open lower end needs a formula
            dv = DataValidation(type="custom", formula1=f"AND(ISNUMBER({cell}),{cell}>{_num(lo)},"
                                                        f"{cell}<={_num(hi)})")
        elif lo is not None and hi is not None:
            dv = DataValidation(type=kind, operator="between", formula1=_num(lo), formula2=_num(hi))
        elif lo is not None:
            dv = DataValidation(type=kind, operator="greaterThan" if c.min_exclusive else "greaterThanOrEqual",
                                formula1=_num(lo))
        elif hi is not None:
            dv = DataValidation(type=kind, operator="lessThanOrEqual", formula1=_num(hi))
        else:
            dv = DataValidation(type=kind, operator="between", formula1=_num(-WHOLE_LIMIT),
                                formula2=_num(WHOLE_LIMIT))
        what = "số nguyên" if c.kind == INTEGER else "số"
        dv.error = f"Ghi {what}" + (f" {_type(c, vi=True).removeprefix(c.kind.vi).strip()}"
                                    if lo is not None or c.max is not None else "")
    elif c.kind == CODE and c.digits:
        dv = DataValidation(type="textLength", operator="equal", formula1=str(c.digits))
        dv.error = f"Ghi đủ {c.digits} chữ số, kể cả số 0 ở đầu"
    else:
        return None
    dv.errorTitle = "Giá trị không hợp lệ"
    dv.errorStyle = "stop"
    dv.showErrorMessage = True
    dv.allow_blank = True
    dv.promptTitle = c.vi[:32]
    dv.prompt = dv.error[:255]
    dv.showInputMessage = True
    dv.add(f"{cell}:{_column_of(cell)}{LAST_ROW}")
    return dv


def _column_of(cell: str) -> str:
    return cell.rstrip("0123456789")


def number_format(c: Column) -> str | None:
    """The column's cell format: Text for codes and text (leading zeros kept), dd/mm/yyyy for
    dates (not a birth date, which may be a year alone)."""
    if c.kind in (TEXT, CODE):
        return "@"
    if c.kind == DATE and not c.year_only:
        return "dd/mm/yyyy"
    if c.kind == INTEGER and c.name.endswith("_vnd"):
        return "#,##0"
    return None


def header_note(d: Delivery, c: Column) -> str:
    return (f"{c.name}: {_type(c, vi=True)}. Bắt buộc: {_required(d, c, vi=True)}."
            .replace("`", ""))


def fill_of(d: Delivery, c: Column) -> PatternFill:
    if c.required:
        return REQUIRED_FILL
    snapshot = d.snapshot is not None and d.snapshot.column == c.name  # required unless named
    return REQUIRED_WHEN_FILL if required_when(d, c) or snapshot else OPTIONAL_FILL


def data_sheet(ws, d: Delivery) -> None:
    ws.title = DATA_SHEET
    for j, c in enumerate(d.columns, start=1):
        letter = get_column_letter(j)
        cell = ws.cell(row=1, column=j, value=c.vi)
        cell.font = Font(bold=True)
        cell.fill = fill_of(d, c)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.comment = Comment(header_note(d, c), "sapnhap", width=320, height=120)
        ws.column_dimensions[letter].width = min(max(len(c.vi) + 4, 14), 40)
        fmt = number_format(c)
        if fmt:
            ws.column_dimensions[letter].number_format = fmt
        dv = validation(c, f"{letter}2")
        if dv is not None:
            ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "A2"


def where_lines(d: Delivery) -> list[str]:
    """Where the file goes and how it is named, as the contract says (ingest reads every file
    under raw/<delivery>/, any subfolder, in path order; a roster's date comes from its column,
    its file name or its form's title)."""
    example = f"raw/{d.name}/{PROVINCE_FOLDER}/{EXAMPLE_NAMES[d.name]}"
    lines = [
        f"Lưu tệp đã điền vào thư mục raw/{d.name}/ của bộ dữ liệu; được đặt trong thư mục con "
        f"của tỉnh, ví dụ: {example}",
        "Định dạng nhận: " + ", ".join(s.lstrip(".") for s in SUFFIXES) + " (giữ dạng .xlsx của mẫu này).",
        "Tên tệp và thư mục không bắt đầu bằng '.', '_' hoặc '~$' (các tệp đó không được đọc).",
        "Thứ tự nhận là thứ tự đường dẫn tệp theo bảng chữ cái: khi có dòng trùng, dòng đến trước "
        "được giữ.",
        "Tỉnh của số liệu được xác định từ mã đơn vị, không từ tên tệp.",
    ]
    snap = d.snapshot
    if snap is not None:
        col = d.column(snap.column)
        sources = [f"cột {col.vi} nếu ô có giá trị"]
        if snap.file_name:
            sources.append("nếu không, ngày đầu tiên trong tên tệp (danh_sach_can_bo_2025-07-31.xlsx, "
                           "2025_07_31 hoặc 20250731)")
        if snap.form_title:
            sources.append("nếu không, thời điểm báo cáo ghi ở phần đầu biểu mẫu")
        lines.append(f"{col.vi}: lấy theo thứ tự: " + "; ".join(sources)
                     + ". Không có nguồn nào thì cả tệp bị từ chối.")
        lines.append("Mỗi ngày báo cáo nên là một tệp, có ngày trong tên tệp; gửi bổ sung cho cùng "
                     "ngày bằng tệp khác (ví dụ ..._2025-07-31_bo_sung.xlsx).")
    return lines


def guide_sheet(ws, d: Delivery) -> None:
    ws.title = GUIDE_SHEET
    rows: list[list[str]] = [
        [f"HƯỚNG DẪN ĐIỀN BIỂU: {d.vi.upper()}"],
        [f"Tệp này là {d.vi.lower()}; mỗi dòng là {d.row_vi}. Điền số liệu vào trang "
         f"'{DATA_SHEET}' từ dòng 2, không đổi hay xóa dòng tiêu đề (thêm cột khác như STT, Ghi "
         "chú được giữ nguyên văn)."],
        ["Cột tô màu cam: bắt buộc (ô trống thì dòng không được nạp). Màu vàng: bắt buộc với một "
         "số dòng (xem cột 'Bắt buộc'). Màu xanh: không bắt buộc."],
        ["Cột có danh mục: chọn trong danh sách thả xuống. Ngày: ngày/tháng/năm. Mã số và số "
         "CCCD: ô đã định dạng Văn bản, ghi đủ chữ số kể cả số 0 ở đầu."],
        *[[line] for line in where_lines(d)],
        ["Trước khi gửi, kiểm tra tệp bằng lệnh: sapnhap validate <tệp> (cho biết dòng nào sẽ bị "
         "cách ly, vì sao và cần làm gì; gửi cùng lúc các tệp liên quan để kiểm tra mã đơn vị, "
         "người có trong danh sách)."],
        [],
        ["Tiêu đề cột", "Tên tiếng Anh", "Kiểu, giá trị chấp nhận", "Bắt buộc", "Quy tắc"],
    ]
    for c in d.columns:
        rows.append([c.vi, c.name, _type(c, vi=True), _required(d, c, vi=True), _rules(d, c, vi=True)])
    table_header = len(rows) - len(d.columns)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j, value=value.replace("`", ""))
            cell.alignment = Alignment(wrap_text=j > 1 or i > table_header, vertical="top")
            if i == 1 or i == table_header:
                cell.font = Font(bold=True)
        if i > table_header:
            ws.cell(row=i, column=1).fill = fill_of(d, d.columns[i - table_header - 1])
    for letter, width in zip("ABCDE", (34, 30, 40, 30, 60), strict=True):
        ws.column_dimensions[letter].width = width


def workbook(d: Delivery) -> Workbook:
    wb = Workbook()
    data_sheet(wb.active, d)
    guide_sheet(wb.create_sheet(), d)
    wb.active = 0
    return wb


def write_templates(out_dir: Path | str) -> list[Path]:
    """Write one template per delivery into `out_dir`; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for d in DELIVERIES.values():
        path = out / template_name(d)
        wb = workbook(d)
        wb.properties.creator = "sapnhap"
        wb.properties.created = wb.properties.modified = FIXED_TIME
        wb.save(path)
        paths.append(path)
    return paths



def content(path: Path) -> dict:
    """What a workbook says, not how its bytes are laid out: per sheet the cell values, the
    header fills, the data validations, the frozen pane, column widths and formats."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": [list(r) for r in ws.iter_rows(values_only=True)],
            "fills": [c.fill.fgColor.rgb for c in ws[1]],
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.operator, dv.formula1, dv.formula2, dv.allow_blank,
                 dv.error, dv.prompt) for dv in ws.data_validations.dataValidation),
            "frozen": ws.freeze_panes,
            "columns": {k: (d.width, d.number_format) for k, d in sorted(ws.column_dimensions.items())},
        }
    return out


def drifted(root: Path = ROOT) -> list[Path]:
    """The checked-in templates (relative to the repository) that differ from what the
    descriptions give, or are missing."""
    out = []
    with tempfile.TemporaryDirectory(prefix="sapnhap_templates_") as tmp:
        for fresh in write_templates(tmp):
            rel = TEMPLATES_DIR / fresh.name
            if not (root / rel).exists() or content(root / rel) != content(fresh):
                out.append(rel)
    return out


def write(root: Path = ROOT) -> list[Path]:
    """Rewrite the checked-in templates that drifted; returns them."""
    changed = drifted(root)
    if changed:
        names = {rel.name for rel in changed}
        with tempfile.TemporaryDirectory(prefix="sapnhap_templates_") as tmp:
            for fresh in write_templates(tmp):
                if fresh.name in names:
                    (root / TEMPLATES_DIR).mkdir(parents=True, exist_ok=True)
                    (root / TEMPLATES_DIR / fresh.name).write_bytes(fresh.read_bytes())
    return changed
