"""Load the shipped reference CSVs (real public registries) into raw.ref_* as text.

Every column is kept as text, exactly as published; dbt staging casts. The reference
folder is copied from the project into a data folder that lacks it, so any
SAPNHAP_DATA_DIR works on a fresh clone.
"""

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl

# raw table name -> CSV file in raw/reference/
REFERENCE_FILES = {
    "ref_units_pre": "units_pre_2025.csv",
    "ref_units_post": "units_post_2025.csv",
    "ref_lineage_communes": "lineage_communes.csv",
    "ref_lineage_provinces": "lineage_provinces.csv",
    "ref_post_2025_changes": "post_2025_changes.csv",
}


@dataclass(frozen=True)
class LoadedReference:
    table: str
    file: str
    content_hash: str
    rows_read: int
    rows_loaded: int


def ensure_reference(reference_dir: Path, shipped_dir: Path) -> None:
    """Copy the shipped reference files into `reference_dir` where any are missing."""
    reference_dir.mkdir(parents=True, exist_ok=True)
    if reference_dir.resolve() == shipped_dir.resolve():
        return
    for path in shipped_dir.iterdir():
        target = reference_dir / path.name
        if path.is_file() and not target.exists():
            shutil.copyfile(path, target)


def count_data_lines(path: Path) -> int:
    """Rows in a CSV counted independently of the parser (records, excluding the header)."""
    frame = pl.read_csv(path, infer_schema=False, columns=[0])
    return frame.height


def read_reference(path: Path) -> pl.DataFrame:
    """Read one reference CSV with every column as text (codes keep their leading zeros)."""
    return pl.read_csv(path, infer_schema=False, encoding="utf8")


def load_reference_table(con, reference_dir: Path, table: str) -> LoadedReference:
    """Replace raw.<table> with the CSV's content; return what was read and loaded."""
    file_name = REFERENCE_FILES[table]
    path = reference_dir / file_name
    if not path.exists():
        raise FileNotFoundError(
            f"Reference file missing: {path} (expected column layout: see "
            f"{reference_dir / 'PROVENANCE.md'})"
        )
    frame = read_reference(path)
    con.execute("create schema if not exists raw")
    con.register("reference_frame", frame.to_arrow())
    try:
        con.execute(f"create or replace table raw.{table} as select * from reference_frame")
    finally:
        con.unregister("reference_frame")
    loaded = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
    return LoadedReference(
        table=table,
        file=file_name,
        content_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
        rows_read=frame.height,
        rows_loaded=loaded,
    )
