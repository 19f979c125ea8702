"""Write a Report as one self-contained HTML page: inline CSS and SVG charts, no script,
no external file, readable offline. Deterministic: the same report gives the same bytes."""

import html
from datetime import date
from pathlib import Path

from dagster_project.reports.model import (
    DATE,
    DECIMAL,
    INTEGER,
    MONEY,
    MONTH,
    PERCENT,
    Chart,
    Report,
    Table,
)

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")
MAX_HTML_ROWS = 60

CSS = """
body{font-family:'Segoe UI',Arial,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px;margin-bottom:4px} h2{font-size:18px;margin-top:32px;border-bottom:2px solid #DCE6F1}
.en{color:#666;font-style:italic;font-size:13px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th{background:#DCE6F1;text-align:left;padding:4px 6px;border:1px solid #aaa;vertical-align:top}
td{padding:3px 6px;border:1px solid #ddd} td.n{text-align:right;font-variant-numeric:tabular-nums}
.chart{margin:12px 0} .note{color:#555;font-size:12px}
.warning{color:#B00020;font-weight:bold;border:2px solid #B00020;padding:8px;background:#FFF4F4}
"""


def vn_number(value, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,50' (Vietnamese separators)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind in (INTEGER, MONEY):
        return vn_number(round(float(value)))
    if kind == DECIMAL:
        return vn_number(float(value), 2)
    if kind == PERCENT:
        return vn_number(float(value) * 100, 1) + " %"
    if kind == DATE and isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if kind == MONTH and isinstance(value, date):
        return f"{value:%m/%Y}"
    return str(value)


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _category_label(value) -> str:
    if isinstance(value, date):
        return f"{value:%m/%Y}"
    return str(value)


def _bar_svg(chart: Chart, table: Table) -> str:
    """Horizontal bars, diverging around zero (surplus right, shortage left)."""
    cats = [_category_label(v) for v in table.values(chart.category)]
    series = [[float(v or 0) for v in table.values(name)] for name in chart.values]
    lo = min(0.0, *(min(s) for s in series))
    hi = max(0.0, *(max(s) for s in series))
    span = (hi - lo) or 1.0
    label_w, plot_w, row_h = 180, 560, 16 * len(series) + 6
    height = max(150, 40 + row_h * len(cats) + 30)
    x0 = label_w + plot_w * (-lo / span)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + plot_w + 90}" height="{height}" role="img">',
             f'<text x="4" y="18" font-size="14" font-weight="bold">{_esc(chart.title_vi)}</text>']
    for i, cat in enumerate(cats):
        y = 34 + i * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y + row_h / 2 + 4:.1f}" font-size="11" text-anchor="end">{_esc(cat)}</text>')
        for k, values in enumerate(series):
            v = values[i]
            x1 = label_w + plot_w * ((min(v, 0) - lo) / span)
            w = plot_w * abs(v) / span
            color = PALETTE[1] if v < 0 and len(series) == 1 else PALETTE[k % len(PALETTE)]
            parts.append(f'<rect x="{x1:.1f}" y="{y + 3 + k * 16}" width="{w:.1f}" height="13" fill="{color}"/>')
            tx = x1 + w + 4 if v >= 0 else x1 - 4
            anchor = "start" if v >= 0 else "end"
            parts.append(f'<text x="{tx:.1f}" y="{y + 13 + k * 16}" font-size="10" text-anchor="{anchor}">{vn_number(v)}</text>')
    parts.append(f'<line x1="{x0:.1f}" y1="30" x2="{x0:.1f}" y2="{height - 24}" stroke="#333"/>')
    parts.append(_legend(chart, table, height - 8))
    parts.append("</svg>")
    return "".join(parts)


def _legend(chart: Chart, table: Table, y: int) -> str:
    items = []
    for k, name in enumerate(chart.values):
        header = table.columns[table.column_index(name)].header_vi
        x = 10 + k * 220
        items.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>'
                     f'<text x="{x + 16}" y="{y}" font-size="11">{_esc(header)}</text>')
    return "".join(items)


