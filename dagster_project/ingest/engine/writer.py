"""Appending checked rows to a raw table, on a background thread, in whole row groups."""

from concurrent.futures import ThreadPoolExecutor

import polars as pl
import pyarrow as pa

INSERT_ROWS = 1_000_000  # rows converted to Arrow at a time: bounds the copy made for DuckDB


def insert_rows(con, target: str, frame: pl.DataFrame) -> None:
    """Append `frame` to table `target` (columns matched by name), in delivery order.

    Provenance repeats one value per file: as dictionaries DuckDB takes it ~30 % faster. Plain
    Arrow strings (the oldest compat level) go in ~20 % faster than string views, but are a
    copy, so they are made one slice at a time, as DuckDB reads them. DuckDB is given a stream
    of those slices, not a table: inside a transaction it keeps what it scanned until the
    commit, and a stream keeps no slice once read (a table kept ~440 MB a million rows: the
    national rosters peaked at 3.7 GB where they now peak at 2.1 GB)."""
    provenance = pl.col("source_file", "source_sheet", "source_hash").cast(pl.Categorical)
    frame = frame.drop("__rid", strict=False).with_columns(provenance)
    if not frame.height:
        return
    level = pl.CompatLevel.oldest()

    def slices():
        for part in frame.iter_slices(INSERT_ROWS):
            yield from part.to_arrow(compat_level=level).to_batches()

    schema = frame.head(0).to_arrow(compat_level=level).schema
    con.register("__rows", pa.RecordBatchReader.from_batches(schema, slices()))
    try:
        con.execute(f"insert into {target} by name select * from __rows")
    finally:
        con.unregister("__rows")


class Writer:
    """Appends batches to a raw table on a background thread, so DuckDB writes while polars
    parses the next batch. Rows go in several whole DuckDB row groups (122,880 rows) at a
    time: an insert that ends in a partial row group makes the next one slower (about 1.5x),
    and one of a single row group is slower still (measured: 5.1M rows in 41 inserts 4.9 s,
    in 21 inserts 2.7 s). The caller must not use the connection until `close()` returned."""

    ROW_GROUP = 122_880
    GROUPS = 2  # row groups per insert (at least)

    def __init__(self, con, target: str):
        self.con, self.target = con, target
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="sapnhap-insert")
        self.pending = None
        self.held: list[pl.DataFrame] = []  # rows not inserted yet, in order

    def put(self, frame: pl.DataFrame) -> None:
        self.held.append(frame)
        rows = sum(f.height for f in self.held)
        if rows < self.GROUPS * self.ROW_GROUP:
            return
        whole = rows - rows % self.ROW_GROUP
        ready = pl.concat(self.held)
        self.held = [ready.slice(whole)]
        self._submit(ready.slice(0, whole))

    def _submit(self, frame: pl.DataFrame) -> None:
        self.wait()
        self.pending = self.pool.submit(insert_rows, self.con, self.target, frame)

    def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def close(self, flush: bool = True) -> None:
        """Insert what is held (unless `flush` is false: after an error), then wait."""
        try:
            if flush and self.held:
                self._submit(pl.concat(self.held))
            self.held = []
            self.wait()
        finally:
            self.pool.shutdown()
