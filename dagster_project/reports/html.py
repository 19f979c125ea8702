"""Write a Report as one self-contained HTML page: inline CSS and SVG charts, no script,
no external file, readable offline. The same form as the workbook (issuer, motto, form
numbers, scope, period, cut-off, warnings, tables with their totals, charts, signatures),
from the same objects. Every text from the data is escaped. Deterministic: the same report
gives the same bytes."""

import html
import math
from datetime import date
from pathlib import Path

from dagster_project.reports.model import (
    DATE,
    DETAIL,
    MILLION,
    MONTH,
    NUMERIC,
    Chart,
    Report,
    Sheet,
    Table,
    restatement_text,
)

MAX_DETAIL_ROWS = 300  # a longer table shows its group, subtotal and total rows only
FONT = "'Times New Roman',Times,serif"

CSS = f"""
body{{font-family:{FONT};margin:24px auto;color:#111;max-width:1180px;font-size:15px}}
.head{{display:flex;justify-content:space-between;text-align:center;margin-bottom:8px}}
.head div{{width:48%}} .head b{{display:block}} .u{{text-decoration:underline}}
h1{{font-size:19px;text-align:center;margin:14px 0 4px}} .scope{{text-align:center;font-weight:bold}}
.cutoff{{text-align:center;font-style:italic;margin:2px 0 8px}}
h2{{font-size:16px;margin-top:36px;border-bottom:2px solid #DCE6F1;padding-bottom:3px}}
.form{{font-weight:normal;font-style:italic;color:#444;font-size:13px}}
.en{{color:#666;font-style:italic;font-size:12px;font-weight:normal}}
.unit{{text-align:right;font-style:italic;font-size:13px;margin:4px 0}}
table{{border-collapse:collapse;font-size:13px;margin:6px 0;width:100%}}
th{{background:#DCE6F1;text-align:center;padding:4px 5px;border:1px solid #999;vertical-align:middle}}
td{{padding:3px 5px;border:1px solid #bbb;vertical-align:top}}
td.n{{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}} td.c{{text-align:center}}
tr.total td{{font-weight:bold;background:#F2F2F2;border-top:3px double #555}}
tr.group td,tr.subtotal td,tr.section td{{font-weight:bold}} tr.subtotal td{{font-style:italic}}
tr.group td{{background:#F7F9FC}} tr.section td{{background:#EDEDED}}
td.mark{{color:#B00020;background:#FDE2E1;font-weight:bold}}
.chart{{margin:14px 0}} .note{{color:#333;font-size:13px;font-style:italic}}
.warning{{color:#B00020;font-weight:bold;border:2px solid #B00020;padding:8px;background:#FFF4F4}}
.restated{{color:#B00020;font-weight:bold;border:1px solid #B00020;padding:8px;background:#FFF2CC}}
.sign{{display:flex;justify-content:space-between;text-align:center;margin:28px 0 90px}}
.sign div{{width:48%}}
"""


