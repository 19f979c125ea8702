"""Writing delivery files the way provinces send them (CSV, XLSX, Parquet), injecting the
defects real files have at the rates in `config.DEFECT_RATES`, and recording each defect
in the ground-truth manifest (file, sheet, row, column, kind, value), with row numbers as
a spreadsheet shows them.

An XLSX file may be an official form (`Form`): a title block (the committee and department
on the left, the national motto on the right, a place-and-date line, the form title and the
report date), a header of one or two rows (a group label such as "Phụ cấp" above its
sub-columns, merged cells), a row of column numbers, the data (now and then a blank row in
it), a total row and a signature footer. Where each part of each sheet lies is recorded as
ground truth (`Written.layouts`, written to `_manifest/layouts.csv`)."""

import io
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from dagster_project.contract import BOOLEAN, DATE, DECIMAL, INTEGER, Delivery
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


# Group labels of a two-row header: group -> ((column, label under the group), ...). A label
# that is not the contract's header alone makes the header only with the group in front.
FORM_GROUPS = {
    "personnel": ("Phụ cấp", (("leadership_allowance_coefficient", "Hệ số phụ cấp chức vụ"),
                              ("beyond_frame_pct", "thâm niên vượt khung (%)"),
                              ("other_allowances_vnd", "khác được tính (đồng)"))),
    "decisions": ("Chi trả", (("amount_paid_vnd", "Số tiền đã chi (đồng)"),
                              ("paid_date", "Ngày chi trả"))),
}
SUM_COLUMNS = ("other_allowances_vnd", "monthly_allowance_vnd", "amount_paid_vnd")


@dataclass
class Sheet:
    name: str | None
    frame: pl.DataFrame  # typed contract columns, optional booleans `_protect`, `_dup`
    report_date: date | None = None  # a form's "Thời điểm báo cáo"
    notes: list[str] | None = None  # a sheet of notes, no table


@dataclass
class Form:
    """An official form's fixed parts (the same on every sheet of the workbook)."""

    left: tuple[str, str]  # ("UBND TỈNH HÀ NAM", "SỞ NỘI VỤ")
    place: str  # "Hà Nam", for "Hà Nam, ngày ... tháng ... năm ..."
    title: str
    date_label: str | None  # "Thời điểm báo cáo: {}" ({} = dd/mm/yyyy), None: no report date
    signed: date  # the place-and-date line of the title block (not the report date)
    group_header: bool
    number_row: bool
    blank_row: bool
    signers: tuple[str, str]


@dataclass
class FileSpec:
    rel: str
    fmt: str  # csv | xlsx | parquet
    table: Delivery
    sheets: list[Sheet]
    header_mode: str = "english"
    sep: str = ","
    bom: bool = False
    defects: bool = True
    drop_column: str | None = None
    form: Form | None = None
    copy_of: str | None = None  # the same bytes as an earlier file (rel)


@dataclass
class Written:
    rows: int = 0
    bytes: int = 0
    manifest: list[dict] = field(default_factory=list)
    layouts: list[dict] = field(default_factory=list)


def _text(df: pl.DataFrame, table: Delivery) -> dict[str, np.ndarray]:
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
    """Defects for one sheet: returns (row order, text columns, defective cells, positions of
    copies). A row flagged `_dup` repeats a person of an earlier file: never given another
    quarantine defect; a row flagged `_protect` gets none either."""
    table = spec.table
    df = sheet.frame
    text = _text(df, table)
    n = df.height
    protect = (df["_protect"].to_numpy() if "_protect" in df.columns else np.zeros(n, bool))
    if "_dup" in df.columns:
        protect = protect | df["_dup"].to_numpy()
    order = np.arange(n)
    cells: dict[tuple[int, str], tuple[str, str]] = {}  # (source row, column) -> (kind, value)
    copies: list[int] = []  # source rows duplicated (copies come later in the sheet)
    if not (spec.defects and n):
        return order, text, cells, set()
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
    elif table.name == "decisions":
        k = int(rng.binomial(n, rates["duplicate_decision"]))
        copies = sorted(rng.choice(n, size=min(k, n), replace=False).tolist())
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
    if spec.form is not None:
        mode = "vietnamese"
    out = []
    for c in cols:
        vi = spec.table.column(c).vi
        if mode == "vietnamese" or (mode == "mixed" and rng.random() < 0.5):
            out.append(vi)
        else:
            out.append(c)
    return out


@dataclass
class FormLayout:
    """Where the parts of one form sheet lie (0-based rows, as xlsxwriter counts)."""

    header: int  # the first header row
    header_rows: int  # 1 or 2
    group: tuple[int, int, str] | None  # (first column, last column, label) of the group
    number_row: int | None
    first_data: int
    blank_after: int | None  # data position after which a blank row is inserted
    total: int
    footer: tuple[int, int]  # first and last footer row
    labels: list[tuple[int, str]]  # per column: (row of the label, label)


