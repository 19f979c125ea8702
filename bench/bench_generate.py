"""Benchmark and national calibration of the synthetic generator (issue 3).

    .venv/bin/python bench/bench_generate.py [--provinces all] [--through 2026-10] [--out DIR]

Generates into a fresh temporary folder (or --out), prints rows and bytes per folder, wall
time and peak memory, then READS THE FILES BACK and prints the calibration table (target
vs generated), asserting every calibrated figure is within 10 % of its target. Targets are
the national figures of docs/rules.md (key figures), scaled by the number of old communes of the selection
(counted here from the reference CSV, not taken from the generator). The pytest suite runs
`check_calibration` on a province subset; this script runs it at national scale.

The read-back helpers (`read_table`, `iter_sheets`, `canonical_headers`) are shared with
tests/synth/.
"""

import argparse
import csv
import json
import re
import resource
import sys
import tempfile
import time
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dagster_project.contract import TABLES  # noqa: E402
from dagster_project.settings import SHIPPED_REFERENCE_DIR  # noqa: E402

# docs/rules.md (key figures) national figures (and one assumption for the provincial apparatus).
NATIONAL_TARGETS = {
    "commune_cadres_civil_servants_pre": 206_707,
    "commune_part_time_pre": 120_500,
    "district_staff_pre": 140_000,
    "provincial_staff_pre": 75_000,  # assumption (~1,200 per old province), not a published figure
    "decree_178_leavers": 146_839,
}
NATIONAL_OLD_COMMUNES = 10_035
TOLERANCE = 0.10
EXCEL_EPOCH = date(1899, 12, 30)


# --- reading files back --------------------------------------------------------------------

def fold(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).strip().casefold()


def canonical_headers(table: str) -> dict[str, str]:
    """Folded English or Vietnamese header -> canonical column name."""
    out = {}
    for c in TABLES[table].columns:
        out[fold(c.name)] = c.name
        out[fold(c.vi)] = c.name
    return out


