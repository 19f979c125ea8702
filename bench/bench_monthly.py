"""The monthly run at national scale, as ratios to a floor measured in the same run.

    python bench/bench_monthly.py [--bench-dir DIR] [--scale F] [--seed N] [--repeat N]

Prints, in one run:
- the floor: a bare polars parse of every roster CSV and Parquet file of the national set (the
  fastest of three);
- the full build: `sapnhap run` on an empty data folder holding the whole set (through 2026-10);
- an added month: the set without October 2026 built first (once, not timed), then October's
  files delivered (new monthly CSVs, a yearly Parquet replaced by one with one more month, a
  new quarterly workbook) to a copy of it, and `sapnhap run` again;
- a run with nothing new: `sapnhap run` once more;
each with its wall time, its ratio to the floor (and the added month's to the full build),
and the peak memory of the run (the largest process: the command or the dbt it starts); then
whether the added run's published marts equal the full build's (bench/compare_marts.py), and
each target of the issue, met or not (`verdicts`).

The machine is shared and noisy, so the full build and the added month are each run `--repeat`
times (default 2), one after the other (full, added, full, added, ...): every run is printed,
and the figures are their medians (the added month's ratio is the median added month over the
median full build; each pair's own ratio is printed too). Peak memory is the largest of them.

The national set is generated once into the bench folder (default bench/data/, ignored by
git; about 5 minutes) and reused. Read the ratios.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from dagster_project.ingest.parse import parse_date

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_marts import compare  # noqa: E402  (bench/ is not a package)

ROOT = Path(__file__).resolve().parent.parent
SAPNHAP = str(Path(sys.executable).with_name("sapnhap"))
THROUGH = "2026-10"
LAST = "2026-10"
PREVIOUS = "2026-09"
# The targets: the full build within 40 times the floor, an added month within 0.35 of
# the full build, the peak memory of any run at most 4 GB.
FULL_OVER_FLOOR = 40
ADDED_OVER_FULL = 0.35
PEAK_MB = 4096


def verdicts(full_over_floor: float, added_over_full: float, peak_mb: float) -> list[str]:
    """One line per target: the figure, the line, met or not."""
    def line(what: str, figure: str, limit: str, met: bool) -> str:
        return f"{what}: {figure} against {limit}: {'met' if met else 'NOT met'}"

    return [
        line("full build", f"{full_over_floor:.1f}x the floor", f"{FULL_OVER_FLOOR}x",
             full_over_floor <= FULL_OVER_FLOOR),
        line("added month", f"{added_over_full:.3f} of the full build", f"{ADDED_OVER_FULL}",
             added_over_full <= ADDED_OVER_FULL),
        line("peak memory", f"{peak_mb:,.0f} MB", f"{PEAK_MB:,} MB", peak_mb <= PEAK_MB),
    ]


def generate(raw: Path, scale: float, seed: int) -> None:
    if (raw / "_manifest" / "summary.json").exists():
        return
    print(f"Generating the national set into {raw} (once) ...", flush=True)
    subprocess.run([SAPNHAP, "generate", "--provinces", "all", "--scale", str(scale), "--seed",
                    str(seed), "--through", THROUGH, "--out", str(raw)], check=True,
                   stdout=subprocess.DEVNULL)


def without_last_month(full: Path, previous: Path) -> None:
    """The same deliveries one month earlier: October's monthly files absent, the 2026
    Parquet files without October's rows, the workbooks of Q4 2026 absent."""
    if previous.exists():
        shutil.rmtree(previous)
    shutil.copytree(full, previous, ignore=shutil.ignore_patterns("_manifest"))
    for path in sorted((previous / "personnel").rglob("*")):
        name = path.name
        if not path.is_file():
            continue
        if f"{LAST}-" in name or "2026_Q4" in name or "2026-Q4" in name:
            path.unlink()
        elif name.endswith("2026.parquet"):
            frame = pl.read_parquet(path)
            date_col = next((c for c in frame.columns if "snapshot" in c.lower() or "ngày báo cáo" in c.lower()), None)
            if date_col is not None:
                # Dates as ingest reads them: a few are Excel serial numbers (46326 is
                # 2026-10-31), which a text match on "2026-10" left in the month before.
                month = parse_date(pl.col(date_col).cast(pl.String)).dt.strftime("%Y-%m")
                frame.filter((month != LAST).fill_null(True)).write_parquet(path)


def parse_floor(raw: Path, passes: int = 3) -> tuple[float, int, list[float]]:
    """The fastest of `passes` bare parses of the roster CSV and Parquet files (the first also
    brings them into the page cache, as the runs after it find them): (seconds, rows, every
    pass)."""
    files = [p for p in (raw / "personnel").rglob("*") if p.suffix in (".csv", ".parquet")]
    times = []
    for _ in range(passes):
        started = time.perf_counter()
        rows = 0
        for path in files:
            if path.suffix == ".csv":
                frame = pl.read_csv(path, infer_schema=False, separator=_separator(path), truncate_ragged_lines=True)
            else:
                frame = pl.read_parquet(path)
            rows += frame.height
        times.append(time.perf_counter() - started)
    return min(times), rows, times


