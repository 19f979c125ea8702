"""The Dagster home of a data set: run history kept with the data it describes, telemetry off,
one DuckDB writer, and an event log that keeps its database connections open.

Unless DAGSTER_HOME is set, it is `<data folder>/.dagster`, so the runs of a data set are
found beside it whichever checkout or command started them. `python -m
dagster_project.dagster_home [PATH]` creates it and prints its path (`make ui` uses it).
"""

import json
import os
import sys
from pathlib import Path

from dagster_project.settings import get_settings

DAGSTER_YAML = """\
# Written by dagster_project/dagster_home.py. DuckDB allows one writer at a time: every
# asset, check and dbt step that touches the warehouse runs in pool "duckdb", limited to 1.
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
# Dagster's own SQLite event log, with its connections kept open between events.
event_log_storage:
  module: dagster_project.event_log
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {runs_dir}
"""


def default_home() -> Path:
    return get_settings().data_dir / ".dagster"


def ensure_dagster_home(path: Path | None = None) -> Path:
    home = (path or Path(os.environ.get("DAGSTER_HOME") or default_home())).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    text = DAGSTER_YAML.format(runs_dir=json.dumps(str(home / "history" / "runs")))
    if not config.exists() or config.read_text() != text:
        config.write_text(text)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


if __name__ == "__main__":
    print(ensure_dagster_home(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