TITLE_ROWS = 7  # rows 1-7: committee / motto, department / motto line 2, place and date,
# blank, title, report date, blank


def form_layout(spec: FileSpec, cols: list[str], n: int, rng) -> FormLayout:
    """Plan one form sheet: `cols` are the contract columns written (after column STT)."""
    form = spec.form
    header = TITLE_ROWS
    group = None
    labels: list[tuple[int, str]] = []
    two = False
    if form.group_header and spec.table.name in FORM_GROUPS:
        label, members = FORM_GROUPS[spec.table.name]
        idx = [cols.index(c) for c, _ in members if c in cols]
        if len(idx) == len(members) and idx == list(range(idx[0], idx[0] + len(idx))):
            group = (idx[0] + 1, idx[-1] + 1, label)  # +1: column STT comes first
            two = True
    sub = dict(FORM_GROUPS.get(spec.table.name, ("", ()))[1]) if group else {}
    for c in ["STT", *cols, "Ghi chú"]:
        if c in sub:
            labels.append((header + 1, sub[c]))
        else:
            labels.append((header, c if c in ("STT", "Ghi chú") else spec.table.column(c).vi))
    row = header + (2 if two else 1)
    number_row = None
    if form.number_row:
        number_row, row = row, row + 1
    blank_after = int(rng.integers(1, n - 1)) if form.blank_row and n > 3 else None
    total = row + n + (blank_after is not None)
    footer = (total + 2, total + 8)
    return FormLayout(header, 2 if two else 1, group, number_row, row, blank_after, total,
                      footer, labels)


def _span(rows: list[int]) -> str:
    """'8-9', '12', '' for spreadsheet row numbers (1-based)."""
    if not rows:
        return ""
    return f"{rows[0]}-{rows[-1]}" if rows[-1] != rows[0] else str(rows[0])


def write(out_dir: Path, spec: FileSpec, seed_parts: list[int]) -> Written:  # noqa: C901
    rng = np.random.default_rng(seed_parts)
    path = out_dir / spec.rel
    path.parent.mkdir(parents=True, exist_ok=True)
    res = Written()
    if spec.copy_of is not None:
        shutil.copyfile(out_dir / spec.copy_of, path)
        res.bytes = path.stat().st_size
        return res
    prepared = []
    for sheet in spec.sheets:
        if sheet.notes is not None:
            prepared.append((sheet.name, None, sheet.notes, None, None, None, None, sheet))
            res.layouts.append({"file": spec.rel, "sheet": sheet.name, "form": False,
                                "header_rows": "", "number_row": None, "first_data_row": None,
                                "last_data_row": None, "blank_rows": "", "total_row": None,
                                "footer_rows": "", "data_rows": 0,
                                "rows_skipped": len(sheet.notes), "snapshot_source": "",
                                "title_date": None})
            continue
        frame = sheet.frame
        cols = [c for c in spec.table.column_names if c in frame.columns and c != spec.drop_column]
        flags = [c for c in ("_protect", "_dup") if c in frame.columns]
        order, text, cells, dups = _inject(spec, Sheet(sheet.name, frame.select(cols + flags)), rng)
        headers = _headers(spec, cols, rng)
        sname = sheet.name or ""
        n = len(order)
        layout = form_layout(spec, cols, n, rng) if spec.form is not None else None
        header_row = {c: 1 for c in cols}
        if layout is not None:
            header_row = {c: lab[0] + 1 for c, lab in zip(cols, layout.labels[1:-1], strict=True)}

        def row_of(pos: int, layout=layout) -> int:
            if layout is None:
                return pos + 2
            return layout.first_data + 1 + pos + (
                layout.blank_after is not None and pos > layout.blank_after)

        for c, h in zip(cols, headers, strict=True):
            if h != c:
                res.manifest.append({"file": spec.rel, "sheet": sname, "row": header_row[c],
                                     "column": c, "kind": "header_vietnamese", "value": h})
        # final rows, in order; manifest rows with spreadsheet row numbers
        out_cols = {}
        for c in cols:
            out_cols[c] = text[c][order].copy()
        dup_col = "decision_no" if spec.table.name == "decisions" else "national_id"
        dup_kind = "duplicate_decision" if spec.table.name == "decisions" else "duplicate_person"
        earlier = frame["_dup"].to_numpy() if "_dup" in frame.columns else np.zeros(n, bool)
        defect_cells: dict[tuple[int, str], str] = {}
        pos_of = {}
        for pos, r in enumerate(order.tolist()):
            if pos in dups:
                res.manifest.append({"file": spec.rel, "sheet": sname, "row": row_of(pos),
                                     "column": dup_col, "kind": dup_kind,
                                     "value": out_cols[dup_col][pos]})
            else:
                pos_of[r] = pos
                if earlier[r]:  # the person is in an earlier file of the same snapshot
                    res.manifest.append({"file": spec.rel, "sheet": sname, "row": row_of(pos),
                                         "column": "national_id", "kind": "duplicate_person",
                                         "value": out_cols["national_id"][pos]})
        for (r, c), (kind, v) in sorted(cells.items()):
            pos = pos_of[r]
            out_cols[c][pos] = v
            defect_cells[(pos, c)] = kind
            res.manifest.append({"file": spec.rel, "sheet": sname, "row": row_of(pos), "column": c,
                                 "kind": kind, "value": v})
        typed = frame.select(cols)[order.tolist()] if len(order) else frame.select(cols)
        prepared.append((sname, cols, headers, out_cols, defect_cells, typed, layout, sheet))
        res.rows += n
        res.layouts.append(_layout_row(spec, sheet, cols, n, layout, row_of))
    if spec.fmt == "csv":
        _write_csv(path, spec, prepared)
    elif spec.fmt == "parquet":
        _write_parquet(path, spec, prepared)
    else:
        _write_xlsx(path, spec, prepared)
    res.bytes = path.stat().st_size
    return res


