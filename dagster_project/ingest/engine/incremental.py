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
- the key's duplicate rule (the first row in delivery order wins): where the key holds the
  snapshot date (rosters: snapshot date and person), every file sharing a snapshot date with
  a changed file, its old version or its new one;
- both applied again to every file they bring in, until nothing more comes in.

Any other check over several files (sums over groups, a duplicate key without a date), or a
delivery whose ledger does not record dates, makes every change a full ingest of the table.
A changed basis is a full ingest too: new code, a new library, a new year (the latest date a
column may hold moves with it), or a table earlier in ORDER
(or the reference units) holding other values for the lookups (a corrected units file makes
the rosters checked again in full). `ingest_table(..., full=True)` (SAPNHAP_FULL_INGEST=1 for
a run) forces one.
"""

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib.metadata import version
from pathlib import Path

from dagster_project.contract import Delivery
from dagster_project.contract.model import latest_date
from dagster_project.ingest.checks.lookups import lookup_fingerprint
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


def stored_basis(con, table: str) -> str | None:
    rows = con.execute("select basis from raw.ingest_basis where table_name = ?", [table]).fetchall()
    return rows[0][0] if rows else None


def store_basis(con, table: str, value: str) -> None:
    con.execute("delete from raw.ingest_basis where table_name = ?", [table])
    con.execute("insert into raw.ingest_basis values (?, ?)", [table, value])


def by_date(delivery: Delivery) -> bool:
    """True when the only check over several files besides the duplicate-file rule is the key's
    duplicate rule and the key holds the snapshot date the ledger records per file."""
    s, keys = delivery.snapshot, duplicate_keys(delivery)
    return (not delivery.whole_table and s is not None and s.provinces_of is not None
            and (keys is None or s.column in keys))


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


def dates_of(results: list[FileResult]) -> set[str]:
    return {d for r in results if r.snapshot_dates for d in r.snapshot_dates.split(",")}


def reread(changed: set[str], dates: dict[str, set[str]], hashes: dict[str, set[str]]) -> set[str]:
    """The changed files and every file a check over several files links to them: the same
    content hash, or (`dates` given) a snapshot date in common, transitively. `dates` and
    `hashes`: per file (every file, changed or not), old and new versions together."""
    out = set(changed)
    frontier = set(changed)
    while frontier:
        d = set().union(*(dates.get(f, set()) for f in frontier))
        h = set().union(*(hashes.get(f, set()) for f in frontier)) - {""}
        frontier = {f for f in set(dates) | set(hashes) if f not in out
                    and (dates.get(f, set()) & d or hashes.get(f, set()) & h)}
        out |= frontier
    return out
