"""`sapnhap validate` on the generator's deliveries (the default provinces: 04 unchanged, 33
and 37 merged): every defect of the ground-truth manifest is explained in Vietnamese with its
file, sheet, row, column and reason, nothing else is reported, nothing personal is printed,
and a lookup against a delivery not given is said to be unchecked instead of reported."""

import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from dagster_project.cli import main
from dagster_project.contract import DELIVERIES, REASONS
from dagster_project.deliver.validate import render, validate
from dagster_project.ingest.layout import fold
from dagster_project.ingest.read import header_map, read_file
from dagster_project.synth import generate
from dagster_project.synth.config import QUARANTINE_REASON

FILE_KINDS = ("missing_required_column", "duplicate_file")  # the whole file set aside
RULE_OF_KIND = QUARANTINE_REASON | {k: k for k in FILE_KINDS}


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("raw")
    generate(out, provinces="default", scale=0.03, through="2025-12", seed=20250701, clean=False,
             progress=False)
    return out


@pytest.fixture(scope="module")
def manifest(raw) -> pl.DataFrame:
    m = pl.read_csv(raw / "_manifest" / "defects.csv", infer_schema=False)
    return m.filter(pl.col("kind").is_in(list(RULE_OF_KIND))).with_columns(
        pl.col("row").cast(pl.Int64), pl.col("sheet").fill_null(""))


@pytest.fixture(scope="module")
def checked(raw):
    report = validate([raw])
    return report, render(report, "vi")


def given(raw: Path, rel: str) -> str:
    return str(raw / rel)


def expected_problems(manifest: pl.DataFrame, raw: Path) -> set[tuple]:
    """(file as given, sheet, row, column, rule) of every defect the manifest holds; the rows
    of a file set aside whole are not checked one by one."""
    whole = set(manifest.filter(pl.col("kind").is_in(FILE_KINDS))["file"])
    out = set()
    for r in manifest.iter_rows(named=True):
        if r["kind"] in FILE_KINDS:
            column = r["column"] or None
            out.add((given(raw, r["file"]), None, None, column, r["kind"]))
        elif r["file"] not in whole:
            out.add((given(raw, r["file"]), r["sheet"] or None, r["row"], r["column"], RULE_OF_KIND[r["kind"]]))
    return out


def reported(report) -> set[tuple]:
    return {(f.path, p.sheet, p.row, p.column, p.rule) for f in report.files for p in f.problems}


def test_the_generator_wrote_every_kind_of_defect(manifest):
    assert set(manifest["kind"]) == set(RULE_OF_KIND)


def test_every_defect_of_the_manifest_is_reported_with_its_row_column_and_reason(checked, manifest, raw):
    report, _ = checked
    assert expected_problems(manifest, raw) - reported(report) == set()


def test_nothing_else_is_reported(checked, manifest, raw):
    report, _ = checked
    assert reported(report) - expected_problems(manifest, raw) == set()


def test_each_problem_is_explained_in_vietnamese_under_its_file_and_sheet(checked, manifest, raw):
    report, text = checked
    sections = {}  # file -> its lines of the text
    current = None
    for line in text.splitlines():
        heading = re.match(r"^(.*) \([^()]*, [a-z]+/\)$", line)
        if heading:
            current = heading[1]
            sections.setdefault(current, [])
        elif current is not None:
            sections[current].append(line)
    for file, sheet, row, column, rule in expected_problems(manifest, raw):
        lines = sections[file]
        where = "\n".join(lines)
        if row is not None:
            c = DELIVERIES[Path(file).relative_to(raw).parts[0]].column(column)
            pattern = rf'^    dòng {row}, cột "{re.escape(c.vi)}" \({column}\): \[{rule}\] \S'
            hits = [i for i, x in enumerate(lines) if re.match(pattern, x)]
            assert hits, (file, sheet, row, column, rule)
            if sheet is not None:  # under its sheet's heading
                heading = max(i for i, x in enumerate(lines[:hits[0]]) if x.startswith("  trang "))
                assert lines[heading].startswith(f'  trang "{sheet}":')
        else:
            assert "cả tệp sẽ bị từ chối" in where and f"[{rule}]" in where
        assert f"    [{rule}] {REASONS[rule].todo_vi}" in lines, (file, rule)


