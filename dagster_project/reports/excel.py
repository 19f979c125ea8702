"""Write a Report as an Excel workbook officials can read and recompute.

- Numbers are stored as numbers and dates as dates, with Vietnamese display formats
  (`#,##0`, `dd/mm/yyyy`); nothing is written as formatted text.
- Text from the data is always written as a string cell: a value such as `=HYPERLINK(...)`
  stays text and can never run as a formula (and the workbook holds no formulas at all).
- Real Excel charts, drawn from the sheet's own cells.
- Reproducible: fixed document properties, so the same report gives the same content.
"""

from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from dagster_project.reports.model import (
    DATE,
    DECIMAL,
    INTEGER,
    MONEY,
    MONTH,
    PERCENT,
    Report,
    Table,
)

TITLE_ROW, SUBTITLE_ROW, NOTE_ROW, HEADER_ROW, HEADER_EN_ROW = 0, 1, 2, 3, 4
DATA_START_ROW = 5

NUMBER_FORMATS = {
    INTEGER: "#,##0",
    MONEY: "#,##0",
    DECIMAL: "#,##0.00",
    PERCENT: "0.0%",
    DATE: "dd/mm/yyyy",
    MONTH: "mm/yyyy",
}


def _formats(workbook) -> dict:
    fmt = {kind: workbook.add_format({"num_format": code}) for kind, code in NUMBER_FORMATS.items()}
    fmt["title"] = workbook.add_format({"bold": True, "font_size": 14})
    fmt["subtitle"] = workbook.add_format({"italic": True, "font_color": "#555555"})
    fmt["header"] = workbook.add_format(
        {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "top"}
    )
    fmt["header_en"] = workbook.add_format(
        {"italic": True, "font_color": "#666666", "font_size": 9, "border": 1, "text_wrap": True}
    )
    fmt["text"] = workbook.add_format({})
    fmt["warning"] = workbook.add_format({"bold": True, "font_color": "#B00020"})
    return fmt


def _write_cell(sheet, row: int, col: int, value, kind: str, fmt: dict) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    elif kind in (DATE, MONTH):
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        sheet.write_datetime(row, col, moment, fmt[kind])
    elif kind in NUMBER_FORMATS:
        sheet.write_number(row, col, float(value), fmt[kind])
    else:
        sheet.write_string(row, col, str(value), fmt["text"])


def _write_table(workbook, table: Table, fmt: dict, warnings: list[str] = ()) -> None:
    sheet = workbook.add_worksheet(table.sheet_vi[:31])
    sheet.write_string(TITLE_ROW, 0, table.title_vi, fmt["title"])
    sheet.write_string(SUBTITLE_ROW, 0, table.title_en, fmt["subtitle"])
    if warnings:
        sheet.write_string(NOTE_ROW, 0, " ".join(warnings) + (f" {table.note_vi}" if table.note_vi else ""),
                           fmt["warning"])
    elif table.note_vi:
        sheet.write_string(NOTE_ROW, 0, table.note_vi, fmt["subtitle"])
    for j, column in enumerate(table.columns):
        sheet.write_string(HEADER_ROW, j, column.header_vi, fmt["header"])
        sheet.write_string(HEADER_EN_ROW, j, column.header_en or column.name, fmt["header_en"])
        width = column.width or max(10.0, min(40.0, len(column.header_vi) * 0.9 + 2))
        sheet.set_column(j, j, width)
    for i, row in enumerate(table.rows):
        for j, column in enumerate(table.columns):
            _write_cell(sheet, DATA_START_ROW + i, j, row[j], column.kind, fmt)
    last_row = DATA_START_ROW + max(len(table.rows), 1) - 1
    sheet.freeze_panes(DATA_START_ROW, 0)
    if table.rows:
        sheet.autofilter(HEADER_EN_ROW, 0, last_row, len(table.columns) - 1)
    anchor_col = len(table.columns) + 1
    for k, chart_spec in enumerate(table.charts):
        if not table.rows:
            continue
        chart = workbook.add_chart({"type": chart_spec.kind})
        cat = table.column_index(chart_spec.category)
        for name in chart_spec.values:
            j = table.column_index(name)
            chart.add_series({
                "name": [sheet.name, HEADER_ROW, j],
                "categories": [sheet.name, DATA_START_ROW, cat, last_row, cat],
                "values": [sheet.name, DATA_START_ROW, j, last_row, j],
            })
        chart.set_title({"name": chart_spec.title_vi})
        chart.set_legend({"position": "bottom"})
        if chart_spec.y_title_vi:
            axis = chart.set_x_axis if chart_spec.kind == "bar" else chart.set_y_axis
            axis({"name": chart_spec.y_title_vi, "num_format": "#,##0"})
        height = 480 if chart_spec.kind != "bar" else max(360, 18 * len(table.rows) + 120)
        chart.set_size({"width": 760, "height": height})
        sheet.insert_chart(HEADER_ROW + k * 26, anchor_col, chart)


def write_workbook(report: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    moment = datetime(report.month.year, report.month.month, 1)
    workbook.set_properties({
        "title": report.title_vi,
        "subject": "Báo cáo tháng — sáp nhập đơn vị hành chính 2025",
        "author": "sapnhap",
        "company": "sapnhap",
        "created": moment,
    })
    fmt = _formats(workbook)
    for i, table in enumerate(report.tables):
        _write_table(workbook, table, fmt, report.warnings_vi if i == 0 else [])
    workbook.close()
    return path


def month_label(month: date) -> str:
    return f"tháng {month:%m/%Y}"
