"""Dagster resources: the data folder of a run and the DuckDB files in it.

Assets never read settings or open DuckDB themselves: they ask the `warehouse` resource,
so one place decides which folder a run reads (SAPNHAP_DATA_DIR, resolved once) and how the
working file is opened (created on first use, always closed).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

from dagster_project.settings import Settings, get_settings


class Warehouse(ConfigurableResource):
    """The data folder of the run: `data_dir` if given, else SAPNHAP_DATA_DIR (default: the
    checkout's data/)."""

    data_dir: str = ""

    def paths(self) -> Settings:
        return Settings(Path(self.data_dir).resolve()) if self.data_dir else get_settings()

    @contextmanager
    def working(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the working warehouse (the file a run builds), closed after use."""
        path = self.paths().working_path
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
        try:
            yield con
        finally:
            con.close()