def _xy_svg(chart: Chart, table: Table) -> str:
    """Vertical columns (grouped) or lines over the categories."""
    cats = [_category_label(v) for v in table.values(chart.category)]
    series = [[float(v or 0) for v in table.values(name)] for name in chart.values]
    lo = min(0.0, *(min(s) for s in series))
    hi = max(0.0, *(max(s) for s in series)) or 1.0
    span = (hi - lo) or 1.0
    left, top, plot_w, plot_h = 90, 36, 760, 260
    width, height = left + plot_w + 20, top + plot_h + 90
    step = plot_w / max(len(cats), 1)

    def y_of(v: float) -> float:
        return top + plot_h * (1 - (v - lo) / span)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">',
             f'<text x="4" y="18" font-size="14" font-weight="bold">{_esc(chart.title_vi)}</text>']
    for t in range(5):
        v = lo + span * t / 4
        y = y_of(v)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e5e5e5"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{vn_number(v)}</text>')
    label_every = max(1, len(cats) // 12)
    for i, cat in enumerate(cats):
        if i % label_every == 0:
            x = left + step * (i + 0.5)
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" font-size="10" text-anchor="middle">{_esc(cat)}</text>')
    if chart.kind == "line":
        for k, values in enumerate(series):
            points = " ".join(f"{left + step * (i + 0.5):.1f},{y_of(v):.1f}" for i, v in enumerate(values))
            parts.append(f'<polyline points="{points}" fill="none" stroke="{PALETTE[k % len(PALETTE)]}" stroke-width="2"/>')
    else:
        bar_w = step * 0.8 / max(len(series), 1)
        for k, values in enumerate(series):
            for i, v in enumerate(values):
                x = left + step * i + step * 0.1 + k * bar_w
                y, y0 = y_of(max(v, 0)), y_of(min(v, 0))
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{max(y0 - y, 0):.1f}" fill="{PALETTE[k % len(PALETTE)]}"/>')
    parts.append(f'<line x1="{left}" y1="{y_of(0):.1f}" x2="{left + plot_w}" y2="{y_of(0):.1f}" stroke="#333"/>')
    parts.append(_legend(chart, table, height - 10))
    parts.append("</svg>")
    return "".join(parts)


def chart_svg(chart: Chart, table: Table) -> str:
    if not table.rows:
        return ""
    return _bar_svg(chart, table) if chart.kind == "bar" else _xy_svg(chart, table)


def _table_html(table: Table) -> str:
    head = "".join(
        f"<th>{_esc(c.header_vi)}<br><span class='en'>{_esc(c.header_en or c.name)}</span></th>"
        for c in table.columns
    )
    numeric = {INTEGER, MONEY, DECIMAL, PERCENT}
    body = []
    for row in table.rows[:MAX_HTML_ROWS]:
        cells = "".join(
            f"<td class='{'n' if c.kind in numeric else ''}'>{_esc(format_value(v, c.kind))}</td>"
            for c, v in zip(table.columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    more = ""
    if len(table.rows) > MAX_HTML_ROWS:
        more = (f"<p class='note'>{MAX_HTML_ROWS} / {len(table.rows)} dòng đầu; đầy đủ trong tệp Excel "
                f"(first {MAX_HTML_ROWS} of {len(table.rows)} rows; all rows in the workbook).</p>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def render_html(report: Report) -> str:
    sections = []
    for table in report.tables:
        charts = "".join(f"<div class='chart'>{chart_svg(c, table)}</div>" for c in table.charts)
        note = f"<p class='note'>{_esc(table.note_vi)}</p>" if table.note_vi else ""
        sections.append(
            f"<section><h2>{_esc(table.title_vi)} <span class='en'>{_esc(table.title_en)}</span></h2>"
            f"{note}{charts}{_table_html(table)}</section>"
        )
    return (
        "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>{_esc(report.title_vi)}</title><style>{CSS}</style></head><body>"
        f"<h1>{_esc(report.title_vi)}</h1>"
        + "".join(f"<p class='warning' role='alert'>{_esc(w)}</p>" for w in report.warnings_vi)
        + f"<p class='en'>Monthly report {report.month:%m/%Y} — {_esc(report.scope_name_vi)}. "
        "Generated by sapnhap from the published warehouse.</p>"
        + "".join(sections)
        + "</body></html>\n"
    )


def write_html(report: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
