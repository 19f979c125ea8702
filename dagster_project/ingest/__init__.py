"""Ingest: read what provinces deliver, check it against its description, load or quarantine.

Pure library (no Dagster import). What a delivery holds and what is checked is described once,
in dagster_project/contract/; here:
- `engine/`: `ingest_table(con, raw_dir, table)` / `ingest_all(con, raw_dir)` bring
  raw.<table> and its quarantine up to date with the files under raw_dir/<table>/ (only what
  changed is read again; `full=True` reads every file) and update the ledger, streaming
  (batches, two checkers, the Gate, the Writer); it knows no delivery by name;
- `checks/`: the descriptions interpreted as polars checks, with their messages;
- `read.py`, `layout.py`: files into all-text frames (a workbook sheet cut to its table);
- `parse.py`: delivered text into each column kind's type;
- `ledger.py`: audit.ingest_ledger, and `reconcile(con, table)`, the `rows read = loaded +
  quarantined` proof per file.
The quarantine reasons and their messages: `REASONS` (dagster_project/contract/reasons.py).
"""

from dagster_project.contract import ORDER, REASONS
from dagster_project.ingest.engine import FileResult, IngestResult, ingest_all, ingest_table
from dagster_project.ingest.ledger import reconcile

__all__ = ["ORDER", "REASONS", "FileResult", "IngestResult", "ingest_all", "ingest_table", "reconcile"]
