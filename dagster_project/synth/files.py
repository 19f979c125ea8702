"""Writing delivery files the way provinces send them (CSV, XLSX, Parquet), injecting the
defects real files have at the rates in `config.DEFECT_RATES`, and recording each defect
in the ground-truth manifest (file, sheet, row, column, kind, value)."""

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from dagster_project.contract import BOOLEAN, DATE, DECIMAL, INTEGER, Table
from dagster_project.synth import config

EXCEL_EPOCH = date(1899, 12, 30)
FIXED_CREATED = datetime(2025, 7, 1, 8, 0, 0)

DATE_KINDS = ("date_dmy", "date_dmy_dash", "date_excel_serial")
MONEY_KINDS = ("money_thousands_dot", "money_thousands_comma")
# Which columns each normalisation kind may touch, per table.
NORMALISATION_COLUMNS = {
    "personnel": {"decomposed_unicode": ("full_name", "position"),
                  "stray_spaces": ("full_name", "unit_code", "position"),
                  DATE_KINDS: ("date_of_birth", "snapshot_date"),
                  "decimal_comma": ("salary_coefficient", "leadership_allowance_coefficient",
                                    "hardship_years"),
                  MONEY_KINDS: ("other_allowances_vnd", "monthly_allowance_vnd")},
    "units": {"decomposed_unicode": ("unit_name",), "stray_spaces": ("unit_name", "unit_code"),
              DATE_KINDS: ("arrangement_date",)},
    "lineage": {"stray_spaces": ("old_unit_code", "new_unit_code"), "decimal_comma": ("share",),
                "decomposed_unicode": ("legal_basis",)},
    "decisions": {"stray_spaces": ("decision_no",),
                  DATE_KINDS: ("decision_date", "leave_date", "paid_date"),
                  MONEY_KINDS: ("amount_paid_vnd",)},
}
OUT_OF_RANGE = {  # column -> values outside the contract's bounds
    "salary_coefficient": ("14.2", "10.65", "0.5"), "si_months": ("-3", "-12"),
    "leadership_allowance_coefficient": ("1.8", "2.5"), "beyond_frame_pct": ("45", "-5"),
}


@dataclass
class Sheet:
    name: str | None
    frame: pl.DataFrame  # typed contract columns, optional boolean `_protect`


@dataclass
class FileSpec:
    rel: str
    fmt: str  # csv | xlsx | parquet
    table: Table
    sheets: list[Sheet]
    header_mode: str = "english"
    sep: str = ","
    bom: bool = False
    defects: bool = True
    drop_column: str | None = None


@dataclass
class Written:
    rows: int = 0
    bytes: int = 0
    manifest: list[dict] = field(default_factory=list)


def _text(df: pl.DataFrame, table: Table) -> dict[str, np.ndarray]:
    """Every contract column present as an object array of strings ('' for null)."""
    out = {}
    for c in table.columns:
        if c.name not in df.columns:
            continue
        col = df[c.name]
        if c.kind == DATE:
            s = col.dt.strftime("%Y-%m-%d")
        elif c.kind == BOOLEAN:
            s = col.cast(pl.Utf8).str.to_lowercase()
        elif c.kind == INTEGER:
            s = col.cast(pl.Int64).cast(pl.Utf8)
        elif c.kind == DECIMAL:
            s = col.cast(pl.Float64).cast(pl.Utf8)
        else:
            s = col.cast(pl.Utf8)
        out[c.name] = s.fill_null("").to_numpy().astype(object)
    return out


def _serial(iso: str) -> str:
    return str((date.fromisoformat(iso) - EXCEL_EPOCH).days)


def _apply(kind: str, v: str, rng) -> str | None:
    """The defective text for a normalisation kind, or None if it does not apply."""
    if not v:
        return None
    if kind == "decomposed_unicode":
        d = unicodedata.normalize("NFD", v)
        return d if d != v else None
    if kind == "stray_spaces":
        return (" " + v + "  ", "  " + v, v + " ", " " + v)[int(rng.integers(0, 4))]
    if kind in DATE_KINDS:
        y, m, d = v.split("-")
        if kind == "date_dmy":
            return f"{d}/{m}/{y}"
        if kind == "date_dmy_dash":
            return f"{d}-{m}-{y}"
        return _serial(v)
    if kind == "decimal_comma":
        return v.replace(".", ",") if "." in v else None
    if kind in MONEY_KINDS:
        n = int(v)
        if n < 1000:
            return None
        s = f"{n:,}"
        return s.replace(",", ".") if kind == "money_thousands_dot" else s
    raise ValueError(kind)


