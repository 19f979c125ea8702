"""The Gate: which rows of a checked batch can be appended at once."""

import numpy as np
import polars as pl

from dagster_project.contract import Delivery
from dagster_project.ingest.checks.whole_table import duplicate_keys, sums


class Gate:
    """Decides, batch by batch, which rows can be appended at once: those no whole-table check
    can reject. A row whose duplicate key may have been seen earlier in delivery order waits;
    so does every row of a table with a check over sums (lineage shares). At the end the exact
    checks decide on the rows that waited, so a row is never appended and then taken out again.

    "May have been seen": keys are hashed and marked in a table of 2**26 flags (64 MB). The
    same key always finds its flag set, so every true duplicate waits; another key shares
    the flag only now and then (a few % of rows at national scale), and such a row waits for
    nothing and is appended at the end."""

    BITS = 26

    def __init__(self, delivery: Delivery):
        keys = duplicate_keys(delivery)
        self.keys = list(keys) if keys else None
        self.hold_all = bool(sums(delivery))
        self.marks = np.zeros(2**self.BITS, dtype=np.bool_) if self.keys else None

    def waits(self, df: pl.DataFrame, good: pl.Series) -> pl.Series:
        """True for the rows of `df` that must wait; `good`: rows passing every row check."""
        if self.hold_all:
            return good
        if self.keys is None or not good.any():
            return pl.Series([False]).new_from_index(0, df.height)
        good = good & df.select(pl.all_horizontal([pl.col(k).is_not_null() for k in self.keys])).to_series()
        hashed = pl.lit(0, pl.UInt64)
        for i, k in enumerate(self.keys):
            hashed = hashed ^ pl.col(k).hash(seed=i)
        hashes = df.select(hashed).to_series().filter(good)
        slot = (hashes.to_numpy() >> np.uint64(64 - self.BITS)).astype(np.intp)
        seen_before = self.marks[slot]
        self.marks[slot] = True
        wait = pl.Series(seen_before) | ~hashes.is_first_distinct()
        return pl.Series([False]).new_from_index(0, df.height).scatter(good.arg_true(), wait)
