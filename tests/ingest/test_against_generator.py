"""Against the generator's ground truth, on the default provinces (two merged) at a fifth of
their staff: every injected defect caught with the right rule (recall 100 %), no clean row
quarantined (precision 100 %), every normalisation defect loaded with the clean value, rows
read = loaded + quarantined for every file; the ledger finds every sheet's table where the
layouts say (official forms included) and records what each roster is for, so each
province's month can be told delivered, not delivered, rejected or incomplete."""

import csv
import unicodedata
from collections import defaultdict
from datetime import date, datetime, timedelta

import polars as pl
import pytest

from dagster_project.ingest import ingest_all, reconcile
from dagster_project.synth import generate

RULE_OF_KIND = {
    "id_sex_mismatch": "national_id_mismatch",
    "id_birth_year_mismatch": "national_id_mismatch",
    "unknown_unit_code": "unknown_unit_code",
    "out_of_range": "out_of_range",
    "duplicate_person": "duplicate_person",
    "duplicate_decision": "duplicate_decision",
    "missing_required_column": "missing_required_column",
    "duplicate_file": "duplicate_file",
}
FILE_KINDS = ("missing_required_column", "duplicate_file")


def clean_value(kind: str, value: str):
    """The value a normalisation defect must load as, worked out here, not by ingest."""
    if kind in ("decomposed_unicode", "stray_spaces"):
        return unicodedata.normalize("NFC", value).strip()
    if kind == "date_dmy":
        return datetime.strptime(value, "%d/%m/%Y").date()
    if kind == "date_dmy_dash":
        return datetime.strptime(value, "%d-%m-%Y").date()
    if kind == "date_excel_serial":
        return date(1899, 12, 30) + timedelta(days=int(float(value)))
    if kind == "decimal_comma":
        return float(value.replace(",", "."))
    if kind == "money_thousands_dot":
        return int(value.replace(".", ""))
    if kind == "money_thousands_comma":
        return int(value.replace(",", ""))
    raise KeyError(kind)


def fresh_warehouse(path):
    import duckdb

    from dagster_project.settings import SHIPPED_REFERENCE_DIR
    from dagster_project.warehouse.reference import load_reference_table

    con = duckdb.connect(str(path / "warehouse.duckdb"))
    for table in ("ref_units_pre", "ref_units_post"):
        load_reference_table(con, SHIPPED_REFERENCE_DIR, table)
    return con


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    generate(raw, provinces="default", scale=0.2, through="2025-12", seed=20250701, clean=False,
             progress=False)
    return raw


@pytest.fixture(scope="module")
def delivered(raw_dir, tmp_path_factory):
    raw = raw_dir
    con = fresh_warehouse(tmp_path_factory.mktemp("wh"))
    results = ingest_all(con, raw)
    manifest = pl.read_csv(raw / "_manifest" / "defects.csv", infer_schema=False).with_columns(
        pl.col("sheet").fill_null(""), pl.col("row").cast(pl.Int64))
    yield con, results, manifest
    con.close()


def quarantine_keys(con) -> set[tuple]:
    rows = con.execute("select file, coalesce(sheet, ''), row_number, rule from audit.quarantine").fetchall()
    return set(rows)


def rejected_whole(manifest) -> set[str]:
    return set(manifest.filter(pl.col("kind").is_in(FILE_KINDS))["file"])


def test_recall_every_injected_defect_is_caught_with_its_rule(delivered):
    con, _, manifest = delivered
    expected = manifest.filter(pl.col("kind").is_in(list(RULE_OF_KIND)))
    assert set(expected["kind"]) == set(RULE_OF_KIND) - {"id_sex_mismatch"} | (
        {"id_sex_mismatch"} & set(expected["kind"]))
    whole = rejected_whole(manifest)
    got = quarantine_keys(con)
    missed = []
    for r in expected.iter_rows(named=True):
        if r["kind"] in FILE_KINDS:
            key = (r["file"], "", None, RULE_OF_KIND[r["kind"]])
        elif r["file"] in whole:  # a file set aside whole: its rows are not checked one by one
            continue
        else:
            key = (r["file"], r["sheet"], r["row"], RULE_OF_KIND[r["kind"]])
        if key not in got:
            missed.append(r)
    assert missed == []