def _inject(spec: FileSpec, sheet: Sheet, rng):
    """Defects for one sheet: returns (row order, text columns, set of defective cells)."""
    table = spec.table
    df = sheet.frame
    text = _text(df, table)
    n = df.height
    protect = (df["_protect"].to_numpy() if "_protect" in df.columns else np.zeros(n, bool))
    order = np.arange(n)
    cells: dict[tuple[int, str], tuple[str, str]] = {}  # (source row, column) -> (kind, value)
    copies: list[int] = []  # source rows duplicated (copies come later in the sheet)
    if not (spec.defects and n):
        return order, text, cells, {}
    rates = config.DEFECT_RATES
    if table.name == "personnel":
        pool = rng.permutation(np.flatnonzero(~protect))
        pos = 0
        for kind in config.QUARANTINE_KINDS:
            k = int(rng.binomial(n, rates[kind]))
            rows = pool[pos:pos + k]
            pos += k
            for r in rows.tolist():
                if kind == "duplicate_person":
                    copies.append(r)
                elif kind in ("id_sex_mismatch", "id_birth_year_mismatch"):
                    v = text["national_id"][r]
                    if kind == "id_sex_mismatch":
                        new = v[:3] + {"0": "1", "1": "0", "2": "3", "3": "2"}[v[3]] + v[4:]
                    else:
                        yy = (int(v[4:6]) + int(rng.integers(1, 9))) % 100
                        new = f"{v[:4]}{yy:02d}{v[6:]}"
                    cells[(r, "national_id")] = (kind, new)
                elif kind == "unknown_unit_code":
                    cells[(r, "unit_code")] = (kind, f"X99{int(rng.integers(0, 1000)):03d}-UBND")
                elif kind == "out_of_range":
                    cands = [c for c in OUT_OF_RANGE if c in text and text[c][r] != ""]
                    col = cands[int(rng.integers(0, len(cands)))]
                    opts = OUT_OF_RANGE[col]
                    cells[(r, col)] = (kind, opts[int(rng.integers(0, len(opts)))])
    for kinds, cols in NORMALISATION_COLUMNS[table.name].items():
        group = kinds if isinstance(kinds, tuple) else (kinds,)
        cols = [c for c in cols if c in text]
        if not cols:
            continue
        for kind in group:
            k = int(rng.binomial(n, rates[kind]))
            for r in rng.choice(n, size=min(k, n), replace=False).tolist():
                col = cols[int(rng.integers(0, len(cols)))]
                if (r, col) in cells:
                    continue
                v = _apply(kind, text[col][r], rng)
                if v is not None:
                    cells[(r, col)] = (kind, v)
    if copies:
        # each copy goes at a random later position: sort keys 2i for originals, 2p-1 for
        # a copy inserted just before original p (p > i; p = n means at the end)
        keys = [2 * i for i in range(n)]
        src = list(range(n))
        for r in copies:
            p = int(rng.integers(r + 1, n + 1))
            keys.append(2 * p - 1)
            src.append(r)
        idx = np.argsort(np.array(keys), kind="stable")
        order = np.array(src)[idx]
        dup_positions = set(np.flatnonzero(idx >= n).tolist())
    else:
        dup_positions = set()
    return order, text, cells, dup_positions


def _headers(spec: FileSpec, cols: list[str], rng) -> list[str]:
    mode = spec.header_mode if spec.defects else "english"
    out = []
    for c in cols:
        vi = spec.table.column(c).vi
        if mode == "vietnamese" or (mode == "mixed" and rng.random() < 0.5):
            out.append(vi)
        else:
            out.append(c)
    return out