def vn_number(value, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,50' (Vietnamese separators)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_value(value, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "x" if value else ""
    if kind == MILLION:
        return vn_number(float(value), 1)
    if kind in NUMERIC:
        return vn_number(round(float(value)))
    if kind == DATE and isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if kind == MONTH and isinstance(value, date):
        return f"{value:%m/%Y}"
    return str(value)


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _label(value) -> str:
    if isinstance(value, date):
        return f"{value:%m/%Y}"
    return "" if value is None else str(value)


# --- Axis scales ----------------------------------------------------------------------


def nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least `raw` and at least 1 (persons are whole)."""
    if raw <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return float(m * power)
    return float(10 * power)


def ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]: whole numbers in steps of 1, 2 or 5 x 10^k."""
    step = nice_step((hi - lo) / max(count, 1) or 1)
    first = math.floor(lo / step) * step
    last = math.ceil(hi / step) * step
    n = int(round((last - first) / step))
    return [first + i * step for i in range(n + 1)]


def _series_values(chart: Chart, table: Table) -> list[list[float | None]]:
    return [[None if v is None else float(v) for v in table.values(s.column)] for s in chart.series]


def _legend(chart: Chart, y: float, x0: float = 10) -> str:
    items = []
    x = x0
    for s in chart.series:
        shape = (f'<line x1="{x:.0f}" y1="{y - 4:.0f}" x2="{x + 14:.0f}" y2="{y - 4:.0f}" stroke="{s.color}" '
                 f'stroke-width="3"/>' if (s.kind or chart.kind) == "line" else
                 f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="12" height="12" fill="{s.color}"/>')
        items.append(f'{shape}<text x="{x + 18:.0f}" y="{y:.0f}" font-size="12">{_esc(s.name_vi)}</text>')
        x += 30 + 7.2 * len(s.name_vi)
    return "".join(items)


def _title(chart: Chart) -> str:
    return f'<text x="4" y="18" font-size="14" font-weight="bold">{_esc(chart.title_vi)}</text>'


def _bar_svg(chart: Chart, table: Table) -> str:
    """Horizontal bars diverging around zero: category names in their own column on the left,
    value labels inside the plot (which keeps room for them on both sides)."""
    cats = [_label(v) for v in table.values(chart.category)]
    series = _series_values(chart, table)
    values = [v for s in series for v in s if v is not None]
    lo, hi = min([0.0, *values]), max([0.0, *values])
    grid = ticks(lo, hi, 6)
    lo, hi = min(lo, grid[0]), max(hi, grid[-1])
    label_w, plot_w, row_h, top = 250, 640, 18, 34
    pad = 56  # room for a value label beyond the longest bar
    height = top + row_h * len(cats) + 64
    width = label_w + plot_w + 20

    def x_of(v: float) -> float:
        return label_w + pad + (plot_w - 2 * pad) * (v - lo) / ((hi - lo) or 1)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'font-family="Arial,sans-serif">', _title(chart)]
    for t in grid:
        x = x_of(t)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{top + row_h * len(cats)}" '
                     f'stroke="#e3e3e3"/><text x="{x:.1f}" y="{top + row_h * len(cats) + 14}" font-size="10" '
                     f'text-anchor="middle">{vn_number(t)}</text>')
    for i, cat in enumerate(cats):
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{_esc(cat)}</text>')
        for s, vals in zip(chart.series, series, strict=True):
            v = vals[i]
            if v is None or v == 0:
                continue
            x1, x2 = sorted((x_of(0), x_of(v)))
            parts.append(f'<rect x="{x1:.1f}" y="{y + 3}" width="{x2 - x1:.1f}" height="{row_h - 6}" '
                         f'fill="{s.color}"/>')
            if chart.labels:
                tx, anchor = (x2 + 4, "start") if v > 0 else (x1 - 4, "end")
                parts.append(f'<text x="{tx:.1f}" y="{y + row_h / 2 + 4:.1f}" font-size="10" '
                             f'text-anchor="{anchor}">{vn_number(v)}</text>')
    parts.append(f'<line x1="{x_of(0):.1f}" y1="{top - 4}" x2="{x_of(0):.1f}" y2="{top + row_h * len(cats)}" '
                 f'stroke="#333"/>')
    parts.append(_legend(chart, height - 12))
    parts.append("</svg>")
    return "".join(parts)