def _snapshot_source(spec: FileSpec, cols: list[str], sheet: Sheet) -> str:
    if spec.table.name != "personnel":
        return ""
    if "snapshot_date" in cols:
        return "column"
    if re.search(r"\d{4}-\d{2}-\d{2}", Path(spec.rel).name):  # the generator's dated names
        return "file_name"
    return "title" if spec.form is not None and sheet.report_date is not None else ""


def _layout_row(spec, sheet, cols, n, layout, row_of) -> dict:
    base = {"file": spec.rel, "sheet": sheet.name, "form": layout is not None,
            "snapshot_source": _snapshot_source(spec, cols, sheet),
            "title_date": sheet.report_date if layout is not None and spec.form.date_label
            else None, "data_rows": n}
    if layout is None:
        return base | {"header_rows": "1", "number_row": None,
                       "first_data_row": 2 if n else None, "last_data_row": n + 1 if n else None,
                       "blank_rows": "", "total_row": None, "footer_rows": "", "rows_skipped": 1}
    header = [layout.header + 1 + i for i in range(layout.header_rows)]
    blank = [row_of(layout.blank_after) + 1] if layout.blank_after is not None else []
    last_row = layout.footer[1] + 1
    return base | {
        "header_rows": _span(header),
        "number_row": layout.number_row + 1 if layout.number_row is not None else None,
        "first_data_row": row_of(0) if n else None, "last_data_row": row_of(n - 1) if n else None,
        "blank_rows": _span(blank), "total_row": layout.total + 1,
        "footer_rows": _span([layout.footer[0] + 1, last_row]),
        "rows_skipped": last_row - n,
    }


def _write_csv(path, spec, prepared):
    (_s, cols, headers, out_cols, _d, _t, _l, _sh), = prepared
    df = pl.DataFrame({h: out_cols[c] for c, h in zip(cols, headers, strict=True)},
                      schema={h: pl.Utf8 for h in headers})
    buf = io.BytesIO()
    df.write_csv(buf, separator=spec.sep, quote_style="necessary")
    data = buf.getvalue()
    path.write_bytes((b"\xef\xbb\xbf" if spec.bom else b"") + data)


def _write_parquet(path, spec, prepared):
    (_s, cols, headers, out_cols, defect_cells, typed, _l, _sh), = prepared
    touched = {c for _p, c in defect_cells}
    data = {}
    for c, h in zip(cols, headers, strict=True):
        if c in touched:
            data[h] = pl.Series(h, out_cols[c], dtype=pl.Utf8)
        else:
            data[h] = typed[c].alias(h)
    pl.DataFrame(data).write_parquet(path, compression="zstd", statistics=False)


def _cell_writer(ws, spec, cols, out_cols, defect_cells, date_fmt):
    kinds = [spec.table.column(c).kind for c in cols]
    values = [out_cols[c] for c in cols]

    def write_row(row: int, pos: int, first_col: int) -> None:
        for j, c in enumerate(cols):
            v = values[j][pos]
            if v == "":
                continue
            k = kinds[j]
            col = first_col + j
            defect = defect_cells.get((pos, c))
            if defect:
                if defect in ("date_excel_serial", "out_of_range"):  # a bare number
                    ws.write_number(row, col, float(v) if "." in v else int(v))
                else:
                    ws.write_string(row, col, v)
            elif k == DATE:
                ws.write_number(row, col, (date.fromisoformat(v) - EXCEL_EPOCH).days, date_fmt)
            elif k in (DECIMAL, INTEGER):
                ws.write_number(row, col, float(v) if k == DECIMAL else int(v))
            elif k == BOOLEAN:
                ws.write_boolean(row, col, v == "true")
            else:
                ws.write_string(row, col, v)

    return write_row


