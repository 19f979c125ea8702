"""Where the table is in a sheet as provinces fill it in: `find_layout`, a pure function on a
frame of text cells (one String column per spreadsheet column, one row per spreadsheet row,
nothing dropped).

An official form puts a title block above the header (the committee and department, the
national motto, a place-and-date line, the form title, "Thời điểm báo cáo: 31/07/2025"), may
split the header over two rows (a group label such as "Phụ cấp" above its sub-columns, in
merged cells: the label sits in the first cell of the merge only), may number the columns
"(1) (2) (3) ..." under the header, and ends with a total row ("Tổng cộng") and a signature
footer ("Người lập biểu", "Thủ trưởng đơn vị", "(Ký, ghi rõ họ tên, đóng dấu)"). None of it
is data. A plain sheet is the special case of a header on row 1.

- Header: among the first `SCAN_ROWS` rows, the row whose cells map to the most contract
  columns (the header map, folded); combined with the row above or below when that maps more
  columns or is itself a header row (each column's label is its lower cell, else upper and
  lower cell together, else its upper cell; a group label in a merged cell is carried right
  over the sub-columns under it).
- Column numbers: the row right under the header if its cells count up "(1) (2) (3)" or
  "1 2 3" under at least half of the columns.
- Data area: from there to the start of the footer (the first row with a signature-block
  phrase after which no dense row follows). In it, blank rows and total rows (first cell
  "Tổng cộng", "Tổng số", "Cộng", "Tổng") are layout; sparse rows after the last total,
  with no dense row after them, are notes of the footer. Every other row is data, even when
  values are missing (the checks then quarantine it).
- Report date: from the title block, after a phrase such as "Thời điểm báo cáo", "Tính đến
  ngày", "Ngày báo cáo" (dd/mm/yyyy, "ngày 31 tháng 7 năm 2025", ISO or an Excel date);
  never the place-and-date line, which is the date the form was signed.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import polars as pl

SCAN_ROWS = 30
TOTAL = re.compile(r"^(tổng cộng|tổng số|cộng)\b|^tổng\s*:?\s*$")
FOOTER = re.compile(
    r"người lập|thủ trưởng|\(ký|ký,? ghi rõ|ký tên|đóng dấu|xác nhận của"
    r"|ngày\s*[.…\d]*\s*tháng\s*[.…\d]*\s*năm"
)
NUMBER_CELL = re.compile(r"^\(?\s*(\d{1,3}|[a-zA-Z])\s*\)?$")
DATE_MARKER = (r"(thời điểm báo cáo|thời điểm|ngày báo cáo|tính đến ngày|tính đến|đến ngày"
               r"|tại ngày)\s*:?\s*")
DATE_FORMS = (
    (re.compile(DATE_MARKER + r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"), "dmy"),
    (re.compile(DATE_MARKER + r"(?:ngày\s*)?(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})"), "dmy"),
    (re.compile(DATE_MARKER + r"(\d{4})-(\d{2})-(\d{2})"), "ymd"),
    (re.compile(DATE_MARKER + r"(\d{5})(?:\.0)?\b"), "serial"),
)
EXCEL_EPOCH = date(1899, 12, 30)
KINDS = ("title", "header", "numbers", "blank", "total", "footer")


def fold(text: str) -> str:
    """Header folding: NFC, no BOM, trimmed, whitespace collapsed, case-folded."""
    text = unicodedata.normalize("NFC", text.replace("\ufeff", ""))
    return " ".join(text.split()).casefold()


@dataclass
class Layout:
    """Grid rows (0-based) by role, and the header label of every grid column."""

    header_rows: list[int]
    labels: list[str]  # per grid column: the header as read ("" where there is none)
    data_rows: np.ndarray  # grid rows holding data, ascending
    skipped: dict[str, list[int]] = field(default_factory=dict)  # kind -> grid rows
    title_date: date | None = None

    @property
    def rows_skipped(self) -> int:
        return sum(len(v) for v in self.skipped.values())

    def note(self, first_row: int = 1) -> str:
        """'title 1-6; header 7-8; numbers 9; total 210; footer 211-218' in spreadsheet rows
        (grid row 0 is spreadsheet row `first_row`)."""
        return describe(self.skipped, first_row)


def describe(skipped: dict[str, list[int]], first_row: int = 1) -> str:
    """Rows skipped as layout, by kind: 'title 1-6; header 7-8; blank 12' (row 0 is `first_row`)."""
    parts = []
    for kind in KINDS:
        rows = sorted(skipped.get(kind, []))
        if rows:
            parts.append(f"{kind} {_ranges([r + first_row for r in rows])}")
    return "; ".join(parts)


def _ranges(rows: list[int]) -> str:
    out, start = [], rows[0]
    for a, b in zip(rows, rows[1:] + [None], strict=True):
        if b != a + 1:
            out.append(str(start) if start == a else f"{start}-{a}")
            start = b
    return ", ".join(out)


def _mapped(labels: list[str], hmap: dict[str, str]) -> set[str]:
    return {hmap[fold(x)] for x in labels if x and fold(x) in hmap}


def combine(top: list[str], bottom: list[str], hmap: dict[str, str]) -> list[str]:
    """One label per column from two header rows (see the module docstring)."""
    filled = list(top)
    for j in range(1, len(filled)):  # a group label covers the sub-columns of its merge
        if not filled[j] and bottom[j] and bottom[j - 1] and filled[j - 1]:
            filled[j] = filled[j - 1]
    out = []
    for t, b in zip(filled, bottom, strict=True):
        if not b:
            out.append(t)
            continue
        for candidate in (b, f"{t} {b}" if t else b, t):
            if candidate and fold(candidate) in hmap:
                out.append(candidate)
                break
        else:
            out.append(f"{t} {b}" if t and t != b else b)
    return out


def _header(cells: list[list[str]], hmap: dict[str, str]) -> tuple[list[int], list[str]] | None:
    scores = [len({hmap.get(fold(x)) for x in row if x and len(x) < 80} - {None}) for row in cells]
    if not scores or max(scores) < 2:
        return None
    best = scores.index(max(scores))
    choice = ([best], cells[best], scores[best])
    for top, bottom in ((best - 1, best), (best, best + 1)):
        if top < 0 or bottom >= len(cells):
            continue
        labels = combine(cells[top], cells[bottom], hmap)
        score = len(_mapped(labels, hmap))
        other = bottom if top == best else top
        if score > choice[2] or (score >= choice[2] and scores[other] >= 2):
            choice = ([top, bottom], labels, score)
    return choice[0], choice[1]


def _title_date(cells: list[list[str]]) -> date | None:
    for row in cells:
        text = unicodedata.normalize("NFC", " ".join(c for c in row if c)).lower()
        for pattern, form in DATE_FORMS:
            m = pattern.search(text)
            if not m:
                continue
            try:
                if form == "serial":
                    return EXCEL_EPOCH + timedelta(days=int(m[2]))
                if form == "ymd":
                    return date(int(m[2]), int(m[3]), int(m[4]))
                return date(int(m[4]), int(m[3]), int(m[2]))
            except ValueError:
                continue
    return None


def is_number_row(cells: list[str], labels: list[str]) -> bool:
    """Column numbers under a header: "(1) (2) (3)" or "1 2 3" (letters such as "A B" may
    lead), counting up by one, under at least half of the labelled columns."""
    filled = [c for c in cells if c]
    if not filled or not all(NUMBER_CELL.match(c) for c in filled):
        return False
    numbers = [int(m) for c in filled if (m := c.strip("() ")).isdigit()]
    return (len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
            and len(filled) >= max(2, sum(1 for x in labels if x) // 2))


def _text_rows(grid: pl.DataFrame, rows: range | list[int]) -> list[list[str]]:
    sub = grid[list(rows)] if not isinstance(rows, range) else grid.slice(rows.start, len(rows))
    return [[(v or "").strip() for v in r] for r in sub.iter_rows()]


def find_layout(grid: pl.DataFrame, hmap: dict[str, str], scan: int = SCAN_ROWS) -> Layout | None:
    """The layout of a sheet (see the module docstring), or None when no row among the first
    `scan` maps to two contract columns. `grid`: every column String, row i = grid row i."""
    n = grid.height
    if n == 0 or grid.width == 0:
        return None
    head = _text_rows(grid, range(min(scan, n)))
    found = _header(head, hmap)
    if found is None:
        return None
    header_rows, labels = found
    start = header_rows[-1] + 1
    skipped: dict[str, list[int]] = {"title": list(range(header_rows[0])), "header": header_rows}
    if start < len(head) and is_number_row(head[start], labels):
        skipped["numbers"] = [start]
        start += 1
    # per row: how many cells hold something, and the first of them (one pass, no copy)
    has = [(pl.col(c).str.len_bytes() > 0).fill_null(False) for c in grid.columns]
    counted = grid.select(pl.sum_horizontal(has).alias("n"),
                          pl.coalesce([pl.when(h).then(pl.col(c)) for h, c in zip(has, grid.columns, strict=True)])
                          .str.strip_chars().str.normalize("NFC").str.to_lowercase().alias("first"))
    is_total = counted.get_column("first").str.contains(TOTAL.pattern).fill_null(False).to_numpy()
    filled_np = counted.get_column("n").to_numpy().astype(np.int64)
    width = len(_mapped(labels, hmap))
    sparse = filled_np <= max(3, width // 3)
    # a sparse row is looked at cell by cell: cells of spaces only hold nothing (the rows read
    # in one gather, not one each: 0.4 s of CPU less in 40 national workbooks)
    looked_at = np.flatnonzero(sparse & (filled_np > 0))
    if len(looked_at):
        filled_np[looked_at] = [sum(1 for c in cells if c) for cells in _text_rows(grid, looked_at.tolist())]
    # the footer: the first signature-block row after which every row is sparse
    dense_after = np.flip(np.cumsum(np.flip(~sparse))) - (~sparse)  # dense rows after each row
    footer_start = n
    for r in np.flatnonzero(sparse[start:] & (dense_after[start:] == 0)) + start:
        cells = _text_rows(grid, [int(r)])[0]
        if any(FOOTER.search(unicodedata.normalize("NFC", c).lower()) for c in cells if c):
            footer_start = int(r)
            break
    area = np.arange(start, footer_start)
    blank = area[filled_np[area] == 0]
    total = area[is_total[area] & (filled_np[area] > 0)]
    notes = np.array([], dtype=np.int64)
    if len(total):
        after = area[area > total.max()]
        notes = after[sparse[after] & (filled_np[after] > 0) & (dense_after[after] == 0)]
    layout_rows = np.concatenate([blank, total, notes])
    data = np.setdiff1d(area, layout_rows)
    skipped |= {"blank": blank.tolist(), "total": total.tolist(),
                "footer": notes.tolist() + list(range(footer_start, n))}
    title = _title_date(head[:header_rows[0]])
    return Layout(header_rows, labels, data, {k: v for k, v in skipped.items() if v}, title)