def _xy_svg(chart: Chart, table: Table) -> str:
    """Grouped columns, lines, or columns with a line, over the categories."""
    cats = [_label(v) for v in table.values(chart.category)]
    series = _series_values(chart, table)
    values = [v for s in series for v in s if v is not None] or [0.0]
    lo = chart.y_min if chart.y_min is not None else min(0.0, *values)
    hi = max(values)
    grid = ticks(lo, hi, 5)
    lo, hi = grid[0], grid[-1]
    left, top, plot_w, plot_h = 90, 40, 780, 250
    width, height = left + plot_w + 30, top + plot_h + 84
    step = plot_w / max(len(cats), 1)

    def y_of(v: float) -> float:
        return top + plot_h * (1 - (v - lo) / ((hi - lo) or 1))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'font-family="Arial,sans-serif">', _title(chart)]
    for t in grid:
        y = y_of(t)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e3e3e3"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{vn_number(t)}</text>')
    if chart.y_title_vi:
        parts.append(f'<text x="14" y="{top + plot_h / 2:.0f}" font-size="11" text-anchor="middle" '
                     f'transform="rotate(-90 14 {top + plot_h / 2:.0f})">{_esc(chart.y_title_vi)}</text>')
    every = max(1, math.ceil(len(cats) / 12))
    for i, cat in enumerate(cats):
        if i % every == 0:
            x = left + step * (i + 0.5)
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" font-size="10" '
                         f'text-anchor="middle">{_esc(cat)}</text>')
    columns = [(s, v) for s, v in zip(chart.series, series, strict=True) if (s.kind or chart.kind) == "column"]
    lines = [(s, v) for s, v in zip(chart.series, series, strict=True) if (s.kind or chart.kind) == "line"]
    bar_w = step * 0.8 / max(len(columns), 1)
    for k, (s, vals) in enumerate(columns):
        for i, v in enumerate(vals):
            if v is None:
                continue
            x = left + step * i + step * 0.1 + k * bar_w
            y, y0 = y_of(max(v, 0)), y_of(min(v, 0) if lo < 0 else lo)
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{max(y0 - y, 0):.1f}" '
                         f'fill="{s.color}"/>')
    for k, (s, vals) in enumerate(lines):
        points = " ".join(f"{left + step * (i + 0.5):.1f},{y_of(v):.1f}" for i, v in enumerate(vals) if v is not None)
        dash = ' stroke-dasharray="7 4"' if k == 1 and chart.kind == "line" else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{s.color}" stroke-width="2.5"{dash}/>')
    if chart.highlight and lines:
        notes = table.values(chart.highlight)
        first = lines[0][1]
        for i, note in enumerate(notes):
            if note and first[i] is not None:
                x, y = left + step * (i + 0.5), y_of(first[i])
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#B00020"/>'
                             f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#B00020" '
                             f'stroke-dasharray="3 3"/>'
                             f'<text x="{x - 6:.1f}" y="{y - 10:.1f}" font-size="12" font-weight="bold" '
                             f'fill="#B00020" text-anchor="end">{_esc(note)}: {_esc(cats[i])}</text>')
    if lo <= 0 <= hi:
        parts.append(f'<line x1="{left}" y1="{y_of(0):.1f}" x2="{left + plot_w}" y2="{y_of(0):.1f}" stroke="#333"/>')
    parts.append(_legend(chart, height - 12, left))
    parts.append("</svg>")
    return "".join(parts)


def chart_svg(chart: Chart, table: Table) -> str:
    if not table.values(chart.category):
        return f"<p class='note'>{_esc(chart.title_vi)}: không có số liệu.</p>"
    return _bar_svg(chart, table) if chart.kind == "bar" else _xy_svg(chart, table)


# --- Tables and the page -------------------------------------------------------------


