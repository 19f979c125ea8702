"""The ingest engine: reading, batching, checking side by side, gating and writing, for any
delivery. It knows no delivery by name: what to check comes from the delivery's description
(dagster_project/contract/), interpreted by dagster_project/ingest/checks/.

- `run.py`: `ingest_table`, `ingest_all` (one transaction per table, then the ledger);
- `incremental.py`: which files must be read again, which keep their rows (the basis an
  ingest was checked against, the files a change links to);
- `prepare.py`: files read and shaped a few ahead, on two threads; whole-file rejections;
- `batch.py`: one batch parsed and checked (pure);
- `load.py`: the streaming loop; copies of files; the whole-table checks at the end;
- `gate.py`: which rows must wait for the whole-table checks;
- `writer.py`: appends to DuckDB in whole row groups on a background thread.
"""

from dagster_project.ingest.engine.results import FileResult, IngestResult
from dagster_project.ingest.engine.run import ingest_all, ingest_table

__all__ = ["FileResult", "IngestResult", "ingest_all", "ingest_table"]