def cell_text(v) -> str:
    """An XLSX cell as the text a reader would compare with the manifest."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def load_layouts(out_dir: Path) -> dict[tuple[str, str], dict]:
    """(file, sheet) -> where the table lies, from the ground truth `_manifest/layouts.csv`."""
    path = out_dir / "_manifest" / "layouts.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as f:
        return {(r["file"], r["sheet"]): r for r in csv.DictReader(f)}


def _rows(span: str) -> list[int]:
    if not span:
        return []
    a, _, b = span.partition("-")
    return list(range(int(a), int(b or a) + 1))


def form_header(top: list[str], bottom: list[str], table: str) -> list[str]:
    """A two-row header read as one: the lower cell, else upper and lower cell together (a
    group label spans the cells of its merge), else the upper cell."""
    names = canonical_headers(table)
    group = ""
    out = []
    for t, b in zip(top, bottom, strict=True):
        if t:
            group = t
        elif not b:
            group = ""
        if not b:
            out.append(t)
        elif fold(b) in names:
            out.append(b)
        else:
            out.append(f"{group} {b}".strip())
    return out


def iter_sheets(path: Path, layouts: dict | None = None, rel: str = ""):
    """Yield (sheet name or '', header list, rows as lists of text, spreadsheet row numbers)
    for any delivery file. A workbook sheet found in `layouts` (the ground truth) is read
    where its header and data lie; a sheet of notes (no header) is not yielded."""
    layouts = layouts or {}
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        text = raw.decode("utf-8")
        first = text.split("\n", 1)[0]
        sep = ";" if first.count(";") > first.count(",") else ","
        rows = list(csv.reader(text.splitlines(), delimiter=sep))
        yield "", rows[0], rows[1:], list(range(2, len(rows) + 1))
    elif suffix == ".parquet":
        import polars as pl
        df = pl.read_parquet(path)
        cols = []
        for name in df.columns:
            s = df[name]
            if s.dtype == pl.Date:
                s = s.dt.strftime("%Y-%m-%d")
            elif s.dtype == pl.Boolean:
                s = s.cast(pl.Utf8).str.to_lowercase()
            elif s.dtype.is_float():
                s = s.map_elements(cell_text, return_dtype=pl.Utf8)
            cols.append(s.cast(pl.Utf8).fill_null("").to_list())
        rows = [list(r) for r in zip(*cols, strict=True)] if cols else []
        yield "", df.columns, rows, list(range(2, len(rows) + 2))
    elif suffix == ".xlsx":
        import openpyxl
        table = rel.split("/", 1)[0] if rel else ""
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                lay = layouts.get((rel, ws.title))
                if lay is not None and not lay["header_rows"]:
                    continue  # a sheet of notes
                if lay is None or lay["form"] != "true":
                    it = ws.iter_rows(min_row=1, values_only=True)
                    header = [cell_text(v) for v in next(it)]
                    rows = [[cell_text(v) for v in r] + [""] * (len(header) - len(r)) for r in it]
                    yield ws.title, header, rows, list(range(2, len(rows) + 2))
                    continue
                grid = [[cell_text(v) for v in r] for r in ws.iter_rows(min_row=1, values_only=True)]
                width = max(len(r) for r in grid)
                grid = [r + [""] * (width - len(r)) for r in grid]
                head = _rows(lay["header_rows"])
                header = grid[head[0] - 1] if len(head) == 1 else form_header(
                    grid[head[0] - 1], grid[head[1] - 1], table)
                skip = set(_rows(lay["blank_rows"]))
                numbers = [n for n in range(int(lay["first_data_row"] or 0),
                                            int(lay["last_data_row"] or -1) + 1) if n not in skip]
                yield ws.title, header, [grid[n - 1] for n in numbers], numbers
        finally:
            wb.close()


def read_table(out_dir: Path, table: str, name_contains: str = "", files: set[str] | None = None):
    """Yield (relative path, sheet, row number, {canonical column: text}) for every data
    row of every file of a table's folder (or of `files`), in ingest order (path, sheet order,
    row). A form whose report date is only in its title block gives it as `_title_date`."""
    names = canonical_headers(table)
    layouts = load_layouts(out_dir)
    for path in sorted((out_dir / table).rglob("*"), key=lambda p: p.relative_to(out_dir).as_posix()):
        rel = path.relative_to(out_dir).as_posix()
        if not path.is_file() or name_contains not in path.name or (files is not None and rel not in files):
            continue
        for sheet, header, rows, numbers in iter_sheets(path, layouts, rel):
            cols = [names.get(fold(h)) for h in header]
            title = (layouts.get((rel, sheet)) or {}).get("title_date") or ""
            for n, r in zip(numbers, rows, strict=True):
                row = {c: v for c, v in zip(cols, r, strict=False) if c}
                if title:
                    row["_title_date"] = title
                yield rel, sheet, n, row


def parse_date(text: str) -> date:
    t = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        return date.fromisoformat(t)
    m = re.fullmatch(r"(\d{2})[/-](\d{2})[/-](\d{4})", t)
    if m:
        return date(int(m[3]), int(m[2]), int(m[1]))
    if re.fullmatch(r"\d{4,6}", t):
        return EXCEL_EPOCH + timedelta(days=int(t))
    raise ValueError(f"not a date: {text!r}")


def snapshot_of(rel: str, row: dict) -> date:
    """The contract's rule: the snapshot_date column, else a date in the file name, else (an
    official form) the report date of its title block."""
    if row.get("snapshot_date"):
        return parse_date(row["snapshot_date"])
    m = re.search(r"(\d{4}-\d{2}-\d{2})", rel.rsplit("/", 1)[-1])
    if m:
        return date.fromisoformat(m[1])
    if row.get("_title_date"):
        return date.fromisoformat(row["_title_date"])
    raise ValueError(f"no snapshot date in {rel}")


# --- calibration ---------------------------------------------------------------------------

def old_communes(new_provinces: list[str] | None) -> int:
    """Old communes of the selection, counted from the reference lineage."""
    with (SHIPPED_REFERENCE_DIR / "lineage_provinces.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return sum(int(r["old_n_communes"]) for r in rows
               if new_provinces is None or r["new_province_code"] in new_provinces)


def june_rosters(out_dir: Path) -> set[str]:
    """The files of each old province's June 2025 roster (the last before the merger, dated
    the province's way), from the ground truth `_manifest/deliveries.csv`."""
    with (out_dir / "_manifest" / "deliveries.csv").open(encoding="utf-8") as f:
        return {x for r in csv.DictReader(f) if r["period"] == "pre" and r["report_month"] == "2025-06"
                for x in r["files"].split(";") if x}