def test_precision_no_clean_row_is_quarantined(delivered):
    con, _, manifest = delivered
    defect_rows = {(f, s, r) for f, s, r, k in manifest.select("file", "sheet", "row", "kind").iter_rows()
                   if k in RULE_OF_KIND and k not in FILE_KINDS}
    whole = rejected_whole(manifest)
    wrong = [(f, s, r, rule) for f, s, r, rule in quarantine_keys(con)
             if not ((f in whole and r is None) or (f, s, r) in defect_rows)]
    assert wrong == []


def test_a_file_sent_twice_leaves_one_quarantine_row_naming_the_first(delivered):
    con, _, manifest = delivered
    dup = manifest.filter(pl.col("kind") == "duplicate_file").row(0, named=True)
    rows = con.execute("select row_number, message_en from audit.quarantine where file = ?",
                       [dup["file"]]).fetchall()
    assert len(rows) == 1 and rows[0][0] is None and dup["value"] in rows[0][1]


def test_normalisation_defects_load_with_the_clean_value(delivered):
    con, _, manifest = delivered
    bad_rows = {(f, s, r) for f, s, r, k in manifest.select("file", "sheet", "row", "kind").iter_rows()
                if k in RULE_OF_KIND}
    whole = rejected_whole(manifest)
    checked = 0
    for r in manifest.filter(~pl.col("kind").is_in([*RULE_OF_KIND, "header_vietnamese"])).iter_rows(named=True):
        if (r["file"], r["sheet"], r["row"]) in bad_rows or r["file"] in whole:
            continue
        table = r["file"].split("/")[0]
        found = con.execute(
            f'select "{r["column"]}" from raw.{table} where source_file = ? '
            "and coalesce(source_sheet, '') = ? and source_row = ?",
            [r["file"], r["sheet"], r["row"]],
        ).fetchall()
        assert found == [(clean_value(r["kind"], r["value"]),)], r
        checked += 1
    assert checked > 100


def test_files_with_vietnamese_headers_load(delivered):
    con, _, manifest = delivered
    whole = rejected_whole(manifest)
    sheets = {(f, s) for f, s in manifest.filter(pl.col("kind") == "header_vietnamese")
              .select("file", "sheet").iter_rows() if f not in whole}
    assert sheets
    status = dict(((f, s), st) for f, s, st in con.execute(
        "select file, coalesce(sheet, ''), status from audit.ingest_ledger").fetchall())
    assert {status[k] for k in sheets} == {"loaded"}


def test_rows_read_equal_loaded_plus_quarantined_for_every_file(delivered):
    con, results, _ = delivered
    for table, result in results.items():
        report = reconcile(con, table)
        assert report.height == len(result.files)
        assert report.get_column("ok").all(), report.filter(~pl.col("ok"))
        assert result.rows_read == result.rows_loaded + result.rows_quarantined


def _outcome(con) -> dict[str, pl.DataFrame]:
    out = {t: con.sql(f"select * from raw.{t} order by source_file, source_sheet nulls first, source_row").pl()
           for t in ("units", "lineage", "personnel", "decisions")}
    out["quarantine"] = con.sql("select * from audit.quarantine order by all").pl()
    out["ledger"] = con.sql("select * exclude (ingested_at) from audit.ingest_ledger order by all").pl()
    return out


def test_outcome_does_not_depend_on_batching_threads_or_the_duplicate_gate(delivered, raw_dir, tmp_path,
                                                                           monkeypatch):
    """Ingest streams batches through two checkers, a duplicate gate and a writer thread. With
    tiny batches, row groups of 7 rows, one file read ahead and a gate of 8 flags (so nearly
    every row waits for the whole-table checks), the outcome must be the same, row for row."""
    from dagster_project.ingest.engine import gate, load, prepare, writer

    monkeypatch.setattr(load, "BATCH_ROWS", 997)
    monkeypatch.setattr(prepare, "READ_AHEAD", 1)
    monkeypatch.setattr(writer.Writer, "ROW_GROUP", 7)
    monkeypatch.setattr(gate.Gate, "BITS", 3)
    con = fresh_warehouse(tmp_path)
    ingest_all(con, raw_dir)
    small, usual = _outcome(con), _outcome(delivered[0])
    con.close()
    assert usual["personnel"].height > 10 * 997, "the data must span many batches"
    assert usual["quarantine"].filter(pl.col("rule") == "duplicate_person").height > 0
    for name, frame in usual.items():
        assert small[name].equals(frame, null_equal=True), name