def test_counts_reconcile_per_file(checked, manifest, raw):
    report, _ = checked
    bad_rows = {(f, s, r) for f, s, r, _, _ in expected_problems(manifest, raw) if r is not None}
    whole = {f for f, _, r, _, _ in expected_problems(manifest, raw) if r is None}
    for f in report.files:
        if f.path in whole:
            assert f.rows_loaded == 0 and any(s.status == "rejected" for s in f.sheets)
            continue
        n_bad = len({(s, r) for g, s, r in bad_rows if g == f.path})
        assert f.rows_read - f.rows_loaded == n_bad, f.path


def _personal_values(raw: Path) -> set[str]:
    """Every national ID and name the generated rosters and decisions hold, as delivered."""
    values = set()
    for name in ("personnel", "decisions"):
        d = DELIVERIES[name]
        hmap = header_map(d)
        for path in sorted((raw / name).rglob("*.*")):
            for sh in read_file(raw, path.relative_to(raw).as_posix(), hmap):
                if sh.frame is None:
                    continue
                for col in sh.frame.columns:
                    if hmap.get(fold(col)) in ("national_id", "full_name"):
                        values |= {v.strip() for v in sh.frame.get_column(col).drop_nulls() if v.strip()}
    return values


def test_no_id_or_name_is_printed(checked, raw, manifest):
    _, text = checked
    personal = _personal_values(raw) | set(manifest.filter(pl.col("column") == "national_id")["value"])
    assert len(personal) > 1000
    assert [v for v in personal if v in text] == []
    assert not re.search(r"\b\d{12}\b", text)


def test_exit_status_and_english(raw):
    runner = CliRunner()
    vi = runner.invoke(main, ["validate", str(raw / "personnel" / "37_ninh_binh")])
    assert vi.exit_code == 1 and "Kết quả: cần sửa các lỗi trên trước khi gửi." in vi.output
    en = runner.invoke(main, ["validate", "--lang", "en", str(raw / "personnel" / "37_ninh_binh")])
    assert en.exit_code == 1 and "Result: correct the problems above before sending." in en.output
    missing = runner.invoke(main, ["validate", str(raw / "units" / "nowhere.xlsx")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    assert missing.output.strip().splitlines() == [f"sapnhap: không tìm thấy tệp hoặc thư mục: {raw / 'units' / 'nowhere.xlsx'}"]
    assert runner.invoke(main, ["validate"]).exit_code == 2


def test_a_roster_alone_says_its_unit_codes_were_not_checked(raw, manifest):
    folder = raw / "personnel" / "37_ninh_binh"
    report = validate([folder])
    got = reported(report)
    mine = {p for p in expected_problems(manifest, raw) if p[0].startswith(str(folder) + "/")}
    unit_defects = {p for p in mine if p[4] == "unknown_unit_code"}
    assert unit_defects, "the folder must hold unknown unit codes for this test to mean something"
    assert got == mine - unit_defects
    assert [(u.delivery, u.column, u.references) for u in report.unchecked] == [("personnel", "unit_code", "units")]
    assert "Chưa kiểm tra được (thiếu tệp units/ đi kèm)" in render(report, "vi")


def test_a_raw_folder_is_read_as_ingest_reads_it(raw, tmp_path):
    """Given a data set's raw/ folder, only the delivery folders are checked (the shipped
    reference registries beside them, the manifests, are not deliveries)."""
    import shutil

    from dagster_project.settings import SHIPPED_REFERENCE_DIR

    copy = tmp_path / "raw"
    shutil.copytree(raw / "units", copy / "units")
    shutil.copytree(SHIPPED_REFERENCE_DIR, copy / "reference")
    (copy / "units" / "_ghi_chu.csv").write_text("unit_code,unit_name\nA,B\n", encoding="utf-8")
    report = validate([copy])
    assert {Path(f.path).relative_to(copy).parts[0] for f in report.files} == {"units"}
    assert sorted(Path(f.path).relative_to(copy / "units").as_posix() for f in report.files) == sorted(
        p.relative_to(raw / "units").as_posix() for p in (raw / "units").rglob("*.*"))
