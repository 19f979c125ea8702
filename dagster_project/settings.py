"""One place for settings: where the data lives and where the warehouse is built.

`SAPNHAP_DATA_DIR` (default `./data`, relative to the working directory) holds `raw/` (what
provinces deliver, plus the shipped reference data) and `marts/` (what the pipeline publishes).
Everything else derives from it, so a whole data set can live outside the repository.
"""

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
# The reference data shipped with the project; copied into raw/reference/ when a data folder
# lacks it, so any SAPNHAP_DATA_DIR works on a fresh clone.
SHIPPED_REFERENCE_DIR = PROJECT_ROOT / "data" / "raw" / "reference"

WAREHOUSE_FILE = "warehouse.duckdb"


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
    def reports_dir(self) -> Path:
        return self.marts_dir / "reports"

    @property
    def exports_dir(self) -> Path:
        return self.marts_dir / "parquet"

    @property
    def docs_dir(self) -> Path:
        return self.marts_dir / "docs"


def get_settings() -> Settings:
    """Read the environment now (not at import), so tests can point it elsewhere."""
    return Settings(data_dir=Path(os.environ.get("SAPNHAP_DATA_DIR", "data")).resolve())
