"""Great Expectations 1.x suites for the raw delivery tables, built in code.

Each table has three suites, by what a failure means, all derived from the delivery's
description (dagster_project/contract/):
- `structure` (blocking): the table has exactly the delivered columns plus provenance (read
  from the layout, no rows);
- `identity` (blocking): every row says where it came from, the key that makes a row one
  thing is present and, where ingest quarantines its repeats, unique (a person once per
  snapshot, a unit code once per period, a decision once per person), codes are well formed
  (their digits), and a source row is loaded once;
- `soft` (warning): values inside the enumerations and bounds.
Ingest already enforces all of these, so a failure means the table was changed outside ingest
or ingest has a bug: a second line of defence, run as Dagster asset checks.

Pure: `build_suite(table, severity)` returns an ExpectationSuite, `validate_frame(frame,
suite)` validates a pandas frame (whole-dataframe batch in an ephemeral context, as STACK.md
prescribes) and returns a plain `SuiteResult`. Great Expectations is imported inside the
functions (3-4 s import).
"""

import functools
import gc
from dataclasses import dataclass, field

from dagster_project.contract import CODE, DECIMAL, DELIVERIES, ENUM, INTEGER
from dagster_project.warehouse.ddl import PROVENANCE_COLUMNS

SEVERITIES = ("structure", "identity", "soft")
BLOCKING = {"structure": True, "identity": True, "soft": False}
SOURCE_KEY = ["source_file", "source_sheet", "source_row"]


def keys(table: str) -> list[str]:
    """The columns that make a row one thing (identity suite: not null)."""
    return list(DELIVERIES[table].key.columns)


def unique_keys(table: str) -> bool:
    """Whether the key is unique (ingest quarantines its repeats)."""
    return DELIVERIES[table].key.duplicate is not None


def patterns(table: str) -> dict[str, str]:
    """Code columns with a fixed number of digits -> their pattern."""
    return {c.name: rf"^\d{{{c.digits}}}$" for c in DELIVERIES[table].columns if c.kind == CODE and c.digits}


def bounded(table: str) -> list:
    """Enumerations, and numbers with a fixed bound (soft suite)."""
    return [c for c in DELIVERIES[table].columns
            if c.kind == ENUM or (c.kind in (DECIMAL, INTEGER) and (c.min is not None or c.static_max is not None))]


def expected_columns(table: str) -> list[str]:
    return DELIVERIES[table].column_names + [n for n, _ in PROVENANCE_COLUMNS]


def columns_needed(table: str, severity: str) -> list[str]:
    """The columns a suite reads, so a caller loads only those (national scale: millions of rows)."""
    if severity == "structure":
        return expected_columns(table)
    if severity == "identity":
        return list(dict.fromkeys(keys(table) + SOURCE_KEY + ["source_hash"] + list(patterns(table))))
    return [c.name for c in bounded(table)]


def build_suite(table: str, severity: str):
    import great_expectations as gx

    _context()  # an ExpectationSuite needs a current context
    E = gx.expectations
    suite = gx.ExpectationSuite(name=f"raw_{table}_{severity}")
    if severity == "structure":
        suite.add_expectation(E.ExpectTableColumnsToMatchSet(column_set=expected_columns(table), exact_match=True))
    elif severity == "identity":
        suite.add_expectation(E.ExpectColumnValuesToBeBetween(column="source_row", min_value=2))
        for col in keys(table) + ["source_file", "source_row", "source_hash"]:
            suite.add_expectation(E.ExpectColumnValuesToNotBeNull(column=col))
        if unique_keys(table):
            suite.add_expectation(E.ExpectCompoundColumnsToBeUnique(column_list=keys(table)))
        suite.add_expectation(E.ExpectCompoundColumnsToBeUnique(column_list=SOURCE_KEY, ignore_row_if="never"))
        for col, pattern in patterns(table).items():
            suite.add_expectation(E.ExpectColumnValuesToMatchRegex(column=col, regex=pattern))
    elif severity == "soft":
        for c in bounded(table):
            if c.kind == ENUM:
                suite.add_expectation(E.ExpectColumnValuesToBeInSet(column=c.name, value_set=list(c.values)))
            else:
                suite.add_expectation(E.ExpectColumnValuesToBeBetween(
                    column=c.name, min_value=c.min, max_value=c.static_max,
                    strict_min=c.min_exclusive if c.min is not None else False))
    else:
        raise ValueError(f"unknown severity {severity!r}; one of {SEVERITIES}")
    return suite


