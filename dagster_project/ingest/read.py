"""Find delivered files and read them into all-text polars frames.

Every file under raw/<table>/ (any depth) with suffix .csv, .xlsx or .parquet is read;
folders and files whose name starts with `.`, `_` or `~$` are skipped (manifests, lock files).
Each value comes back as text exactly as delivered, so parsing and validation see one shape
whatever the format. A file that cannot be read comes back with an error, not an exception.

CSV and Parquet carry their header on row 1. A workbook sheet is read whole, every row and
column as the spreadsheet has them, and `layout.find_layout` finds the header (an official
form has a title block above it, a total row and a signature footer below the data): the
frame holds the data rows only, each with its spreadsheet row number, and what was skipped
as layout is counted and noted.
"""

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from dagster_project.contract import Delivery
from dagster_project.ingest.layout import find_layout, fold

SUFFIXES = (".csv", ".xlsx", ".parquet")
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

    def row_numbers(self) -> np.ndarray:
        """The spreadsheet row number of every row of `frame`."""
        n = self.frame.height if self.frame is not None else 0
        bounds = [off for off, _ in self.segments[1:]] + [n]
        return np.concatenate([np.arange(first, first + (end - off)) for (off, first), end
                               in zip(self.segments, bounds, strict=True)]) if n else np.array([], np.int64)


def discover(raw_dir: Path, table: str) -> list[str]:
    """Paths (posix, relative to raw_dir) of every deliverable file of `table`, sorted."""
    root = raw_dir / table
    if not root.is_dir():
        return []
    found = []
    for path in root.rglob("*"):
        rel = path.relative_to(raw_dir)
        if any(p.startswith((".", "_", "~$")) for p in rel.parts):
            continue
        if path.is_file() and path.suffix.lower() in SUFFIXES:
            found.append(rel.as_posix())
    return sorted(found)


def header_map(delivery: Delivery) -> dict[str, str]:
    """Folded header -> canonical column name: the English name (with `_` or spaces), the
    Vietnamese header and the aliases of every column."""
    out = {}
    for c in delivery.columns:
        for h in (c.name, c.vi, c.name.replace("_", " "), *c.aliases):
            out[fold(h)] = c.name
    return out


def _sniff_separator(data: bytes) -> str:
    first = data.split(b"\n", 1)[0]
    return ";" if first.count(b";") > first.count(b",") else ","


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
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        grid = pl.from_arrow(sheet.to_arrow()) if sheet.width else pl.DataFrame()
        out.append(sheet_from_grid(rel, name, digest, _all_text(grid), hmap))
    return out


def read_file(raw_dir: Path, rel: str, hmap: dict[str, str] | None = None) -> list[Sheet]:
    """Read one file into one Sheet per table it holds (one, or one per XLSX sheet). `hmap`
    (the table's header map) finds the header of a workbook sheet."""
    path = raw_dir / rel
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [Sheet(rel, None, "", error=f"{type(exc).__name__}: {exc}")]
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            try:
                df = pl.read_csv(
                    data, separator=_sniff_separator(data), infer_schema=False,
                    encoding="utf8", raise_if_empty=False,
                )
            except pl.exceptions.ComputeError:
                data.decode("utf-8")  # name the offending byte when the file is not UTF-8
                raise
            return [Sheet(rel, None, digest, frame=df, rows_skipped=int(df.width > 0),
                          skip_note="header 1" if df.width else "")]
        if suffix == ".parquet":
            df = _all_text(pl.read_parquet(io.BytesIO(data)))
            return [Sheet(rel, None, digest, frame=df, rows_skipped=1, skip_note="header 1")]
        return read_workbook(data, rel, digest, hmap or {})
    except UnicodeDecodeError as exc:
        return [Sheet(rel, None, digest, error=f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except Exception as exc:  # any reader failure rejects the file, loudly
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return [Sheet(rel, None, digest, error=f"{type(exc).__name__}: {text}"[:500])]
