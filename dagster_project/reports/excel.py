"""Write a Report as an Excel workbook a Department of Home Affairs can sign.

- Each sheet is an official form: the issuing body and the national motto, the form number
  (biểu số), the title, the scope and period, the data cut-off, any warning, the unit; then
  the tables, each with a Vietnamese header, an English gloss row, and its total row; the last
  sheet ends with the signature block. Printed on A4 landscape, one page wide, the table
  header repeated on every page, the form and page number in the footer.
- Numbers are stored as numbers and dates as dates, with display formats (`#,##0`,
  `#,##0.0` for triệu đồng, `dd/mm/yyyy`) that a Vietnamese Excel shows as 1.234.567 and
  3,5; nothing is written as formatted text.
- Text from the data is always written as a string cell: a value such as `=HYPERLINK(...)`
  stays text and can never run as a formula (and the workbook holds no formulas at all).
- Real Excel charts, drawn from cells of the workbook.
- Reproducible: fixed document properties, so the same report gives the same bytes.
"""

import math
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from dagster_project.reports.model import (
    DATE,
    DETAIL,
    GROUP,
    INTEGER,
    MILLION,
    MONEY,
    MONTH,
    NUMERIC,
    SECTION,
    SUBTOTAL,
    TEXT,
    TOTAL,
    Chart,
    Report,
    Sheet,
    Table,
    restatement_text,
)

FONT = "Times New Roman"  # Decree 30/2020 (administrative documents)
CHART_FONT = "Arial"
NUMBER_FORMATS = {
    INTEGER: "#,##0",
    MONEY: "#,##0",
    MILLION: "#,##0.0",
    DATE: "dd/mm/yyyy",
    MONTH: "mm/yyyy",
}
HEADER_FILL, TOTAL_FILL, GROUP_FILL, SECTION_FILL = "#DCE6F1", "#F2F2F2", "#F7F9FC", "#EDEDED"
WARNING_COLOR = "#B00020"
MARK_FILL = "#FDE2E1"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
CHART_ROW_PX = 20  # default row height in pixels