@dataclass
class SuiteResult:
    suite: str
    success: bool
    evaluated: int
    failures: list[dict] = field(default_factory=list)  # expectation, column(s), unexpected count, sample
    rows: int | None = None  # rows validated (None: the layout only)

    def markdown(self) -> str:
        """The failures as a markdown table (for Dagster metadata)."""
        if not self.evaluated:
            return f"Nothing new to validate: every file (or the layout) passed `{self.suite}` before."
        if not self.failures:
            return f"All {self.evaluated} expectations of `{self.suite}` passed."
        lines = ["| expectation | column | unexpected | sample |", "|---|---|---|---|"]
        for f in self.failures:
            lines.append(f"| {f['expectation']} | {f['column']} | {f['unexpected_count']} | {f['sample']} |")
        return "\n".join(lines)


def warm() -> None:
    """Import Great Expectations and make this process's context (about 3 s), ahead of the
    first suite (dagster_project/quality/worker.py)."""
    _context()


@functools.cache
def _context():
    """One ephemeral context per process, progress bars off (they flood the Dagster logs).

    Great Expectations fingerprints a pandas batch smaller than HASH_THRESHOLD (1 GB) by
    hashing every row of it, twice per validation, for a batch marker nothing here reads: at
    national scale 2.7 of the roster soft suite's 8.1 s. The threshold is set to 0 (no batch
    is hashed); were it gone from a later version, batches would be hashed again, no more."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    if hasattr(pandas_execution_engine, "HASH_THRESHOLD"):
        pandas_execution_engine.HASH_THRESHOLD = 0
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return ctx


def validate_frame(frame, suite) -> SuiteResult:
    """Validate a pandas DataFrame against `suite`. Each expectation is given only the columns
    it reads (`by_domain`): Great Expectations copies the whole batch's frame, keeping the
    rows where the column is not null, twice for each column expectation; at national scale
    the roster's soft suite (12 expectations, 12 columns, 7.3 million rows) took 4.7 s on one
    frame, 1.0 s on one frame per column; on an added month's 1.2 million rows both suites take
    about what they took (each validation costs a few hundredths of a second more). An
    expectation on a column the frame lacks gets the whole frame, so it fails as it would there."""
    results = []
    for columns, expectations in by_domain(suite):
        whole = columns is None or not set(columns) <= set(frame.columns)
        results += _validate(frame if whole else frame[columns], suite.name, expectations)
    failures = []
    for r in results:
        if r.success:
            continue
        kwargs = r.expectation_config.kwargs
        column = kwargs.get("column") or ", ".join(kwargs.get("column_list") or []) or "(table)"
        sample = r.result.get("partial_unexpected_list") or r.result.get("observed_value")
        if r.exception_info and r.exception_info.get("raised_exception"):
            sample = r.exception_info.get("exception_message")
        failures.append({
            "expectation": r.expectation_config.type,
            "column": column,
            "unexpected_count": r.result.get("unexpected_count"),
            "sample": str(sample)[:200],
        })
    return SuiteResult(suite.name, all(r.success for r in results), len(results), failures)


def by_domain(suite) -> list[tuple[list[str] | None, list]]:
    """The suite's expectations grouped by the columns they read (None: the whole table, for a
    table-level expectation), in the suite's order."""
    groups: dict[tuple[str, ...] | None, list] = {}
    for expectation in suite.expectations:
        kwargs = expectation.configuration.kwargs
        columns = [kwargs["column"]] if kwargs.get("column") else kwargs.get("column_list")
        groups.setdefault(tuple(columns) if columns else None, []).append(expectation)
    return [(list(k) if k is not None else None, v) for k, v in groups.items()]