def _separator(path: Path) -> str:
    head = path.read_bytes()[:4096].decode("utf-8", "replace").splitlines()[0]
    return ";" if head.count(";") > head.count(",") else ","


def run(data: Path, month: str, log: Path) -> tuple[float, float, str]:
    """`sapnhap run --month` in a fresh process: (seconds, peak RSS in MB, last line)."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env["SAPNHAP_DATA_DIR"] = str(data)
    started = time.perf_counter()
    with open(log, "w") as out:
        child = subprocess.Popen([SAPNHAP, "run", "--month", month], env=env, stdout=out,
                                 stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    # wait4 reports the child with its reaped descendants (dbt): the largest of them, in KB.
    peak = usage.ru_maxrss / 1024
    last = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1]
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"sapnhap run failed ({log}): {last}")
    return elapsed, peak, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench-dir", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs of the full build and of the added month, one after the other (default 2)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    base = args.bench_dir.resolve()
    full_raw = base / "national" / "raw"
    generate(full_raw, args.scale, args.seed)
    without_last_month(full_raw, base / "previous" / "raw")

    floor, rows, passes = parse_floor(full_raw)
    print(f"floor: bare polars parse of {rows:,} roster rows (CSV + Parquet): {floor:.1f} s "
          f"(fastest of {', '.join(f'{t:.1f}' for t in passes)} s)", flush=True)

    # Built through September once, where the added month runs (dbt and Dagster keep the
    # folder's path), then put aside: each added month starts from a copy of it put back.
    full, added, before = base / "run_full", base / "run_added", base / "run_added_before"
    for folder in (added, before):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(base / "previous" / "raw", added / "raw")
    run(added, PREVIOUS, base / "previous.log")
    added.rename(before)

    fulls, addeds = [], []
    for i in range(1, args.repeat + 1):
        shutil.rmtree(full, ignore_errors=True)
        shutil.copytree(full_raw, full / "raw", ignore=shutil.ignore_patterns("_manifest"))
        t_full, rss_full, line = run(full, LAST, base / "full.log")
        fulls.append((t_full, rss_full))
        print(f"full build {i}: {t_full:.0f} s, {t_full / floor:.0f}x the floor, peak {rss_full:,.0f} MB\n  {line}",
              flush=True)
        shutil.rmtree(added, ignore_errors=True)
        shutil.copytree(before, added, symlinks=True)
        shutil.rmtree(added / "raw" / "personnel")
        shutil.copytree(full_raw / "personnel", added / "raw" / "personnel")
        t_added, rss_added, line = run(added, LAST, base / "added.log")
        addeds.append((t_added, rss_added))
        print(f"added month {i}: {t_added:.0f} s, {t_added / floor:.0f}x the floor, {t_added / t_full:.2f} of "
              f"full build {i}, peak {rss_added:,.0f} MB\n  {line}", flush=True)

    t_same, rss_same, line = run(added, LAST, base / "same.log")
    print(f"nothing new: {t_same:.1f} s, {t_same / floor:.1f}x the floor, peak {rss_same:,.0f} MB\n  {line}", flush=True)

    t_full = statistics.median(t for t, _ in fulls)
    t_added = statistics.median(t for t, _ in addeds)
    rss_full, rss_added = max(r for _, r in fulls), max(r for _, r in addeds)
    runs = f" (median of {args.repeat})" if args.repeat > 1 else ""
    print(f"full build{runs}: {t_full:.0f} s, {t_full / floor:.0f}x the floor, peak {rss_full:,.0f} MB")
    print(f"added month{runs}: {t_added:.0f} s, {t_added / t_full:.3f} of the full build, peak {rss_added:,.0f} MB")
    report = compare(str(full / "marts" / "warehouse.duckdb"), str(added / "marts" / "warehouse.duckdb"))
    identical = sum(r["status"] == "identical" for r in report)
    print(f"added month = full build: {identical} of {len(report)} published marts tables identical"
          + "".join(f"\n  {r['table']}: {r['status']}" for r in report if r["status"] != "identical"))
    for verdict in verdicts(t_full / floor, t_added / t_full, max(rss_full, rss_added, rss_same)):
        print(verdict)
    results = {"floor_s": floor, "roster_rows": rows, "full_s": t_full, "full_peak_mb": rss_full,
               "added_s": t_added, "added_peak_mb": rss_added, "nothing_new_s": t_same,
               "full_over_floor": t_full / floor, "added_over_full": t_added / t_full,
               "full_runs_s": [t for t, _ in fulls], "added_runs_s": [t for t, _ in addeds],
               "marts_identical": identical, "marts_tables": len(report)}
    (base / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({k: [round(x, 2) for x in v] if isinstance(v, list) else round(v, 2)
                      for k, v in results.items()}))


if __name__ == "__main__":
    main()