def write(out_dir: Path, spec: FileSpec, seed_parts: list[int]) -> Written:
    rng = np.random.default_rng(seed_parts)
    path = out_dir / spec.rel
    path.parent.mkdir(parents=True, exist_ok=True)
    res = Written()
    prepared = []
    for sheet in spec.sheets:
        frame = sheet.frame
        cols = [c for c in spec.table.column_names if c in frame.columns and c != spec.drop_column]
        order, text, cells, dups = _inject(spec, Sheet(sheet.name, frame.select(
            cols + (["_protect"] if "_protect" in frame.columns else []))), rng)
        headers = _headers(spec, cols, rng)
        sname = sheet.name or ""
        for c, h in zip(cols, headers, strict=True):
            if h != c:
                res.manifest.append({"file": spec.rel, "sheet": sname, "row": 1, "column": c,
                                     "kind": "header_vietnamese", "value": h})
        # final rows, in order; manifest rows with spreadsheet row numbers
        out_cols = {}
        for c in cols:
            out_cols[c] = text[c][order].copy()
        defect_cells: dict[tuple[int, str], str] = {}
        pos_of = {}
        for pos, r in enumerate(order.tolist()):
            if pos in dups:
                res.manifest.append({"file": spec.rel, "sheet": sname, "row": pos + 2,
                                     "column": "national_id", "kind": "duplicate_person",
                                     "value": out_cols["national_id"][pos]})
            else:
                pos_of[r] = pos
        for (r, c), (kind, v) in sorted(cells.items()):
            pos = pos_of[r]
            out_cols[c][pos] = v
            defect_cells[(pos, c)] = kind
            res.manifest.append({"file": spec.rel, "sheet": sname, "row": pos + 2, "column": c,
                                 "kind": kind, "value": v})
        typed = frame.select(cols)[order.tolist()] if len(order) else frame.select(cols)
        prepared.append((sname, cols, headers, out_cols, defect_cells, typed))
        res.rows += len(order)
    if spec.fmt == "csv":
        _write_csv(path, spec, prepared)
    elif spec.fmt == "parquet":
        _write_parquet(path, spec, prepared)
    else:
        _write_xlsx(path, spec, prepared)
    res.bytes = path.stat().st_size
    return res


def _write_csv(path, spec, prepared):
    (_s, cols, headers, out_cols, _d, _t), = prepared
    df = pl.DataFrame({h: out_cols[c] for c, h in zip(cols, headers, strict=True)},
                      schema={h: pl.Utf8 for h in headers})
    buf = io.BytesIO()
    df.write_csv(buf, separator=spec.sep, quote_style="necessary")
    data = buf.getvalue()
    path.write_bytes((b"\xef\xbb\xbf" if spec.bom else b"") + data)


def _write_parquet(path, spec, prepared):
    (_s, cols, headers, out_cols, defect_cells, typed), = prepared
    touched = {c for _p, c in defect_cells}
    data = {}
    for c, h in zip(cols, headers, strict=True):
        if c in touched:
            data[h] = pl.Series(h, out_cols[c], dtype=pl.Utf8)
        else:
            data[h] = typed[c].alias(h)
    pl.DataFrame(data).write_parquet(path, compression="zstd", statistics=False)


def _write_xlsx(path, spec, prepared):
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"created": FIXED_CREATED, "author": "Sở Nội vụ"})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    bold = wb.add_format({"bold": True})
    for sname, cols, headers, out_cols, defect_cells, _typed in prepared:
        ws = wb.add_worksheet(sname or None)
        ws.write_row(0, 0, headers, bold)
        kinds = [spec.table.column(c).kind for c in cols]
        nrows = len(out_cols[cols[0]]) if cols else 0
        values = [out_cols[c] for c in cols]
        for pos in range(nrows):
            row = pos + 1
            for j, c in enumerate(cols):
                v = values[j][pos]
                if v == "":
                    continue
                k = kinds[j]
                defect = defect_cells.get((pos, c))
                if defect:
                    if defect in ("date_excel_serial", "out_of_range"):  # a bare number
                        ws.write_number(row, j, float(v) if "." in v else int(v))
                    else:
                        ws.write_string(row, j, v)
                elif k == DATE:
                    ws.write_number(row, j, (date.fromisoformat(v) - EXCEL_EPOCH).days, date_fmt)
                elif k in (DECIMAL, INTEGER):
                    ws.write_number(row, j, float(v) if k == DECIMAL else int(v))
                elif k == BOOLEAN:
                    ws.write_boolean(row, j, v == "true")
                else:
                    ws.write_string(row, j, v)
    wb.close()
