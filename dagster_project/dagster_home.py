"""The project's own DAGSTER_HOME: run history kept, telemetry off, one DuckDB writer.

`python -m dagster_project.dagster_home [PATH]` creates it (the Makefile does); the CLI
falls back to it when DAGSTER_HOME is not set.
"""

import os
import sys
from pathlib import Path

from dagster_project.settings import PROJECT_ROOT

DEFAULT_HOME = PROJECT_ROOT / ".dagster_home"

DAGSTER_YAML = """\
# Written by dagster_project/dagster_home.py. DuckDB allows one writer at a time: every
# asset, check and dbt step that touches the warehouse runs in pool "duckdb", limited to 1.
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
"""


def ensure_dagster_home(path: Path | None = None) -> Path:
    home = (path or Path(os.environ.get("DAGSTER_HOME") or DEFAULT_HOME)).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text() != DAGSTER_YAML:
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


if __name__ == "__main__":
    print(ensure_dagster_home(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