def _validate(frame, name: str, expectations: list) -> list:
    """Validate `frame` as one whole-dataframe batch (an ephemeral context, as STACK.md
    prescribes) against a suite of copies of `expectations`. The data source is deleted
    afterwards: the context lives as long as the process, and its data source would hold on
    to the frame (national scale: a 2 GB roster frame kept through the rest of the run, under
    the next suite's). Results in the BASIC format: the unexpected count and up to 20
    unexpected values, all a failure reports; the default (SUMMARY) also counts every
    unexpected value and took 9.5 s instead of 5.9 for the roster's identity suite at
    national scale."""
    import great_expectations as gx

    ctx = _context()
    suite = gx.ExpectationSuite(name=name)
    for expectation in expectations:  # an expectation belongs to one suite
        suite.add_expectation(type(expectation)(**expectation.configuration.kwargs))
    try:
        batch = (
            ctx.data_sources.add_or_update_pandas("frame")
            .add_dataframe_asset("frame")
            .add_batch_definition_whole_dataframe("whole")
            .get_batch(batch_parameters={"dataframe": frame})
        )
        result = batch.validate(suite, result_format="BASIC")
        del batch
    finally:
        ctx.data_sources.delete("frame")
    return list(result.results)


def _arrow_strings(data_type):
    """pandas dtype for an Arrow column: strings stay Arrow strings, the rest numpy."""
    import pandas as pd
    import pyarrow as pa

    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type):
        return pd.ArrowDtype(data_type)
    return None


def load_frame(con, table: str, severity: str, skip_files: frozenset[str] = frozenset()):
    """The columns a suite needs from raw.<table>, as pandas (structure: the layout, no rows),
    without the rows of the files (content hashes) in `skip_files`. Text columns are Arrow
    strings, not Python objects: at national scale (5.8 million roster rows) that is 2.2 GB at
    the peak instead of 5.7 GB for the identity suite. Dates are numpy datetimes, not Python
    date objects: the roster identity suite's uniqueness of (snapshot_date, national_id) took
    5.2 s with the objects, 4.35 s without (7.3 million rows)."""
    if severity == "structure":
        return con.sql(f"select * from raw.{table} limit 0").df()
    import pyarrow as pa

    cols = ", ".join(f'"{c}"' for c in columns_needed(table, severity))
    con.register("__skip_files", pa.table({"source_hash": pa.array(sorted(skip_files), pa.string())}))
    try:
        return con.sql(
            f"select {cols} from raw.{table} "
            "where source_hash is null or source_hash not in (select source_hash from __skip_files)"
        ).to_arrow_table().to_pandas(types_mapper=_arrow_strings, date_as_object=False)
    finally:
        con.unregister("__skip_files")


COLLECT_ROWS = 100_000  # a frame worth a garbage collection (0.4 s in a run's process)


def run_suite(con, table: str, severity: str, skip_files: frozenset[str] = frozenset()) -> SuiteResult:
    """Build, load and validate one suite on raw.<table> (without the rows of `skip_files`),
    then hand the frame's memory back: the validation's objects, which refer to one another,
    are collected when the frame is large (they held the roster identity suite's 1.7 GB frame
    at national scale into the soft suite), and Arrow's allocator gives back the blocks it
    keeps for reuse (1.6 GB after the roster's soft suite, 0.9 GB after this)."""
    import pyarrow

    frame = load_frame(con, table, severity, skip_files)
    result = validate_frame(frame, build_suite(table, severity))
    rows = len(frame)
    result.rows = None if severity == "structure" else rows
    del frame
    if rows >= COLLECT_ROWS:
        gc.collect()
    pyarrow.default_memory_pool().release_unused()
    return result
