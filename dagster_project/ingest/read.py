"""Find delivered files and read them into all-text polars frames.

Every file `survey.py` finds delivered to raw/<table>/ (any depth; .csv, .xlsx or .parquet;
no part of its path starting with `.`, `_` or `~$`) is read; the others are ignored there.
Each value comes back as text exactly as delivered, so parsing and validation see one shape
whatever the format. A file that cannot be read comes back with an error, not an exception.

Parquet carries its header on row 1. A CSV's line endings may be LF, CRLF or CR alone; its
header is the first line naming at least two of the delivery's columns (title lines above it
are skipped as layout, like blank lines). A line that is not one record of the header's
width (a field too many or too few, an unmatched or stray quote) costs that line only: it is
kept aside in `bad_rows` with its line number and why, never its text. A workbook sheet is
read whole, every row and column as the spreadsheet has them, and `layout.find_layout` finds
the header (an official form has a title block above it, a total row and a signature footer
below the data): the frame holds the data rows only, each with its spreadsheet row number,
and what was skipped as layout is counted and noted.

Nothing a file holds goes into a message: a read error says what is wrong and where (a byte
offset, a line number), in the checks' words, never the parser's (which quotes the row).
"""

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from dagster_project.contract import Delivery
from dagster_project.ingest.layout import describe, find_layout, fold
from dagster_project.ingest.survey import survey

HEADER_ON_ROW_1 = ((0, 2),)


@dataclass
class Sheet:
    """One table of values read from a file: the file itself, or one sheet of a workbook."""

    file: str  # posix path relative to raw/
    sheet: str | None  # XLSX sheet name, else None
    content_hash: str
    frame: pl.DataFrame | None = None  # all String columns, headers as delivered; data rows only
    error: str | None = None  # why the file could not be read
    # Runs of consecutive data rows: (position in `frame`, spreadsheet row of that position).
    segments: tuple[tuple[int, int], ...] = HEADER_ON_ROW_1
    rows_skipped: int = 0  # rows read as layout (header, title, total, footer, blank)
    skip_note: str = ""  # which rows, e.g. "title 1-6; header 7-8; total 120; footer 121-128"
    title_date: str | None = None  # ISO report date found in a form's title block
    has_header: bool = True  # False: a workbook sheet with no recognisable header
    error_vi: str | None = None  # `error` for the province's data officer
    # CSV lines that are not one record of the header's width: (line, why in vi, why in en).
    bad_rows: tuple[tuple[int, str, str], ...] = ()

    @property
    def rows_read(self) -> int:
        """Data rows: those of `frame` and the bad ones."""
        return (self.frame.height if self.frame is not None else 0) + len(self.bad_rows)

    def row_numbers(self) -> np.ndarray:
        """The spreadsheet row number of every row of `frame`."""
        n = self.frame.height if self.frame is not None else 0
        bounds = [off for off, _ in self.segments[1:]] + [n]
        return np.concatenate([np.arange(first, first + (end - off)) for (off, first), end
                               in zip(self.segments, bounds, strict=True)]) if n else np.array([], np.int64)


def discover(raw_dir: Path, table: str) -> list[str]:
    """Paths (posix, relative to raw_dir) of every deliverable file of `table`, sorted
    (`survey.survey` says what is delivered and what is ignored, and why)."""
    return survey(raw_dir, (table,)).delivered[table]


def header_map(delivery: Delivery) -> dict[str, str]:
    """Folded header -> canonical column name: the English name (with `_` or spaces), the
    Vietnamese header and the aliases of every column."""
    out = {}
    for c in delivery.columns:
        for h in (c.name, c.vi, c.name.replace("_", " "), *c.aliases):
            out[fold(h)] = c.name
    return out


def _sniff_separator(data: bytes) -> str:
    """`;` or `,`: the one more frequent in the first lines (a title line may have neither)."""
    head = data[:65536].split(b"\n", SCAN_LINES)[:SCAN_LINES]
    semi = max((line.count(b";") for line in head), default=0)
    comma = max((line.count(b",") for line in head), default=0)
    return ";" if semi > comma else ","


SCAN_LINES = 30  # lines of a CSV searched for its header
MAX_FIELD_LINES = 20  # lines a quoted field may span
NEWLINE, QUOTE = 10, 34


def one_line_per_record(data: bytes, sep: str) -> bool:
    """True when every line of `data` (LF endings) is one record of the first line's width:
    no blank line, no newline inside quotes, quotes balanced. Then a line's number is its
    record's row and a fast reader gives the same rows. Vectorised over the bytes."""
    a = np.frombuffer(data, np.uint8)
    if not len(a):
        return True
    newlines = np.flatnonzero(a == NEWLINE)
    seps = np.flatnonzero(a == ord(sep))
    quotes = np.flatnonzero(a == QUOTE)
    if len(quotes):
        if len(quotes) % 2:
            return False
        if (np.searchsorted(quotes, newlines) % 2).any():  # a newline inside quotes
            return False
        seps = seps[np.searchsorted(quotes, seps) % 2 == 0]
    ends = newlines if a[-1] == NEWLINE else np.append(newlines, len(a))
    starts = np.concatenate([[0], ends[:-1] + 1])
    if (ends == starts).any():  # a blank line
        return False
    fields = np.diff(np.concatenate([[0], np.searchsorted(seps, ends)]))
    return bool((fields == fields[0]).all())