def measure(out_dir: Path) -> dict[str, int]:
    """Counts read from the files: staff on the June 2025 rosters by level (from the unit
    code) and category, and Decree 178 decisions. Rows flagged in the manifest as
    duplicates are not counted twice."""
    dups = set()
    manifest = out_dir / "_manifest" / "defects.csv"
    if manifest.exists():
        with manifest.open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["kind"] in ("duplicate_person", "duplicate_decision"):
                    dups.add((r["file"], r["sheet"], int(r["row"])))
    n = dict.fromkeys(NATIONAL_TARGETS, 0)
    for rel, sheet, row, r in read_table(out_dir, "personnel", files=june_rosters(out_dir)):
        if (rel, sheet, row) in dups:
            continue
        code = r.get("unit_code", "").strip()
        cat = r.get("staff_category", "")
        if code.startswith("X") and cat in ("cadre", "civil_servant", "cán bộ", "công chức"):
            n["commune_cadres_civil_servants_pre"] += 1
        if cat in ("commune_part_time", "không chuyên trách"):
            n["commune_part_time_pre"] += 1
        if code.startswith("H"):
            n["district_staff_pre"] += 1
        if code.startswith("T"):
            n["provincial_staff_pre"] += 1
    for rel, sheet, row, r in read_table(out_dir, "decisions"):
        if r.get("decree") == "178" and (rel, sheet, row) not in dups:
            n["decree_178_leavers"] += 1
    return n


def check_calibration(out_dir: Path, new_provinces: list[str] | None, scale: float = 1.0,
                      tolerance: float = TOLERANCE, verbose: bool = True) -> list[dict]:
    """Print target vs generated; assert each is within `tolerance` of its target."""
    share = old_communes(new_provinces) / NATIONAL_OLD_COMMUNES * scale
    got = measure(out_dir)
    table = []
    for k, v in NATIONAL_TARGETS.items():
        target = v * share
        table.append({"metric": k, "target": round(target), "generated": got[k],
                      "deviation_pct": round(100 * (got[k] - target) / target, 2)})
    if verbose:
        print(f"{'metric':40} {'target':>10} {'generated':>10} {'dev %':>7}")
        for r in table:
            print(f"{r['metric']:40} {r['target']:>10,} {r['generated']:>10,} {r['deviation_pct']:>7}")
    bad = [r for r in table if abs(r["deviation_pct"]) > 100 * tolerance]
    assert not bad, f"calibration off by more than {tolerance:.0%}: {bad}"
    return table


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--provinces", default="all")
    ap.add_argument("--through", default="2026-10")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=20250701)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    from dagster_project.synth import generate
    out = args.out or Path(tempfile.mkdtemp(prefix="sapnhap_synth_"))
    t0 = time.perf_counter()
    s = generate(out, provinces=args.provinces, scale=args.scale, through=args.through,
                 seed=args.seed)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({k: s[k] for k in ("rows", "bytes", "files", "rows_by_format", "persons",
                                        "decisions", "defects")}, indent=1))
    print(f"out {out}\nwall {wall:.1f} s, peak RSS {peak:.0f} MB")
    codes = None if args.provinces == "all" else s["provinces"]
    t1 = time.perf_counter()
    check_calibration(out, codes, args.scale)
    print(f"read-back {time.perf_counter() - t1:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
