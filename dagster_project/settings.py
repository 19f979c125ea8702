"""One place for settings: where the data lives and where the warehouse is built.

`SAPNHAP_DATA_DIR` holds `raw/` (what provinces deliver, plus the shipped reference data) and
`marts/` (what the pipeline publishes); unset, it is the `data/` folder of this checkout, so a
command works the same from any working directory. A relative value is resolved against the
working directory the first time it is read in a process, and that absolute path is kept:
steps that run later with another working directory (dbt runs in `dbt/`) see the same folder.
"""

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
# The reference data shipped with the project; copied into raw/reference/ when a data folder
# lacks it, so any SAPNHAP_DATA_DIR works on a fresh clone.
SHIPPED_REFERENCE_DIR = DEFAULT_DATA_DIR / "raw" / "reference"

DATA_DIR_ENV = "SAPNHAP_DATA_DIR"
WAREHOUSE_FILE = "warehouse.duckdb"

# DuckDB's share of a Python step's memory, set on every connection a step opens to a warehouse
# (dagster_project/warehouse/connect.py: the working file, publish, the report pack). DuckDB's default is 80 % of the
# machine; the steps also hold polars and Arrow frames, so DuckDB is held to 1 GB there and
# spills beyond it (the national added-month ingest: 3.98 GB at the peak without a limit,
# 2.16 GB with it, and faster). dbt has its own limit (dbt/profiles.yml).
STEP_MEMORY_LIMIT = os.environ.get("SAPNHAP_STEP_MEMORY_LIMIT", "1GB")


@dataclass(frozen=True)
class Settings:
    data_dir: Path

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def reference_dir(self) -> Path:
        return self.raw_dir / "reference"

    @property
    def marts_dir(self) -> Path:
        return self.data_dir / "marts"

    @property
    def published_path(self) -> Path:
        """The warehouse analysts open: replaced atomically, only after the checks pass."""
        return self.marts_dir / WAREHOUSE_FILE

    @property
    def build_dir(self) -> Path:
        return self.marts_dir / ".build"

    @property
    def working_path(self) -> Path:
        """The file every run writes; nobody else opens it."""
        return self.build_dir / WAREHOUSE_FILE

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's target folder for the runs on this data folder (its artifacts and log). One per
        folder, kept between runs, so dbt parses the project again only when it changed: every
        dbt call on the folder passes the same warehouse path, which a full parse depends on
        (about 7 s a call, four calls a build)."""
        return self.build_dir / "dbt"

    @property
    def reports_dir(self) -> Path:
        return self.marts_dir / "reports"

    @property
    def exports_dir(self) -> Path:
        return self.marts_dir / "parquet"

    @property
    def docs_dir(self) -> Path:
        return self.marts_dir / "docs"

    @property
    def is_default(self) -> bool:
        return self.data_dir == DEFAULT_DATA_DIR


@cache
def _resolved(value: str | None) -> Path:
    if not value:
        return DEFAULT_DATA_DIR
    return Path(value).expanduser().resolve()


def get_settings() -> Settings:
    """The settings of the data folder named by SAPNHAP_DATA_DIR now (tests point it
    elsewhere), its path resolved once per value and process."""
    return Settings(data_dir=_resolved(os.environ.get(DATA_DIR_ENV)))


def private_dir(path: Path) -> Path:
    """`path` created if need be and readable by its owner only (0700): the working folder
    holds raw personal data (the working warehouse, run logs)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> None:
    """`path` (and a DuckDB file's write-ahead log beside it) readable by its owner only."""
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            os.chmod(p, 0o600)