def _csv(path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_ledger_reads_every_sheet_where_the_layouts_say(delivered, raw_dir):
    """Data rows and layout rows per sheet as the generator wrote them, official forms
    included: the ledger counts the same, and a file set aside whole counts all its sheets."""
    con, _, manifest = delivered
    layouts = _csv(raw_dir / "_manifest" / "layouts.csv")
    assert any(x["form"] == "true" and x["file"].startswith("personnel/") for x in layouts)
    assert any(x["form"] == "true" and x["file"].startswith("decisions/") for x in layouts)
    ledger = {(f, s): (status, read, skipped) for f, s, status, read, skipped in con.execute(
        "select file, coalesce(sheet, ''), status, rows_read, rows_skipped from audit.ingest_ledger "
        "where is_current and status <> 'ignored'").fetchall()}
    ignored = {f for (f,) in con.execute("select file from audit.ingest_ledger "
                                         "where is_current and status = 'ignored'").fetchall()}
    assert ignored == {f"_manifest/{p.name}" for p in (raw_dir / "_manifest").iterdir()}
    whole = set(manifest.filter(pl.col("kind") == "duplicate_file")["file"])
    expected: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for x in layouts:
        key = (x["file"], "" if x["file"] in whole or not x["file"].endswith(".xlsx") else x["sheet"])
        expected[key][0] += int(x["data_rows"])
        expected[key][1] += int(x["rows_skipped"])
    assert {k: (v[1], v[2]) for k, v in ledger.items()} == {k: tuple(v) for k, v in expected.items()}


def test_each_province_month_can_be_told_from_the_ledger_and_the_rosters(delivered, raw_dir):
    """deliveries.csv is the truth per province (old before the merger, new after) and month:
    the ledger's snapshot dates and provinces find the files of a delivered or rejected month
    and none of a month not delivered; the rosters loaded carry exactly the dates delivered,
    about all the rows of a delivered month, far fewer of an incomplete one."""
    con, _, _ = delivered
    truth = _csv(raw_dir / "_manifest" / "deliveries.csv")
    assert {r["status"] for r in truth} == {"delivered", "not_delivered", "rejected", "incomplete"}
    facts = con.execute("select file, status, snapshot_dates, province_codes from audit.ingest_ledger "
                        "where table_name = 'personnel' and is_current").fetchall()
    by_key: dict[tuple, set] = defaultdict(set)  # (province, month) -> ledger statuses
    for _file, status, dates, provinces in facts:
        for d in (dates or "").split(","):
            for p in (provinces or "").split(","):
                if d and p:
                    by_key[(p, d[:7])].add(status)
    loaded = {(p, m): (n, dates) for p, m, n, dates in con.execute(
        "select u.province_code, strftime(r.snapshot_date, '%Y-%m'), count(*), "
        "string_agg(distinct strftime(r.snapshot_date, '%Y-%m-%d'), ',' order by strftime(r.snapshot_date, '%Y-%m-%d')) "
        "from raw.personnel r join raw.units u on u.unit_code = r.unit_code "
        "and u.period = case when r.snapshot_date <= date '2025-06-30' then 'pre' else 'post' end "
        "group by all").fetchall()}
    for r in truth:
        key = (r["province_code"], r["report_month"])
        n, dates = loaded.get(key, (0, None))
        full = int(r["rows_full"])
        if r["status"] == "not_delivered":
            assert key not in by_key and n == 0, r
        elif r["status"] == "rejected":
            assert "rejected" in by_key[key], r
        elif r["status"] == "incomplete":
            assert n < 0.7 * full, r
        else:
            assert "loaded" in by_key[key] and n >= 0.95 * full, r
            assert dates == r["snapshot_dates"], r