def _mapped_count(labels: list[str], hmap: dict[str, str]) -> int:
    return len({hmap[fold(x)] for x in labels if x and fold(x) in hmap})


def _split(record: str, sep: str) -> list[str] | None:
    """The fields of one record, None when its quotes are malformed."""
    try:
        rows = list(csv.reader([record], delimiter=sep, strict=True))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None


def read_csv_lines(text: str, sep: str, hmap: dict[str, str], rel: str, digest: str) -> Sheet:
    """A CSV read record by record: the header (the first of the first lines naming two of
    the delivery's columns, else the first line that is not blank), title lines above it and
    blank lines skipped as layout, each record of the header's width a data row numbered by
    its first line, any other line a bad row (its text is not kept)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    skipped: dict[str, list[int]] = {"title": [], "header": [], "blank": []}
    header_at = None
    for i, line in enumerate(lines[:SCAN_LINES]):
        fields = _split(line, sep) if line.strip() else None
        if fields and _mapped_count(fields, hmap) >= 2:
            header_at = i
            break
    if header_at is None:
        header_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        return Sheet(rel, None, digest, frame=pl.DataFrame(), rows_skipped=len(lines),
                     skip_note=describe({"blank": list(range(len(lines)))}))
    for i in range(header_at):
        skipped["blank" if not lines[i].strip() else "title"].append(i)
    skipped["header"].append(header_at)
    labels = _split(lines[header_at], sep) or [lines[header_at]]
    width = len(labels)
    records, rows, bad = [], [], []
    i = header_at + 1
    while i < len(lines):
        start, record = i, lines[i]
        i += 1
        if not record.strip():
            skipped["blank"].append(start)
            continue
        if record.count('"') % 2:  # a quoted field may go on over the next lines
            joined, j = record, i
            while joined.count('"') % 2 and j < len(lines) and j - start < MAX_FIELD_LINES:
                joined += "\n" + lines[j]
                j += 1
            fields = _split(joined, sep) if not joined.count('"') % 2 else None
            if fields is not None and len(fields) == width:
                records.append(fields)
                rows.append(start + 1)
                i = j
                continue
            bad.append((start + 1, "dấu ngoặc kép không khớp", "unmatched quote"))
            continue
        fields = _split(record, sep)
        if fields is None:
            bad.append((start + 1, "dấu ngoặc kép đặt sai chỗ", "misplaced quote"))
        elif len(fields) != width:
            bad.append((start + 1, f"{len(fields)} trường, tiêu đề có {width}",
                        f"{len(fields)} fields, the header has {width}"))
        else:
            records.append(fields)
            rows.append(start + 1)
    names = _unique_labels(labels)
    frame = pl.DataFrame(records, schema={n: pl.String for n in names}, orient="row")
    skipped = {k: v for k, v in skipped.items() if v}
    return Sheet(rel, None, digest, frame=frame, segments=segments(np.array(rows, np.int64)),
                 rows_skipped=sum(len(v) for v in skipped.values()), skip_note=describe(skipped),
                 bad_rows=tuple(bad))


def read_csv(data: bytes, rel: str, digest: str, hmap: dict[str, str]) -> Sheet:
    """One CSV: fast (one parse of the whole file) when every line is one record and the
    first line is the header; else record by record (`read_csv_lines`)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r" in data:  # CRLF or CR alone
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    sep = _sniff_separator(data)
    labels = _split(data.split(b"\n", 1)[0].decode("utf-8", errors="replace"), sep) or []
    if one_line_per_record(data, sep) and (not hmap or _mapped_count(labels, hmap) >= 2):
        try:
            df = pl.read_csv(data, separator=sep, infer_schema=False, encoding="utf8",
                             raise_if_empty=False)
        except pl.exceptions.ComputeError:
            data.decode("utf-8")  # UnicodeDecodeError names the offending byte
            raise
        return Sheet(rel, None, digest, frame=df, rows_skipped=int(df.width > 0),
                     skip_note="header 1" if df.width else "")
    return read_csv_lines(data.decode("utf-8"), sep, hmap, rel, digest)


def _all_text(df: pl.DataFrame) -> pl.DataFrame:
    """Every column as text; dates as ISO, whole floats without '.0'."""
    exprs = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype == pl.String:
            exprs.append(col)
        elif dtype.is_float():
            exprs.append(
                pl.when(col == col.round(0))
                .then(col.cast(pl.Int64, strict=False).cast(pl.String))
                .otherwise(col.cast(pl.String))
                .alias(name)
            )
        else:
            exprs.append(col.cast(pl.String).alias(name))
    return df.select(exprs)