def _table_html(table: Table) -> str:
    title = (f"<p><b>{_esc(table.title_vi)}</b> <span class='en'>{_esc(table.title_en)}</span></p>"
             if table.title_vi else "")
    head = "".join(f"<th>{_esc(c.header_vi)}<br><span class='en'>{_esc(c.header_en or c.name)}</span></th>"
                   for c in table.columns)
    details = sum(1 for r in table.rows if r.kind == DETAIL)
    shown = [r for r in table.rows if details <= MAX_DETAIL_ROWS or r.kind != DETAIL]
    body = []
    for row in shown:
        cells = []
        for c, v in zip(table.columns, row.values, strict=True):
            classes = ["n" if c.kind in NUMERIC and not isinstance(v, str) else "c" if c.kind in (DATE, MONTH) else ""]
            if c.name in row.marked:
                classes.append("mark")
            cls = " ".join(x for x in classes if x)
            cells.append(f"<td class='{cls}'>{_esc(format_value(v, c.kind))}</td>" if cls else
                         f"<td>{_esc(format_value(v, c.kind))}</td>")
        body.append(f"<tr class='{row.kind}'>{''.join(cells)}</tr>")
    more = ""
    if len(shown) < len(table.rows):
        more = (f"<p class='note'>{details} dòng chi tiết trong tệp Excel; trang này chỉ hiện các dòng cộng "
                f"(the {details} detail rows are in the workbook; this page shows the subtotal and total rows).</p>")
    if not table.rows:
        body.append(f"<tr><td colspan='{len(table.columns)}'><i>Không có số liệu.</i></td></tr>")
    note = f"<p class='note'>{_esc(table.note_vi)}</p>" if table.note_vi else ""
    return f"{title}<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}{note}"


def _sheet_html(report: Report, sheet: Sheet) -> str:
    parts = [f"<section><h2><span class='form'>Biểu số {_esc(sheet.form_no)}</span><br>{_esc(sheet.title_vi)} "
             f"<span class='en'>{_esc(sheet.title_en)}</span></h2>",
             f"<p class='unit'>{_esc(sheet.unit_vi)}</p>"]
    for chart in sheet.charts:
        parts.append(f"<div class='chart'>{chart_svg(chart, report.table(chart.table))}</div>")
        if chart.note_vi:
            parts.append(f"<p class='note'>{_esc(chart.note_vi)}</p>")
    for table in sheet.tables:
        parts.append(_table_html(table))
    for note in sheet.notes_vi:
        parts.append(f"<p class='note'>{_esc(note)}</p>")
    parts.append("</section>")
    return "".join(parts)


def render_html(report: Report) -> str:
    left = ([f"<span>{_esc(report.issuer_parent_vi)}</span>",
             f"<b class='u'>{_esc(report.issuer_vi)}</b>"] if report.issuer_parent_vi
            else [f"<b>{_esc(report.issuer_vi)}</b>"])
    head = ("<div class='head'><div>" + "".join(left) + "</div><div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>"
            "<b class='u'>Độc lập - Tự do - Hạnh phúc</b></div></div>")
    banners = "".join(f"<p class='warning' role='alert'>{_esc(w)}</p>" for w in report.warnings_vi)
    if report.changes:
        banners += f"<p class='restated' role='alert'>{_esc(restatement_text(report))}</p>"
    sign = (f"<div class='sign'><div><b>NGƯỜI LẬP BIỂU</b><br><i>(Ký, ghi rõ họ tên)</i></div>"
            f"<div><i>{_esc(report.place_vi)}, ngày … tháng … năm …</i><br><b>THỦ TRƯỞNG ĐƠN VỊ</b><br>"
            f"<i>(Ký tên, đóng dấu)</i></div></div>")
    return (
        "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>{_esc(report.title_vi)}</title><style>{CSS}</style></head><body>"
        + head
        + f"<h1>BÁO CÁO THÁNG {report.month:%m/%Y}</h1>"
        + f"<p class='scope'>Phạm vi: {_esc(report.scope_name_vi)}. {_esc(report.period_vi)}</p>"
        + f"<p class='cutoff'>{_esc(report.cutoff_vi)}</p>"
        + banners
        + f"<p class='en'>Monthly report {report.month:%m/%Y} — {_esc(report.scope_name_vi)}: the same forms as "
        "the workbook, from the published warehouse.</p>"
        + "".join(_sheet_html(report, sheet) for sheet in report.sheets)
        + sign
        + "</body></html>\n"
    )


def write_html(report: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