class Formats:
    """Formats made once per combination (xlsxwriter needs one object per look)."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.cache: dict = {}
        self.cells: dict = {}  # (kind, row kind, marked) -> format: asked once per cell

    def get(self, **props) -> object:
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.workbook.add_format({"font_name": FONT, "font_size": 11, **props})
        return self.cache[key]

    def cell(self, kind: str, row_kind: str, marked: bool) -> object:
        key = (kind, row_kind, marked)
        if key not in self.cells:
            self.cells[key] = self._cell(kind, row_kind, marked)
        return self.cells[key]

    def _cell(self, kind: str, row_kind: str, marked: bool) -> object:
        props: dict = {"border": 1, "valign": "top"}
        if kind in NUMBER_FORMATS:
            props["num_format"] = NUMBER_FORMATS[kind]
        if kind in NUMERIC:
            props["align"] = "right"
        elif kind in (DATE, MONTH):
            props["align"] = "center"
        else:
            props["text_wrap"] = True
        if row_kind in (TOTAL, GROUP, SUBTOTAL, SECTION):
            props["bold"] = True
        if row_kind == SUBTOTAL:
            props["italic"] = True
        if row_kind == TOTAL:
            props["bg_color"] = TOTAL_FILL
            props["top"] = 6  # double line above the total
        elif row_kind == GROUP:
            props["bg_color"] = GROUP_FILL
        elif row_kind == SECTION:
            props["bg_color"] = SECTION_FILL
        if marked:
            props["font_color"] = WARNING_COLOR
            props["bg_color"] = MARK_FILL
            props["bold"] = True
        return self.get(**props)


MOTTO_WIDTH = 46  # column widths the national motto needs on one line (bold, 11 pt)


def _split(widths: list[float]) -> int:
    """The first column of the right-hand block (national motto, signature of the head) of
    the form header: from about 42% of the width, moved left when the columns to its right
    are too narrow for the motto (a sheet of a few wide columns)."""
    total, acc = sum(widths), 0.0
    split = max(1, len(widths) - 1)
    for i, w in enumerate(widths):
        acc += w
        if acc >= total * 0.42:
            split = max(1, min(i + 1, len(widths) - 1))
            break
    while split > 1 and sum(widths[split:]) < MOTTO_WIDTH:
        split -= 1
    return split


def _merge(sheet, row: int, first: int, last: int, text: str, fmt) -> None:
    if last > first:
        sheet.merge_range(row, first, row, last, text, fmt)
    else:
        sheet.write_string(row, first, text, fmt)


def _lines(text: str, width_chars: float, bold: bool = False) -> int:
    """Lines a wrapped text takes in a cell `width_chars` wide (11 pt Times New Roman), on the
    safe side: a cut line is worse than a blank one. Rows get this height set, as LibreOffice
    does not fit a row to its wrapped text when it opens a workbook."""
    per_line = max(width_chars * (0.95 if bold else 1.15) - 1, 3)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _write_value(sheet, row: int, col: int, value, kind: str, fmt) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, fmt)
    elif kind in (DATE, MONTH) and isinstance(value, date):
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        sheet.write_datetime(row, col, moment, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "x" if value else "", fmt)
    elif kind in NUMERIC:
        sheet.write_number(row, col, float(value), fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


class Placed:
    """Where a table was written: for charts drawn from its cells."""

    def __init__(self, sheet_name: str, table: Table, first_row: int):
        self.sheet_name = sheet_name
        self.table = table
        self.first_row = first_row  # row of the table's first data row

    def detail_span(self) -> tuple[int, int] | None:
        rows = [i for i, r in enumerate(self.table.rows) if r.kind == DETAIL]
        if not rows:
            return None
        return self.first_row + rows[0], self.first_row + rows[-1]

    def ref(self, column: str) -> list:
        first, last = self.detail_span()
        j = self.table.column_index(column)
        return [self.sheet_name, first, j, last, j]


class SheetWriter:
    def __init__(self, workbook, formats: Formats, report: Report, spec: Sheet, is_last: bool):
        self.workbook = workbook
        self.f = formats
        self.report = report
        self.spec = spec
        self.is_last = is_last
        self.sheet = workbook.add_worksheet(spec.name[:31])
        self.widths = self._widths()
        self.ncols = len(self.widths)
        self.row = 0
        self.placed: dict[str, Placed] = {}
        self.header_rows: tuple[int, int] | None = None
        self.freeze_row: int | None = None
        self.filter_range: tuple[int, int, int, int] | None = None
        self.chart_anchors: list[tuple[Chart, int]] = []
        self.page_breaks: list[int] = []

    def _widths(self) -> list[float]:
        widths: list[float] = []
        for table in self.spec.tables:
            for j, c in enumerate(table.columns):
                w = c.width if c.width is not None else max(10.0, min(40.0, len(c.header_vi) * 0.9 + 2))
                if j >= len(widths):
                    widths.append(w)
        while len(widths) < 4:
            widths.append(12.0)
        return widths

    def _width(self, j: int) -> float:
        return self.widths[j] if j < len(self.widths) else 10.0

    def write(self) -> None:
        for j, w in enumerate(self.widths):
            self.sheet.set_column(j, j, w, None, {"hidden": w == 0})
        self._form_header()
        if self.spec.charts and self.spec.name == "Biểu đồ":
            self._charts_and_tables()
        else:
            for k, table in enumerate(self.spec.tables):
                self._table(table, main=k == 0)
        for note in self.spec.notes_vi:
            self._note(note)
        if self.is_last:
            self._signatures()
        self._page_setup()

    # The form's head: who issues it, the motto, the form, the title, scope, period, cut-off.
    def _form_header(self) -> None:
        s, f, n = self.sheet, self.f, self.ncols
        split = _split(self.widths)
        left_top = self.report.issuer_parent_vi or self.report.issuer_vi
        left_second = self.report.issuer_vi if self.report.issuer_parent_vi else ""
        center = {"align": "center", "valign": "vcenter"}
        _merge(s, 0, 0, split - 1, left_top, f.get(**center, bold=not self.report.issuer_parent_vi))
        _merge(s, 0, split, n - 1, MOTTO[0], f.get(**center, bold=True))
        _merge(s, 1, 0, split - 1, left_second, f.get(**center, bold=True, underline=1))
        _merge(s, 1, split, n - 1, MOTTO[1], f.get(**center, bold=True, underline=1))
        _merge(s, 2, 0, split - 1, f"Biểu số {self.spec.form_no}", f.get(**center, italic=True))
        _merge(s, 2, split, n - 1, "", f.get())
        width_chars = sum(self.widths)
        title = self.spec.title_vi
        _merge(s, 4, 0, n - 1, title, f.get(**center, bold=True, font_size=13, text_wrap=True))
        s.set_row(4, 18 * _lines(title, width_chars * 0.85))
        scope = f"Phạm vi: {self.report.scope_name_vi}. {self.report.period_vi}"
        _merge(s, 5, 0, n - 1, scope, f.get(**center, bold=True))
        _merge(s, 6, 0, n - 1, self.report.cutoff_vi, f.get(**center, italic=True, text_wrap=True))
        s.set_row(6, 15 * _lines(self.report.cutoff_vi, width_chars))
        self.row = 7
        for warning in self.report.warnings_vi:
            _merge(s, self.row, 0, n - 1, warning,
                   f.get(bold=True, font_color=WARNING_COLOR, text_wrap=True, valign="top", border=2,
                         border_color=WARNING_COLOR))
            s.set_row(self.row, 15 * _lines(warning, width_chars) + 4)
            self.row += 1
        if self.report.changes:
            text = restatement_text(self.report)
            _merge(s, self.row, 0, n - 1, text,
                   f.get(bold=True, font_color=WARNING_COLOR, text_wrap=True, bg_color="#FFF2CC", border=1))
            s.set_row(self.row, 15 * _lines(text, width_chars) + 4)
            self.row += 1
        _merge(s, self.row, split, n - 1, self.spec.unit_vi, f.get(italic=True, align="right"))
        self.row += 1

    def _table(self, table: Table, main: bool) -> None:
        s, f = self.sheet, self.f
        if table.title_vi:
            _merge(s, self.row, 0, self.ncols - 1, table.title_vi, f.get(bold=True, text_wrap=True))
            self.row += 1
        header_vi, header_en = self.row, self.row + 1
        for j, c in enumerate(table.columns):
            s.write_string(header_vi, j, c.header_vi,
                           f.get(bold=True, bg_color=HEADER_FILL, border=1, text_wrap=True, align="center",
                                 valign="vcenter"))
            s.write_string(header_en, j, c.header_en or c.name,
                           f.get(italic=True, font_color="#666666", font_size=8, border=1, text_wrap=True,
                                 align="center", valign="top", bg_color=HEADER_FILL))
        longest = max(_lines(c.header_vi, self._width(j), bold=True) for j, c in enumerate(table.columns))
        s.set_row(header_vi, 15 * longest + 3)
        longest_en = max(_lines(c.header_en or c.name, self._width(j) * 1.35) for j, c in enumerate(table.columns))
        s.set_row(header_en, 11 * longest_en + 2)
        first = header_en + 1
        self.placed[table.key] = Placed(s.name, table, first)
        for i, row in enumerate(table.rows):
            for j, c in enumerate(table.columns):
                value = row.values[j]
                kind = TEXT if isinstance(value, str) else c.kind  # a label in a figure column
                fmt = f.cell(kind, row.kind, c.name in row.marked)
                _write_value(s, first + i, j, value, kind, fmt)
            bold = row.kind != DETAIL
            needed = max((_lines(v, self._width(j), bold)
                          for j, v in enumerate(row.values)
                          if isinstance(v, str)), default=1)
            if needed > 1:
                s.set_row(first + i, 15 * needed + 1)
        last = first + max(len(table.rows), 1) - 1
        if not table.rows:
            _merge(s, first, 0, len(table.columns) - 1, "Không có số liệu.", f.get(italic=True, border=1))
        if main:
            self.header_rows = (header_vi, header_en)
            self.freeze_row = first
            if table.rows:
                self.filter_range = (header_en, 0, last, len(table.columns) - 1)
        self.row = last + 1
        if table.note_vi:
            self._note(table.note_vi)
        self.row += 1

    def _note(self, text: str) -> None:
        _merge(self.sheet, self.row, 0, self.ncols - 1, text, self.f.get(italic=True, text_wrap=True, valign="top"))
        self.sheet.set_row(self.row, 15 * _lines(text, sum(self.widths)) + 2)
        self.row += 1

    def _charts_and_tables(self) -> None:
        """The charts sheet: each chart, then the table it draws (when the table is here)."""
        written: set[str] = set()
        for k, chart in enumerate(self.spec.charts):
            if k:
                self.page_breaks.append(self.row)
            self.chart_anchors.append((chart, self.row))
            self.row += math.ceil(chart_height(chart, self.report) / CHART_ROW_PX) + 1
            if chart.note_vi:
                self._note(chart.note_vi)
            next_uses = {c.table for c in self.spec.charts[k + 1:]}
            for table in self.spec.tables:
                if table.key == chart.table and table.key not in written and table.key not in next_uses:
                    self.page_breaks.append(self.row)  # the chart's figures on a page of their own
                    self._table(table, main=False)
                    written.add(table.key)
        for table in self.spec.tables:
            if table.key not in written:
                self._table(table, main=False)

    def _signatures(self) -> None:
        s, f, n = self.sheet, self.f, self.ncols
        split = _split(self.widths)
        self.row += 1
        center = {"align": "center", "valign": "vcenter"}
        place = f"{self.report.place_vi}, ngày … tháng … năm …"
        _merge(s, self.row, split, n - 1, place, f.get(**center, italic=True))
        self.row += 1
        _merge(s, self.row, 0, split - 1, "NGƯỜI LẬP BIỂU", f.get(**center, bold=True))
        _merge(s, self.row, split, n - 1, "THỦ TRƯỞNG ĐƠN VỊ", f.get(**center, bold=True))
        self.row += 1
        _merge(s, self.row, 0, split - 1, "(Ký, ghi rõ họ tên)", f.get(**center, italic=True))
        _merge(s, self.row, split, n - 1, "(Ký tên, đóng dấu)", f.get(**center, italic=True))
        self.row += 5
        _merge(s, self.row, 0, split - 1, "", f.get())
        self.row += 1

    def _page_setup(self) -> None:
        s = self.sheet
        s.set_landscape()
        s.set_paper(9)  # A4
        s.fit_to_pages(1, 0)
        s.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        s.center_horizontally()
        s.print_area(0, 0, max(self.row - 1, 0), self.ncols - 1)
        if self.header_rows:
            s.repeat_rows(*self.header_rows)
        scope = self.report.scope_name_vi.replace("&", "&&")
        s.set_footer(f"&L&8Biểu số {self.spec.form_no} — {scope} — tháng {self.report.month:%m/%Y}"
                     "&R&8Trang &P/&N")
        if self.freeze_row is not None:
            s.freeze_panes(self.freeze_row, 0)
        if self.filter_range:
            s.autofilter(*self.filter_range)
        if self.page_breaks:
            s.set_h_pagebreaks(self.page_breaks)


# --- Charts ----------------------------------------------------------------------------


def chart_height(chart: Chart, report: Report) -> int:
    """Pixels: a bar chart grows with its categories up to a printed page."""
    if chart.kind == "bar":
        n = len(report.table(chart.table).values(chart.category))
        return min(640, max(300, 16 * n + 110))
    return 400


def _axis_font() -> dict:
    return {"name": CHART_FONT, "size": 9}


def _bar_limits(chart: Chart, table: Table) -> tuple[float, float, float]:
    """A value axis wide enough for the labels beyond the longest bars on both sides, in
    round steps: (min, max, step)."""
    values = [float(v) for s in chart.series for v in table.values(s.column) if v is not None]
    lo, hi = min([0.0, *values]), max([0.0, *values])
    span = (hi - lo) or 1.0
    step = nice_step(span / 6)
    pad = span * 0.14
    return (math.floor((lo - pad) / step) * step if lo < 0 else 0.0,
            math.ceil((hi + pad) / step) * step if hi > 0 else 0.0, step)


def nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least `raw` (and at least 1: persons are whole)."""
    if raw <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return float(m * power)
    return float(10 * power)


