"""Which delivered files' rows have passed a suite, so that a check validates only the rows of
files it has not passed yet (a month's new files, a replaced workbook), not the whole table
again every month (national scale: 7.3 million roster rows, 38 s of the roster's two suites).

Per table and suite, a small JSON file in the build folder holds the content hashes of the
files whose rows passed, each with a fingerprint of its rows as the suite reads them (their
number and the sum of their hashes: a file whose rows changed since, by a new ingest or by
hand, is validated again), and what of the ingest basis the suites depend on (raw.ingest_basis:
the code and the latest allowed date; not the values the lookups read, which change which rows
are loaded, and so their fingerprints, not what a suite says of them) with the Great
Expectations version. A new code, year or version validates everything again. Only a suite that
passed records anything, so a failure stays until the file is replaced or removed. The
structure suite, which reads the table's layout and no rows, records the layout the same way
(`layout_of`).

When every file passed before and no row lies outside the files (`nothing_new`), a check does
not build its suite at all: a month in which a table's files are unchanged neither imports
Great Expectations for it nor validates an empty frame.

What this leaves to the checks that run on every build: a key repeated across two files, one
already passed and one new, is not seen by the identity suite; ingest quarantines such a
repeat (duplicate_person, duplicate_decision) and the blocking dbt tests on the staging
models (unique_combination) test the whole table in every build.
"""

import hashlib
import json
import os
from importlib.metadata import version
from pathlib import Path

from dagster_project.ingest.engine.incremental import basis_parts


def state_path(build_dir: Path, table: str, severity: str) -> Path:
    return build_dir / f"gx_passed_{table}_{severity}.json"


def _digest(basis: str) -> str:
    """The code and the latest allowed date of the ingest basis, with the Great Expectations
    version (a new version validates everything again)."""
    parts = basis_parts(basis)
    return hashlib.sha256(f"code:{parts.get('code')};latest:{parts.get('latest')}|"
                          f"great_expectations={version('great_expectations')}".encode()).hexdigest()


def passed_files(build_dir: Path, table: str, severity: str, basis: str | None,
                 now: dict[str, str]) -> frozenset[str]:
    """The content hashes of the files in the table (`now`: hash -> fingerprint of its rows)
    whose rows, as they are now, passed the suite under `basis` (none when the basis differs,
    the state is missing or unreadable)."""
    path = state_path(build_dir, table, severity)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    if basis is None or state.get("basis") != _digest(basis) or not isinstance(state.get("files"), dict):
        return frozenset()
    return frozenset(h for h, rows in state["files"].items() if now.get(h) == rows)


def record_passed(build_dir: Path, table: str, severity: str, basis: str | None,
                  files: dict[str, str]) -> None:
    """Record that the rows of `files` (every file now in the table: hash -> fingerprint)
    passed, atomically."""
    if basis is None:
        return
    path = state_path(build_dir, table, severity)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"basis": _digest(basis), "files": dict(sorted(files.items()))}), encoding="utf-8")
    os.replace(tmp, path)


def files_in(con, table: str, columns: list[str]) -> dict[str, str]:
    """The content hash of each file whose rows are in raw.<table> -> a fingerprint of those
    rows' `columns`: their number and the sum of their hashes (national roster: 0.2 s)."""
    cols = ", ".join(f'"{c}"' for c in columns)
    rows = con.execute(f"select source_hash, count(*), sum(hash({cols})::hugeint) from raw.{table} "
                       "where source_hash is not null group by source_hash").fetchall()
    return {h: f"{n}:{total}" for h, n, total in rows}


LAYOUT = "layout"  # the one "file" of the structure suite: the table's columns and types


def layout_of(con, table: str) -> dict[str, str]:
    """The structure suite's state: the columns of raw.<table> and their types, in order."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns where table_schema = 'raw' "
        "and table_name = ? order by ordinal_position", [table]).fetchall()
    return {LAYOUT: hashlib.sha256(repr(columns).encode()).hexdigest()}


def nothing_new(con, table: str, files: dict[str, str], passed: frozenset[str]) -> bool:
    """Every file (or the layout) passed before under the same basis, and no row of the table
    is outside the files (a row without a content hash: the identity suite must see it)."""
    if not set(files) <= passed:
        return False
    if set(files) == {LAYOUT}:
        return True
    return con.execute(f"select count(*) from raw.{table} where source_hash is null").fetchall()[0][0] == 0
