"""The delivery files: same seed same bytes, the contract, and the defect manifest."""

import csv
import hashlib
import re
import unicodedata
from datetime import date

from dagster_project.contract import (
    CODE,
    DATE,
    DECIMAL,
    ENUM,
    INTEGER,
    TABLES,
)
from dagster_project.synth import generate

QUARANTINE = {"id_sex_mismatch", "id_birth_year_mismatch", "unknown_unit_code", "out_of_range",
              "duplicate_person", "duplicate_decision"}
FILE_LEVEL = {"missing_required_column", "duplicate_file"}
NORMALISATION = {"decomposed_unicode", "stray_spaces", "date_dmy", "date_dmy_dash",
                 "date_excel_serial", "decimal_comma", "money_thousands_dot",
                 "money_thousands_comma", "header_vietnamese"}


def _hashes(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(tmp_path):
    """Every file and the whole ground truth, forms, copies and supplements included."""
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((a, 3), (b, 3), (c, 4)):
        generate(out, provinces="default", scale=0.05, through="2025-10", seed=seed, progress=False)
    ha, hb, hc = _hashes(a), _hashes(b), _hashes(c)
    assert ha == hb
    assert {"_manifest/deliveries.csv", "_manifest/layouts.csv", "_manifest/defects.csv"} <= set(ha)
    assert any(" (1)." in f for f in ha) and any("_bo_sung" in f for f in ha)
    assert "true" in (a / "_manifest" / "layouts.csv").read_text(encoding="utf-8")  # forms
    roster = [f for f in ha if f.startswith("personnel/")]
    assert roster and any(ha[f] != hc.get(f) for f in roster)


def _number(text: str, kind: str):
    t = text.strip()
    if kind == DECIMAL:
        return float(t.replace(",", "."))
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", t):
        t = t.replace(".", "").replace(",", "")
    return int(t)


def _enum_ok(column, value: str) -> bool:
    folded = unicodedata.normalize("NFC", value).strip().casefold()
    for canon, aliases in column.values.items():
        if folded == canon.casefold() or folded in (a.casefold() for a in aliases):
            return True
    return False


def test_every_file_meets_the_contract(generated, tables, manifest, flagged, bench):
    """Headers are recognised (where the ground truth puts them); required columns are present
    (except in the one rejected file); every value of a row without a quarantine defect
    parses and is in bounds."""
    out, _ = generated
    layouts = bench.load_layouts(out)
    rejected = [m for m in manifest if m["kind"] == "missing_required_column"]
    assert len(rejected) == 1
    rejected_file, missing_col = rejected[0]["file"], rejected[0]["column"]
    assert TABLES["personnel"].column(missing_col).required
    assert [m for m in manifest if m["file"] == rejected_file] == rejected  # no other defect
    names = {t: bench.canonical_headers(t) for t in TABLES}
    seen_files = set()
    for table in TABLES.values():
        for path in sorted((out / table.name).rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(out).as_posix()
            seen_files.add(rel)
            for sheet, header, _rows, _n in bench.iter_sheets(path, layouts, rel):
                cols = [names[table.name].get(bench.fold(h)) for h in header]
                form = layouts.get((rel, sheet), {}).get("form") == "true"
                unknown = {h for h, c in zip(header, cols, strict=True) if c is None}
                assert unknown <= ({"STT", "Ghi chú"} if form else set()), (rel, header)
                required = {c.name for c in table.columns if c.required}
                if rel == rejected_file:
                    assert missing_col not in cols
                    required -= {missing_col}
                assert required <= set(cols), (rel, required - set(cols))
    assert {f for f in seen_files if f.endswith(".xlsx")} and \
        {f for f in seen_files if f.endswith(".parquet")} and \
        {f for f in seen_files if f.endswith(".csv")}
    for tname, rows in tables.items():
        table = TABLES[tname]
        for rel, sheet, rowno, r in rows:
            if rel == rejected_file or (flagged.get((rel, sheet, rowno), set()) & QUARANTINE):
                continue
            for c in table.columns:
                v = r.get(c.name, "")
                if v.strip() == "":
                    continue
                if c.kind == DATE:
                    bench.parse_date(v)
                elif c.kind in (DECIMAL, INTEGER):
                    x = _number(v, c.kind)
                    assert c.min is None or x > c.min or (x == c.min and not c.min_exclusive), (rel, rowno, c.name, v)
                    assert c.static_max is None or x <= c.static_max, (rel, rowno, c.name, v)
                elif c.kind == ENUM:
                    assert _enum_ok(c, v), (rel, rowno, c.name, v)
                elif c.kind == CODE:
                    assert re.fullmatch(rf"\d{{{c.digits}}}", v.strip()), (rel, rowno, c.name, v)
            if tname == "personnel":
                snap = bench.snapshot_of(rel, r)
                born = bench.parse_date(r["date_of_birth"])
                assert 16 <= (snap - born).days / 365.25 <= 75
                if r["staff_category"] == "commune_part_time":
                    assert _number(r["monthly_allowance_vnd"], INTEGER) > 0
                else:
                    assert r["salary_coefficient"].strip()
                if r.get("rating_year", "").strip():
                    assert _number(r["rating_year"], INTEGER) <= snap.year


def _cell(out, bench, cache, rel, sheet, layouts):
    key = (rel, sheet)
    if key not in cache:
        for s, header, rows, numbers in bench.iter_sheets(out / rel, layouts, rel):
            cache[(rel, s)] = (header, dict(zip(numbers, rows, strict=True)))
    return cache[key]


def test_manifest_matches_the_files(generated, manifest, bench):
    """Every defect is where the manifest says (the spreadsheet row, below a form's title
    block), with the written value and a value that really is of that kind."""
    out, _ = generated
    layouts = bench.load_layouts(out)
    kinds = {m["kind"] for m in manifest}
    assert QUARANTINE | NORMALISATION | FILE_LEVEL == kinds
    cache: dict = {}
    names = {t: bench.canonical_headers(t) for t in TABLES}
    per_row: dict[tuple, list[str]] = {}
    for m in manifest:
        if m["kind"] in FILE_LEVEL:
            assert m["row"] == "" and m["sheet"] == ""
            if m["kind"] == "duplicate_file":  # the later of two names for the same bytes
                assert m["value"] < m["file"]
                assert (out / m["value"]).read_bytes() == (out / m["file"]).read_bytes()
            continue
        header, rows = _cell(out, bench, cache, m["file"], m["sheet"], layouts)
        table = m["file"].split("/", 1)[0]
        cols = [names[table].get(bench.fold(h)) for h in header]
        j = cols.index(m["column"])
        row = int(m["row"])
        if m["kind"] == "header_vietnamese":
            lay = layouts.get((m["file"], m["sheet"]), {"header_rows": "1"})
            assert str(row) in lay["header_rows"].split("-") and header[j] == m["value"]
            assert header[j] == TABLES[table].column(m["column"]).vi
            continue
        written = rows[row][j]
        assert written == m["value"], m
        per_row.setdefault((m["file"], m["sheet"], row), []).append(m["kind"])
        k, v = m["kind"], m["value"]
        if k == "decomposed_unicode":
            assert unicodedata.normalize("NFC", v) != v
        elif k == "stray_spaces":
            assert v != v.strip() and v.strip()
        elif k == "date_dmy":
            assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", v)
        elif k == "date_dmy_dash":
            assert re.fullmatch(r"\d{2}-\d{2}-\d{4}", v)
        elif k == "date_excel_serial":
            assert re.fullmatch(r"\d{5}", v) and 20_000 < int(v) < 50_000
        elif k == "decimal_comma":
            assert re.fullmatch(r"\d+,\d+", v)
        elif k == "money_thousands_dot":
            assert re.fullmatch(r"\d{1,3}(\.\d{3})+", v)
        elif k == "money_thousands_comma":
            assert re.fullmatch(r"\d{1,3}(,\d{3})+", v)
        elif k == "out_of_range":
            col = TABLES[table].column(m["column"])
            x = float(v)
            assert (col.min is not None and x < col.min) or (col.max is not None and x > col.max)
    for key, ks in per_row.items():
        assert len(set(ks) & QUARANTINE) <= 1, key


def test_quarantine_defects_are_what_ingest_must_catch(generated, tables, manifest, flagged, bench,
                                                       rejected_whole):
    out, _ = generated
    units = {"pre": set(), "post": set()}
    for _rel, _s, _r, u in tables["units"]:
        period = "pre" if u["period"].strip() in ("pre", "trước") else "post"
        units[period].add(u["unit_code"].strip())
    seen: dict[tuple[date, str], tuple] = {}
    rejected = next(m["file"] for m in manifest if m["kind"] == "missing_required_column")
    decided: set[tuple[str, str]] = set()
    for rel, sheet, rowno, r in tables["decisions"]:
        key = (r["decision_no"].strip(), r["national_id"])
        assert (key in decided) == ("duplicate_decision" in flagged.get((rel, sheet, rowno), set()))
        decided.add(key)
    for rel, sheet, rowno, r in tables["personnel"]:
        if rel in rejected_whole - {rejected}:  # a second copy: ingest sets it aside whole
            continue
        kinds = flagged.get((rel, sheet, rowno), set())
        snap = bench.snapshot_of(rel, r)
        period = "pre" if snap <= date(2025, 6, 30) else "post"
        nid = r["national_id"]
        key = (snap, nid)
        if "duplicate_person" in kinds:
            assert key in seen, (rel, rowno)  # an earlier copy in ingest order
        elif "id_sex_mismatch" not in kinds and "id_birth_year_mismatch" not in kinds:
            assert key not in seen, (rel, rowno, seen.get(key))
            seen[key] = (rel, sheet, rowno)
        code = r["unit_code"].strip()
        if "unknown_unit_code" in kinds:
            assert code not in units[period]
        elif rel == rejected:
            continue
        else:
            assert code in units[period], (rel, rowno, code)
        yy = int(nid[4:6])
        born = bench.parse_date(r["date_of_birth"])
        female = r["sex"] in ("F", "Nữ")
        sex_digit_female = int(nid[3]) % 2 == 1
        if "id_sex_mismatch" in kinds:
            assert sex_digit_female != female
        if "id_birth_year_mismatch" in kinds:
            assert yy != born.year % 100


def test_ids_consistent_on_clean_rows(tables, flagged, bench):
    """Digits 1-3 a province code, digit 4 century and sex (1900s: M 0 / F 1; 2000s: M 2 /
    F 3), digits 5-6 the last two digits of the birth year."""
    from dagster_project.settings import SHIPPED_REFERENCE_DIR
    with (SHIPPED_REFERENCE_DIR / "units_pre_2025.csv").open(encoding="utf-8") as f:
        provinces = {"0" + r["code"] for r in csv.DictReader(f) if r["level"] == "province"}
    digits4 = set()
    n = 0
    for rel, sheet, rowno, r in tables["personnel"]:
        if flagged.get((rel, sheet, rowno), set()) & {"id_sex_mismatch", "id_birth_year_mismatch"}:
            continue
        nid = r["national_id"]
        born = bench.parse_date(r["date_of_birth"])
        female = r["sex"] in ("F", "Nữ")
        expected4 = {(19, False): "0", (19, True): "1", (20, False): "2", (20, True): "3"}[
            (born.year // 100, female)]
        assert re.fullmatch(r"\d{12}", nid)
        assert nid[:3] in provinces, nid
        assert nid[3] == expected4, (nid, r["sex"], born)
        assert nid[4:6] == f"{born.year % 100:02d}", (nid, born)
        digits4.add(nid[3])
        n += 1
    assert n > 50_000
    assert digits4 == {"0", "1", "2", "3"}  # both sexes, both centuries (born 2000-2003)