def add_chart(workbook, sheet, anchor_row: int, chart: Chart, report: Report, placed: dict[str, Placed],
              width_px: int) -> None:
    where = placed[chart.table]
    table = where.table
    if where.detail_span() is None:
        sheet.write_string(anchor_row, 0, f"{chart.title_vi}: không có số liệu.")
        return
    if chart.kind == "bar":
        xl = workbook.add_chart({"type": "bar"})
    elif chart.kind == "column":
        xl = workbook.add_chart({"type": "column"})
    else:
        xl = workbook.add_chart({"type": "line"})
    line_part = None
    # Excel lists a bar chart's legend bottom-up: add its series in reverse to read them in order.
    ordered = list(enumerate(chart.series))
    for k, s in (reversed(ordered) if chart.kind == "bar" else ordered):
        series = {
            "name": s.name_vi,
            "categories": where.ref(chart.category),
            "values": where.ref(s.column),
        }
        if chart.kind in ("bar", "column") and s.kind != "line":
            series["fill"] = {"color": s.color}
            series["border"] = {"none": True}
            series["gap"] = 60
            if chart.stacked:
                series["overlap"] = 100
            if chart.labels:
                series["data_labels"] = {"value": True, "position": "outside_end",
                                         "num_format": "#,##0;-#,##0;;", "font": _axis_font()}
        else:
            series["line"] = {"color": s.color, "width": 2.25, "dash_type": "dash" if k == 1 else "solid"}
            series["marker"] = {"type": "none"}
            if chart.highlight and k == 0:
                _highlight(series, chart, table)
        if s.kind == "line" and chart.kind != "line":
            if line_part is None:
                line_part = workbook.add_chart({"type": "line"})
            line_part.add_series(series)
        else:
            xl.add_series(series)
    if line_part is not None:
        xl.combine(line_part)
    xl.set_title({"name": chart.title_vi, "name_font": {"name": CHART_FONT, "size": 11, "bold": True}})
    xl.set_legend({"position": "bottom", "font": _axis_font()})
    value_axis = {"num_format": "#,##0", "num_font": _axis_font(), "major_gridlines": {"visible": True,
                  "line": {"color": "#D9D9D9"}}}
    if chart.y_title_vi:
        value_axis["name"] = chart.y_title_vi
        value_axis["name_font"] = {"name": CHART_FONT, "size": 9, "bold": False}
    category_axis: dict = {"num_font": _axis_font()}
    if chart.kind == "bar":
        lo, hi, step = _bar_limits(chart, table)
        value_axis.update({"min": lo, "max": hi, "major_unit": step})
        category_axis.update({"reverse": True, "label_position": "low", "crossing": "max", "interval_unit": 1,
                              "num_font": {"name": CHART_FONT, "size": 8}})
        # In a bar chart xlsxwriter's x axis is the horizontal one, the values.
        xl.set_x_axis(value_axis)
        xl.set_y_axis(category_axis)
    else:
        if chart.y_min is not None:
            value_axis["min"] = chart.y_min
        n = len(table.values(chart.category))
        category_axis.update({"num_format": "mm/yyyy", "interval_unit": max(1, math.ceil(n / 12)),
                              "num_font": {**_axis_font(), "rotation": -45}})
        xl.set_x_axis(category_axis)
        xl.set_y_axis(value_axis)
    xl.set_chartarea({"border": {"none": True}})
    xl.set_size({"width": width_px, "height": chart_height(chart, report)})
    sheet.insert_chart(anchor_row, 0, xl, {"object_position": 1})


