"""Ingest throughput and peak memory at national scale, beside the bare polars parse floor.

    .venv/bin/python bench/bench_ingest.py [--data DIR] [--provinces all] [--seed N]

Uses DIR (a raw/ folder as the generator writes it) when it already holds personnel files,
else generates it there (`dagster_project.synth.generate`). Then, each in a fresh process so
peak memory (ru_maxrss) belongs to that measurement alone:
- floor: bare `pl.read_csv` of every personnel CSV, all columns as text;
- ingest of the personnel rosters per format (CSV, Parquet, XLSX, then all together): read,
  map headers, normalise, parse, validate every rule, write raw.personnel, the quarantine and
  the ledger into a fresh DuckDB file (units are loaded first, untimed, since rosters are
  checked against them).
Prints one JSON object per measurement and a summary table. Not part of the test run.
"""

import argparse
import json
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds (user + system, all threads) of this process: steadier than wall time when
    another job shares the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _floor(raw: str, files: list[str]) -> dict:
    import polars as pl

    t0, c0 = time.perf_counter(), _cpu_s()
    rows = 0
    for rel in files:
        data = (Path(raw) / rel).read_bytes()
        sep = ";" if data.split(b"\n", 1)[0].count(b";") > data.split(b"\n", 1)[0].count(b",") else ","
        rows += pl.read_csv(data, separator=sep, infer_schema=False).height
    seconds = time.perf_counter() - t0
    return {"measure": "floor: bare polars read_csv (text)", "format": "csv", "files": len(files),
            "rows": rows, "seconds": round(seconds, 3), "rows_per_s": round(rows / seconds),
            "cpu_seconds": round(_cpu_s() - c0, 3), "peak_rss_mb": round(_peak_mb()),
            "load_1min": os.getloadavg()[0]}


def _place(source: Path, target: Path) -> None:
    """A hard link (a copy across file systems): ingest does not follow symbolic links."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _subset(raw: Path, files: list[str], into: Path) -> Path:
    """A raw/ folder holding units/ and lineage/ as they are and only `files` of personnel/."""
    into.mkdir(parents=True)
    for table in ("units", "lineage"):
        shutil.copytree(raw / table, into / table, copy_function=_place)
    for rel in files:
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        _place(raw / rel, target)
    return into


def _ingest(raw: str, files: list[str], label: str) -> dict:
    import duckdb

    from dagster_project.ingest import ingest_table, reconcile
    from dagster_project.settings import SHIPPED_REFERENCE_DIR
    from dagster_project.warehouse.reference import load_reference_table

    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        sub = _subset(Path(raw), files, Path(tmp) / "raw")
        con = duckdb.connect(str(Path(tmp) / "warehouse.duckdb"))
        for table in ("ref_units_pre", "ref_units_post"):
            load_reference_table(con, SHIPPED_REFERENCE_DIR, table)
        ingest_table(con, sub, "units")
        before = _peak_mb()
        t0, c0 = time.perf_counter(), _cpu_s()
        result = ingest_table(con, sub, "personnel")
        seconds, cpu = time.perf_counter() - t0, _cpu_s() - c0
        ok = bool(reconcile(con, "personnel").get_column("ok").all())
        con.close()
    return {"measure": f"ingest personnel ({label})", "format": label, "files": len(files),
            "rows": result.rows_read, "loaded": result.rows_loaded,
            "quarantined": result.rows_quarantined, "rows_read_eq_loaded_plus_quarantined": ok,
            "seconds": round(seconds, 3), "rows_per_s": round(result.rows_read / seconds),
            "cpu_seconds": round(cpu, 3), "peak_rss_mb": round(_peak_mb()),
            "peak_rss_before_mb": round(before), "load_1min": os.getloadavg()[0]}


def _run(fn, *args) -> dict:
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(fn, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "sapnhap_bench_raw")
    parser.add_argument("--provinces", default="all")
    parser.add_argument("--through", default=None, help="last month generated (generator default if unset)")
    parser.add_argument("--seed", type=int, default=20250701)
    args = parser.parse_args()
    raw = args.data.resolve()

    from dagster_project.ingest.read import discover

    if not discover(raw, "personnel"):
        from dagster_project.synth import generate

        kwargs = {"through": args.through} if args.through else {}
        t0 = time.perf_counter()
        generate(raw, provinces=args.provinces, seed=args.seed, clean=False, progress=False, **kwargs)
        print(json.dumps({"generated": str(raw), "seconds": round(time.perf_counter() - t0, 1)}), flush=True)

    files = discover(raw, "personnel")
    by_format = {ext: [f for f in files if f.lower().endswith("." + ext)] for ext in ("csv", "parquet", "xlsx")}
    print(json.dumps({"data": str(raw), "cpus": os.cpu_count(),
                      "files": {k: len(v) for k, v in by_format.items()}}), flush=True)
    results = [_run(_floor, str(raw), by_format["csv"])]
    print(json.dumps(results[-1]), flush=True)
    for label in ("csv", "parquet", "xlsx"):
        if by_format[label]:
            results.append(_run(_ingest, str(raw), by_format[label], label))
            print(json.dumps(results[-1]), flush=True)
    fast = by_format["csv"] + by_format["parquet"]
    if fast:
        results.append(_run(_ingest, str(raw), sorted(fast), "csv+parquet"))
        print(json.dumps(results[-1]), flush=True)
    results.append(_run(_ingest, str(raw), files, "all formats"))
    print(json.dumps(results[-1]), flush=True)

    print()
    print(f"{'measure':40} {'rows':>10} {'seconds':>8} {'rows/s':>10} {'x floor':>7} {'cpu s':>7} "
          f"{'peak MB':>8} {'load':>5}")
    floor = results[0]["rows_per_s"]
    for r in results:
        print(f"{r['measure']:40} {r['rows']:>10,} {r['seconds']:>8.2f} {r['rows_per_s']:>10,} "
              f"{r['rows_per_s'] / floor:>7.3f} {r['cpu_seconds']:>7.2f} {r['peak_rss_mb']:>8,} "
              f"{r['load_1min']:>5.2f}")


if __name__ == "__main__":
    main()