def segments(rows: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Runs of consecutive spreadsheet rows: ((position, first row), ...)."""
    if len(rows) == 0:
        return HEADER_ON_ROW_1
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    starts = np.concatenate([[0], breaks])
    return tuple((int(i), int(rows[i])) for i in starts)


def _unique_labels(labels: list[str]) -> list[str]:
    """Column names from header labels: empty ones `__UNNAMED__<j>`, repeats suffixed."""
    out, seen = [], {}
    for j, label in enumerate(labels):
        name = label or f"__UNNAMED__{j}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_duplicated_{seen[name] - 1}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def sheet_from_grid(rel: str, name: str, digest: str, grid: pl.DataFrame,
                    hmap: dict[str, str]) -> Sheet:
    """A workbook sheet read whole (`grid`: row i = spreadsheet row i + 1) as its data rows,
    under the header `find_layout` found. Columns without a header and without data go."""
    layout = find_layout(grid, hmap)
    if layout is None:
        labels = [(v or "").strip() for v in grid.row(0)] if grid.height else []
        frame = pl.DataFrame(schema={c: pl.String for c in _unique_labels(labels)})
        note = f"no header: rows 1-{grid.height}" if grid.height else ""
        return Sheet(rel, name, digest, frame=frame, rows_skipped=grid.height, skip_note=note,
                     has_header=False)
    rows = layout.data_rows
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):  # one run of rows: no copy
        data = grid.slice(int(rows[0]), len(rows))
    else:
        data = grid[rows] if len(rows) else grid.clear()
    names = _unique_labels(layout.labels)
    data = data.rename(dict(zip(grid.columns, names, strict=True)))
    empty = [c for c, label in zip(names, layout.labels, strict=True)
             if not label and data.get_column(c).drop_nulls().str.strip_chars().str.len_bytes().sum() == 0]
    data = data.drop(empty)
    title = layout.title_date.isoformat() if layout.title_date else None
    return Sheet(rel, name, digest, frame=data, segments=segments(layout.data_rows + 1),
                 rows_skipped=layout.rows_skipped, skip_note=layout.note(), title_date=title)


def read_workbook(data: bytes, rel: str, digest: str, hmap: dict[str, str]) -> list[Sheet]:
    """Every sheet of a workbook, each read whole (no row or column dropped, leading empty rows
    kept so row numbers are the spreadsheet's) and cut to its table."""
    import fastexcel

    reader = fastexcel.read_excel(data)
    out = []
    for name in reader.sheet_names:
        # eager: the cells straight into Arrow (national scale, 145 workbooks: 13.7 -> 12.7 s
        # of CPU read alone)
        batch = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string", eager=True)
        grid = pl.from_arrow(batch) if batch.num_columns else pl.DataFrame()
        out.append(sheet_from_grid(rel, name, digest, _all_text(grid), hmap))
    return out


def read_file(raw_dir: Path, rel: str, hmap: dict[str, str] | None = None) -> list[Sheet]:
    """Read one file into one Sheet per table it holds (one, or one per XLSX sheet). `hmap`
    (the table's header map) finds the header of a workbook sheet."""
    path = raw_dir / rel
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [Sheet(rel, None, "", error=f"cannot be opened ({type(exc).__name__})",
                      error_vi=f"không mở được tệp ({type(exc).__name__})")]
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return [read_csv(data, rel, digest, hmap or {})]
        if suffix == ".parquet":
            df = _all_text(pl.read_parquet(io.BytesIO(data)))
            return [Sheet(rel, None, digest, frame=df, rows_skipped=1, skip_note="header 1")]
        return read_workbook(data, rel, digest, hmap or {})
    except UnicodeDecodeError as exc:
        return [Sheet(rel, None, digest, error=f"not UTF-8 text (byte {exc.start})",
                      error_vi=f"không phải văn bản mã hóa UTF-8 (byte {exc.start})")]
    except Exception as exc:  # any reader failure rejects the file, loudly, in our words:
        # a parser's message may quote the file's content (a row, a cell)
        what, what_vi = UNREADABLE.get(suffix, ("not a readable file", "không phải tệp đọc được"))
        return [Sheet(rel, None, digest, error=f"{what} ({type(exc).__name__})", error_vi=what_vi)]


UNREADABLE = {  # suffix -> (why, in English and Vietnamese), for a file its reader refuses
    ".csv": ("not a readable CSV file", "không phải tệp CSV đọc được"),
    ".xlsx": ("not a readable Excel workbook (.xlsx)", "không phải tệp Excel (.xlsx) đọc được"),
    ".parquet": ("not a readable Parquet file", "không phải tệp Parquet đọc được"),
}
