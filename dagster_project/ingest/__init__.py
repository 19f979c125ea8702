"""Ingest: read what provinces deliver, validate it against the contract, load or quarantine.

Pure library (no Dagster import). Entry points:
- `ingest_table(con, raw_dir, table)` / `ingest_all(con, raw_dir)` (pipeline.py): rebuild
  raw.<table> and its quarantine from the files under raw_dir/<table>/ and update the ledger;
- `reconcile(con, table)` (ledger.py): the `rows read = loaded + quarantined` proof per file;
- `RULES` (rules.py): every quarantine rule with its Vietnamese and English message;
- `find_layout` (layout.py): where the table lies in a workbook sheet as provinces fill it.
"""

from dagster_project.ingest.ledger import reconcile
from dagster_project.ingest.pipeline import (
    ORDER,
    FileResult,
    IngestResult,
    ingest_all,
    ingest_table,
)
from dagster_project.ingest.rules import RULES

__all__ = ["ORDER", "RULES", "FileResult", "IngestResult", "ingest_all", "ingest_table", "reconcile"]
