"""Incremental ingest: which files a run must read again, and what it may keep as it is.

A table ingested before has, in audit.ingest_ledger, the content hash of every current file
(and of a roster, the snapshot dates its rows carry), and in raw.ingest_basis what that ingest
was checked against (`basis`: the code, the library versions, the values its lookups read).
While the basis is the same, a file whose path and content hash are unchanged keeps its rows
in raw.<table>, its quarantine rows and its ledger rows. The changes (a new path, a path with
new content, a path gone) are read again with every file whose outcome a check over several
files could decide differently (`reread`):

- the duplicate-file rule (the same bytes as a file earlier in delivery order): every file
  with the same content hash as a changed file, old version or new;
- the key's duplicate rule (the first row in delivery order wins, among the rows that pass
  every other check): where the key is the snapshot date and the column a repeat is reported
  on (rosters: snapshot date and national ID), every file holding a row with a key of a
  changed file, its old version or its new one. A file's keys are those of its loaded rows
  (raw.<table>) and of its rows quarantined as repeats (the reported value, on the snapshot
  dates the ledger records for the file or sheet: a superset, never fewer);
- both applied again to every file they bring in, until nothing more comes in.

A new monthly roster therefore brings in only the files that hold one of its people on one of
its dates, not every roster of the same date. Any other check over several files (sums over
groups, another key), or a delivery without snapshot dates, makes every change a full ingest
of the table.
A changed basis is a full ingest too: new code, a new library, a new year (the latest date a
column may hold moves with it), or a table earlier in ORDER
(or the reference units) holding other values for the lookups (a corrected units file makes
the rosters checked again in full). One change of the lookups' values leaves every file's
outcome as it was (`same_outcomes`): another delivery's values (the rosters' people, for the
decisions) that every loaded row still finds, where that lookup quarantined no row. A new
month's rosters usually only add people: the decisions are then not read again.
`ingest_table(..., full=True)` (SAPNHAP_FULL_INGEST=1 for a run) forces one.
"""

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib.metadata import version
from pathlib import Path

import polars as pl

from dagster_project.contract import Delivery
from dagster_project.contract.model import latest_date
from dagster_project.ingest.checks.lookups import (
    in_delivery_sources,
    lookup_fingerprint,
    rows_deciding_otherwise,
)
from dagster_project.ingest.checks.whole_table import duplicate_keys
from dagster_project.ingest.engine.results import FileResult
from dagster_project.ingest.ledger import COUNTED
from dagster_project.ingest.survey import _hash_file
from dagster_project.settings import PROJECT_ROOT
from dagster_project.warehouse.raw_files import files_digest

LIBRARIES = ("polars", "duckdb", "fastexcel", "pyarrow")  # what reads and parses the files


@cache
def code_fingerprint() -> str:
    """The Python package and the versions of the libraries that read and check files."""
    libraries = "|".join(f"{lib}={version(lib)}" for lib in LIBRARIES)
    return f"{files_digest(sorted((PROJECT_ROOT / 'dagster_project').rglob('*.py')))}|{libraries}"


def basis(con, delivery: Delivery) -> str:
    """What an ingest of `delivery` is checked against besides its own files: the code, the
    latest date a column may hold (it moves with the year of the run), the lookups' values."""
    return f"code:{code_fingerprint()};latest:{latest_date()};{lookup_fingerprint(con, delivery)}"


def basis_parts(value: str) -> dict[str, str]:
    """A basis by part: `code`, `latest` and each source of the lookups (`source_name`)."""
    return dict(part.partition(":")[::2] for part in value.split(";"))


def same_outcomes(con, delivery: Delivery, stored: str | None, now: str) -> bool:
    """Whether every file ingested against the basis `stored` has the outcome it would have
    against `now`: the same basis, or one whose only changes are the values of `InDelivery`
    lookups (another delivery's, loaded before), each of which decides every row it decided
    before as it did (lookups.rows_deciding_otherwise). A row quarantined for another reason
    stays quarantined for it: no other check reads the warehouse."""
    if stored is None:
        return False
    if stored == now:
        return True
    before, after = basis_parts(stored), basis_parts(now)
    if before.keys() != after.keys():
        return False
    by_source = in_delivery_sources(delivery)
    moved = [name for name, value in after.items() if before[name] != value]
    return all(name in by_source for name in moved) and not any(
        rows_deciding_otherwise(con, delivery, by_source[name]) for name in moved)


def stored_basis(con, table: str) -> str | None:
    rows = con.execute("select basis from raw.ingest_basis where table_name = ?", [table]).fetchall()
    return rows[0][0] if rows else None


