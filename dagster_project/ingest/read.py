"""Find delivered files and read them into all-text polars frames.

Every file under raw/<table>/ (any depth) with suffix .csv, .xlsx or .parquet is read;
folders and files whose name starts with `.`, `_` or `~$` are skipped (manifests, lock files).
Each value comes back as text exactly as delivered, so parsing and validation see one shape
whatever the format. A file that cannot be read comes back with an error, not an exception.
"""

import hashlib
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dagster_project.contract import Table

SUFFIXES = (".csv", ".xlsx", ".parquet")


@dataclass
class Sheet:
    """One table of values read from a file: the file itself, or one sheet of a workbook."""

    file: str  # posix path relative to raw/
    sheet: str | None  # XLSX sheet name, else None
    content_hash: str
    frame: pl.DataFrame | None = None  # all String columns, headers as delivered
    error: str | None = None  # why the file could not be read


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


def fold(text: str) -> str:
    """Header folding: NFC, no BOM, trimmed, whitespace collapsed, case-folded."""
    text = unicodedata.normalize("NFC", text.replace("\ufeff", ""))
    return " ".join(text.split()).casefold()


def header_map(table: Table) -> dict[str, str]:
    """Folded header -> canonical column name, for English and Vietnamese headers."""
    out = {}
    for c in table.columns:
        for h in (c.name, c.vi, c.name.replace("_", " ")):
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


def read_file(raw_dir: Path, rel: str) -> list[Sheet]:
    """Read one file into one Sheet per table it holds (one, or one per XLSX sheet)."""
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
            return [Sheet(rel, None, digest, frame=df)]
        if suffix == ".parquet":
            return [Sheet(rel, None, digest, frame=_all_text(pl.read_parquet(io.BytesIO(data))))]
        sheets = pl.read_excel(
            io.BytesIO(data), sheet_id=0, engine="calamine", infer_schema_length=0,
            raise_if_empty=False,
        )
        return [Sheet(rel, name, digest, frame=_all_text(df)) for name, df in sheets.items()]
    except UnicodeDecodeError as exc:
        return [Sheet(rel, None, digest, error=f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except Exception as exc:  # any reader failure rejects the file, loudly
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return [Sheet(rel, None, digest, error=f"{type(exc).__name__}: {text}"[:500])]