def _write_xlsx(path, spec, prepared):
    # A form is written with merged cells, which need the whole sheet in memory.
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": spec.form is None,
                                         "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"created": FIXED_CREATED, "author": "Sở Nội vụ"})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    bold = wb.add_format({"bold": True})
    for sname, cols, headers, out_cols, defect_cells, typed, layout, sheet in prepared:
        ws = wb.add_worksheet(sname or None)
        if cols is None:  # a sheet of notes
            for i, line in enumerate(headers):
                ws.write_string(i, 0, line)
            continue
        write_row = _cell_writer(ws, spec, cols, out_cols, defect_cells, date_fmt)
        nrows = len(out_cols[cols[0]]) if cols else 0
        if layout is None:
            ws.write_row(0, 0, headers, bold)
            for pos in range(nrows):
                write_row(pos + 1, pos, 0)
            continue
        _write_form(wb, ws, spec, cols, typed, layout, write_row, nrows, sheet.report_date)
    wb.close()


def _vn_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _write_form(wb, ws, spec, cols, typed, layout: FormLayout, write_row, nrows,
                report: date | None):  # noqa: C901 - one sheet, top to bottom
    form = spec.form
    width = len(cols) + 2  # STT, the columns, Ghi chú
    bold_c = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True})
    center = wb.add_format({"align": "center"})
    italic_c = wb.add_format({"italic": True, "align": "center"})
    head = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1,
                          "text_wrap": True})
    right = max(3, width - 5)
    ws.merge_range(0, 0, 0, 2, form.left[0], center)
    ws.merge_range(0, right, 0, width - 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold_c)
    ws.merge_range(1, 0, 1, 2, form.left[1], bold_c)
    ws.merge_range(1, right, 1, width - 1, "Độc lập - Tự do - Hạnh phúc", bold_c)
    s = form.signed
    ws.merge_range(2, right, 2, width - 1,
                   f"{form.place}, ngày {s.day:02d} tháng {s.month:02d} năm {s.year}", italic_c)
    ws.merge_range(4, 0, 4, width - 1, form.title, bold_c)
    if form.date_label and report is not None:
        ws.merge_range(5, 0, 5, width - 1, form.date_label.format(_vn_date(report)), italic_c)
    # header
    h = layout.header
    for j, (row, label) in enumerate(layout.labels):
        if layout.header_rows == 2 and row == h:
            ws.merge_range(h, j, h + 1, j, label, head)
        else:
            ws.write_string(row, j, label, head)
    if layout.group is not None:
        a, b, label = layout.group
        ws.merge_range(h, a, h, b, label, head)
    if layout.number_row is not None:
        for j in range(width):
            ws.write_string(layout.number_row, j, f"({j + 1})", center)
    # data: STT, the contract columns, an empty Ghi chú
    row = layout.first_data
    for pos in range(nrows):
        ws.write_number(row, 0, pos + 1)
        write_row(row, pos, 1)
        row += 1
        if layout.blank_after is not None and pos == layout.blank_after:
            row += 1
    # total
    t = layout.total
    ws.merge_range(t, 0, t, 1, "Tổng cộng", bold_c)
    if "full_name" in cols:
        ws.write_string(t, cols.index("full_name") + 1, f"{nrows} người", bold_c)
    for c in SUM_COLUMNS:
        if c in cols:
            ws.write_number(t, cols.index(c) + 1, int(typed[c].fill_null(0).sum()), bold_c)
    # footer: place and date, the two signers
    f0 = layout.footer[0]
    ws.merge_range(f0, right, f0, width - 1,
                   f"{form.place}, ngày ... tháng ... năm {s.year}", italic_c)
    ws.merge_range(f0 + 1, 0, f0 + 1, 2, "Người lập biểu", bold_c)
    ws.merge_range(f0 + 1, right, f0 + 1, width - 1, "Thủ trưởng đơn vị", bold_c)
    ws.merge_range(f0 + 2, 0, f0 + 2, 2, "(Ký, ghi rõ họ tên)", italic_c)
    ws.merge_range(f0 + 2, right, f0 + 2, width - 1, "(Ký, ghi rõ họ tên, đóng dấu)", italic_c)
    ws.merge_range(layout.footer[1], 0, layout.footer[1], 2, form.signers[0], bold_c)
    ws.merge_range(layout.footer[1], right, layout.footer[1], width - 1, form.signers[1], bold_c)
    ws.set_column(0, 0, 5)
    ws.set_column(1, width - 1, 16)