def store_basis(con, table: str, value: str) -> None:
    con.execute("delete from raw.ingest_basis where table_name = ?", [table])
    con.execute("insert into raw.ingest_basis values (?, ?)", [table, value])


def by_key(delivery: Delivery) -> bool:
    """True when the only check over several files besides the duplicate-file rule is the key's
    duplicate rule, on the snapshot date and the column a repeat is reported on."""
    s, keys = delivery.snapshot, duplicate_keys(delivery)
    return (not delivery.whole_table and s is not None
            and (keys is None or sorted(keys) == sorted({s.column, delivery.key.report})))


def current_files(con, table: str) -> dict[str, list[FileResult]]:
    """The current ledger rows of the files read last time (not the ignored ones), by file."""
    rows = con.execute(
        f"select file, sheet, content_hash, {', '.join(COUNTED)} from audit.ingest_ledger "
        "where table_name = ? and is_current and status <> 'ignored' order by file, sheet nulls first",
        [table]).fetchall()
    out: dict[str, list[FileResult]] = {}
    for file, sheet, content_hash, *counted in rows:
        r = FileResult(file, sheet, content_hash, **dict(zip(COUNTED, counted, strict=True)))
        out.setdefault(file, []).append(r)
    return out


def content_hashes(raw_dir: Path, files: list[str]) -> dict[str, str]:
    """The content hash of every file ("" when it cannot be read), two files at a time."""
    def one(rel: str) -> str:
        try:
            return _hash_file(raw_dir / rel)
        except OSError:
            return ""

    with ThreadPoolExecutor(2, thread_name_prefix="sapnhap-hash") as pool:
        return dict(zip(files, pool.map(one, files), strict=True))


def _keys_held(delivery: Delivery) -> str:
    """SQL: (file, snapshot date, reported value) of every row that holds a key: the loaded
    rows, and the rows quarantined as repeats on each date the ledger records for their sheet."""
    table, s, r = delivery.name, delivery.snapshot.column, delivery.key.report
    return f"""
        select source_file as file, "{s}" as key_date, "{r}" as key_value from raw."{table}"
        union all
        select q.file, cast(trim(d.unnest) as date), q.value
        from audit.quarantine q
        inner join audit.ingest_ledger l
            on l.table_name = q.table_name and l.is_current and l.file = q.file
            and l.sheet is not distinct from q.sheet
        cross join unnest(string_split(l.snapshot_dates, ',')) d
        where q.table_name = '{table}' and q.rule = '{delivery.key.duplicate}'
            and q.column_name = '{r}' and trim(d.unnest) <> ''"""


def sharing_keys(con, delivery: Delivery, files: set[str], keys: pl.DataFrame | None = None) -> set[str]:
    """The files holding a key that one of `files` holds, or one of `keys` (the new versions'
    keys: snapshot date, reported value)."""
    if duplicate_keys(delivery) is None or (not files and (keys is None or keys.is_empty())):
        return set()
    s, r = delivery.snapshot.column, delivery.key.report
    given = pl.DataFrame({"file": sorted(files)}, schema={"file": pl.String})
    new = (keys if keys is not None else pl.DataFrame(schema={s: pl.Date, r: pl.String})).select(
        pl.col(s).cast(pl.Date).alias("key_date"), pl.col(r).cast(pl.String).alias("key_value"))
    con.register("__given", given.to_arrow())
    con.register("__new_keys", new.to_arrow())
    try:
        rows = con.execute(f"""
            with held as materialized ({_keys_held(delivery)}),
            wanted as (
                select key_date, key_value from held where file in (select file from __given)
                union
                select key_date, key_value from __new_keys
            )
            select distinct file from held semi join wanted using (key_date, key_value)""").fetchall()
    finally:
        con.unregister("__given")
        con.unregister("__new_keys")
    return {f for (f,) in rows}


def reread(con, delivery: Delivery, changed: set[str], keys: pl.DataFrame | None,
           hashes: dict[str, set[str]]) -> set[str]:
    """The changed files and every file a check over several files links to them: the same
    content hash, or a key in common (`keys`: the changed files' new versions' keys; the old
    versions' are in the warehouse), transitively. `hashes`: per file (every file, changed or
    not), old and new versions together."""
    out = set(changed)
    frontier = set(changed)
    while frontier:
        h = set().union(*(hashes.get(f, set()) for f in frontier)) - {""}
        linked = {f for f, hs in hashes.items() if hs & h}
        linked |= sharing_keys(con, delivery, frontier, keys)
        keys = None  # the new versions' keys count once; the files they bring in, by their rows
        frontier = linked - out
        out |= frontier
    return out