def _highlight(series: dict, chart: Chart, table: Table) -> None:
    """A labelled marker on the rows whose `chart.highlight` column holds a note."""
    notes = table.values(chart.highlight)
    if not any(notes):
        return
    categories = table.values(chart.category)
    custom = []
    points = []
    for note, category in zip(notes, categories, strict=True):
        if note:
            when = f"{category:%m/%Y}" if isinstance(category, date) else str(category)
            custom.append({"value": f"{note}: {when}", "font": {"name": CHART_FONT, "size": 9, "bold": True,
                                                              "color": WARNING_COLOR}})
            points.append({"fill": {"color": WARNING_COLOR}})
        else:
            custom.append({"delete": True})
            points.append(None)
    series["data_labels"] = {"value": True, "custom": custom, "position": "above"}
    series["points"] = points


def write_workbook(report: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_format_properties": {"font_name": FONT, "font_size": 11},
            # Assembled in memory, not in temporary files: a run killed while it writes
            # leaves nothing behind in the system's temporary folder.
            "in_memory": True,
        },
    )
    moment = datetime(report.month.year, report.month.month, 1)
    workbook.set_properties({
        "title": report.title_vi,
        "subject": "Báo cáo tháng — sáp nhập đơn vị hành chính 2025",
        "author": report.issuer_vi,
        "company": report.issuer_parent_vi or report.issuer_vi,
        "created": moment,
    })
    formats = Formats(workbook)
    writers = []
    for i, spec in enumerate(report.sheets):
        writer = SheetWriter(workbook, formats, report, spec, is_last=i == len(report.sheets) - 1)
        writer.write()
        writers.append(writer)
    placed = {key: p for w in writers for key, p in w.placed.items()}
    for writer in writers:
        width_px = int(sum(writer.widths) * 7.2)
        for chart, anchor in writer.chart_anchors:
            add_chart(workbook, writer.sheet, anchor, chart, report, placed, width_px)
    workbook.close()
    return path
