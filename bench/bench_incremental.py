"""Ingest of a month's deliveries at national scale: a full ingest against an incremental one.

    python bench/bench_incremental.py prepare RAW WORK   # WORK/previous/raw: RAW one month earlier
    python bench/bench_incremental.py ingest WORK/x.duckdb RAW [--full] [--from BASE.duckdb]
    python bench/bench_incremental.py compare A.duckdb B.duckdb

`prepare` builds the delivery set one month earlier (bench_monthly.without_last_month: October's
monthly files and Q4 workbooks absent, the 2026 Parquet files without October's rows).
`ingest` loads the reference units into a new warehouse (or copies BASE, a warehouse holding an
earlier ingest) and runs `ingest_all` on RAW, printing the seconds of the ingest alone and the
files read per table; run it under `/usr/bin/time -v` for the peak memory, one at a time.
`compare` says whether two warehouses hold the same raw.*, audit.quarantine and current
ledger rows (as multisets, `ingested_at` aside).
"""

import argparse
import shutil
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_monthly import without_last_month  # noqa: E402

from dagster_project.contract import ORDER  # noqa: E402
from dagster_project.ingest import ingest_all  # noqa: E402
from dagster_project.settings import SHIPPED_REFERENCE_DIR  # noqa: E402
from dagster_project.warehouse.reference import load_reference_table  # noqa: E402


def ingest(db: Path, raw: Path, full: bool, base: Path | None) -> None:
    if base is not None:
        shutil.copyfile(base, db)
    con = duckdb.connect(str(db))
    if base is None:
        for table in ("ref_units_pre", "ref_units_post"):
            load_reference_table(con, SHIPPED_REFERENCE_DIR, table)
    started = time.perf_counter()
    results = ingest_all(con, raw, full=full)
    elapsed = time.perf_counter() - started
    con.close()
    read = ", ".join(f"{t} {r.files_read}/{len({f.file for f in r.files if f.status != 'ignored'})}"
                     for t, r in results.items())
    print(f"ingest_all {'full' if full or base is None else 'incremental'}: {elapsed:.1f} s; "
          f"files read: {read}; roster rows in the ledger {results['personnel'].rows_read:,}")


def fingerprints(con) -> dict[str, tuple]:
    queries = {t: f"select * from raw.{t}" for t in ORDER}
    queries["quarantine"] = "select * from audit.quarantine"
    queries["ledger"] = "select * exclude (ingested_at) from audit.ingest_ledger where is_current"
    # a multiset hash: the count of each distinct row folded in
    return {name: con.execute(f"select count(*), bit_xor(h) from (select hash(hash(r), count(*)) as h "
                              f"from (select r from ({sql}) as r) group by r)").fetchone()
            for name, sql in queries.items()}


def compare(a: Path, b: Path) -> None:
    fa = fingerprints(duckdb.connect(str(a), read_only=True))
    fb = fingerprints(duckdb.connect(str(b), read_only=True))
    for name in fa:
        print(f"{name}: {'same' if fa[name] == fb[name] else 'DIFFERENT'} ({fa[name][0]:,} / {fb[name][0]:,} rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("raw", type=Path)
    p.add_argument("work", type=Path)
    p = sub.add_parser("ingest")
    p.add_argument("db", type=Path)
    p.add_argument("raw", type=Path)
    p.add_argument("--full", action="store_true")
    p.add_argument("--from", dest="base", type=Path)
    p = sub.add_parser("compare")
    p.add_argument("a", type=Path)
    p.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "prepare":
        without_last_month(args.raw, args.work / "previous" / "raw")
    elif args.command == "ingest":
        ingest(args.db, args.raw, args.full, args.base)
    else:
        compare(args.a, args.b)


if __name__ == "__main__":
    main()
