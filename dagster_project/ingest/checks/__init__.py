"""The delivery descriptions (dagster_project/contract/) interpreted as polars checks.

- `frame.py`: `Check` (a condition true where a row breaks it, the quarantine reason, the
  details of its message) and `find_errors`;
- `columns.py`: one column at a time (required, parses as its kind, within its bounds);
- `rows.py`: a delivery's checks over several columns of one row;
- `lookups.py`: values that must exist in what is already loaded (reads DuckDB once);
- `whole_table.py`: repeats of the key and sums over groups, once every row is checked;
- `messages.py`: quarantine rows with their messages.
Nothing here knows a delivery by name: everything comes from its description.
"""

from dagster_project.ingest.checks.columns import column_checks
from dagster_project.ingest.checks.frame import Check, find_errors
from dagster_project.ingest.checks.lookups import lookup_checks
from dagster_project.ingest.checks.rows import row_checks

__all__ = ["Check", "column_checks", "find_errors", "lookup_checks", "row_checks"]
