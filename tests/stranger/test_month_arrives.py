"""One month arrives in files our generator did not write, then a correction of an old month,
and each build that reads them ends where a full build of the same files ends.

The generated rosters of a merged province (Ninh Bình, 37, from Hà Nam, Nam Định and Ninh
Bình) and an unchanged one (Cao Bằng, 04) go through the hands of a provincial office:
opened in LibreOffice Calc and saved again as workbooks (a CSV file typed column by column as
text, a form re-written by Calc, the copy of a workbook saved twice, so no longer the same
bytes), a yearly Parquet file written again by DuckDB, a CSV file re-saved with CRLF line ends
and every field quoted. Then November arrives: the quarterly workbooks come back with one more
sheet, the yearly Parquet with one more month, a new monthly file, the decisions file with
November's decisions. Then Hà Nam sends its October roster again, corrected, and October's
report written again says it is restated. Minutes (LibreOffice and five builds): `make
stranger`, not `make test`.
"""

import csv
import io
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from dagster_project.reports.restate import read_issued
from tests.e2e.conftest import sapnhap, table_differences

pytestmark = pytest.mark.stranger

PROVINCES = "04,37"
THROUGH = "2025-11"
SEED = 23
KEPT_AS_CSV = "36_nam_dinh"  # this office re-saves its CSV files; the others send workbooks
NOVEMBER = re.compile(r"(2025-11-\d{2}|\d{1,2}/11/2025)")


def _calc(soffice: str, profile: Path, files: list[Path], out_dir: Path, infilter: str | None = None) -> None:
    """Open `files` in LibreOffice Calc and save each as a workbook in `out_dir`."""
    if not files:
        return
    argv = [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}"]
    if infilter:
        argv.append(f"--infilter={infilter}")
    argv += ["--convert-to", "xlsx", "--outdir", str(out_dir), *map(str, files)]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    for f in files:
        assert (out_dir / f"{f.stem}.xlsx").exists(), (f, result.stdout, result.stderr)


def _separator(path: Path) -> str:
    head = path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
    return ";" if head.count(";") > head.count(",") else ","


def _november_set(generated: Path, out: Path, soffice: str, profile: Path) -> None:
    """The generated deliveries through November, as the provinces' offices re-save them."""
    for table in ("units", "lineage", "decisions"):
        shutil.copytree(generated / table, out / table)
    for folder in sorted((generated / "personnel").iterdir()):
        target = out / "personnel" / folder.name
        target.mkdir(parents=True)
        csvs = sorted(folder.glob("*.csv"))
        if folder.name == KEPT_AS_CSV:
            for f in csvs:
                rows = list(csv.reader(io.StringIO(f.read_text(encoding="utf-8-sig")), delimiter=_separator(f)))
                with open(target / f.name, "w", encoding="utf-8-sig", newline="") as handle:
                    csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
        else:
            for sep in (",", ";"):
                # every column typed as text, as a careful officer imports it (30 columns: more than any roster)
                columns = "/".join(f"{i}/2" for i in range(1, 31))
                _calc(soffice, profile, [f for f in csvs if _separator(f) == sep], target,
                      f"CSV:{ord(sep)},34,76,1,{columns}")
        workbooks = sorted(folder.glob("*.xlsx"))
        copies = [f for f in workbooks if " (1)" in f.name]  # a copy, as a file manager names it
        _calc(soffice, profile, [f for f in workbooks if f not in copies], target)
        if copies:
            # The copy is saved later. A workbook's zip entries carry the time it was saved, in
            # steps of 2 s: the copy saved in the same Calc call, in the same step, came out
            # byte for byte the same (a fresh clone, 7 December).
            time.sleep(2.1)
            _calc(soffice, profile, copies, target)
        for f in sorted(folder.glob("*.parquet")):
            with duckdb.connect() as con:
                con.execute(f"copy (select * from '{f}') to '{target / f.name}' "
                            "(format parquet, compression snappy, row_group_size 5000)")


def _october_set(november: Path, out: Path) -> list[str]:
    """What the same offices had sent a month before: the files without November. Returns the
    personnel files that differ (or are missing) from November's."""
    shutil.copytree(november, out)
    changed = []
    for path in sorted((out / "personnel").rglob("*")):
        rel = str(path.relative_to(out))
        if path.suffix == ".xlsx" and "2025-11-" in path.name:
            path.unlink()
            changed.append(rel)
        elif path.suffix == ".xlsx":
            workbook = openpyxl.load_workbook(path)
            if "T11-2025" in workbook.sheetnames:  # a quarterly workbook, one sheet a month
                workbook.remove(workbook["T11-2025"])
                workbook.save(path)
                changed.append(rel)
        elif path.suffix == ".parquet":
            rows = pl.read_parquet(path)
            kept = rows.filter(~rows.get_column("snapshot_date").fill_null("").str.contains(NOVEMBER.pattern))
            assert 0 < kept.height < rows.height
            kept.write_parquet(path)
            changed.append(rel)
    for path in (out / "decisions").rglob("*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        date = rows[0].index("Ngày quyết định")
        kept = [rows[0]] + [r for r in rows[1:] if not NOVEMBER.fullmatch(r[date])]
        assert len(kept) < len(rows)
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(kept)
    return changed


def _corrected_set(november: Path, out: Path, soffice: str, profile: Path, removed: int) -> str:
    """November's set, with Hà Nam's October roster sent again: `removed` persons listed by
    mistake taken out (in openpyxl), the workbook saved again in Calc. Returns that file."""
    shutil.copytree(november, out)
    [path] = (out / "personnel" / "35_ha_nam").glob("roster_2025-10-31.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.active.delete_rows(2, removed)  # row 1 is the header
    edited = profile.parent / "edited" / path.name
    edited.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(edited)
    _calc(soffice, profile, [edited], path.parent)
    return str(path.relative_to(out))


def _written_by_calc(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return "LibreOffice" in z.read("docProps/app.xml").decode("utf-8")


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    result = sapnhap(cwd, *(args or ("run",)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_a_month_of_resaved_files_builds_what_a_full_build_makes(tmp_path, soffice):
    from dagster_project.synth import generate

    generated = tmp_path / "generated"
    generate(generated, provinces=PROVINCES, through=THROUGH, seed=SEED, progress=False)
    november, october = tmp_path / "november", tmp_path / "october"
    _november_set(generated, november, soffice, tmp_path / "lo")
    changed = _october_set(november, october)
    # What the offices did to the files: Calc wrote the workbooks, the copy saved twice differs.
    workbooks = sorted((november / "personnel").rglob("*.xlsx"))
    assert len(workbooks) >= 15 and all(_written_by_calc(p) for p in workbooks)
    pair = [november / "personnel" / "04_cao_bang" / n for n in ("roster_2025_Q3 (1).xlsx", "roster_2025_Q3.xlsx")]
    assert pair[0].read_bytes() != pair[1].read_bytes()
    replaced = {f for f in changed if (october / f).exists()}
    assert len(replaced) == 3 and len(changed) == 4, changed  # the quarterly workbooks, the yearly Parquet; a new file

    # Built with October's files, then again once November's arrive.
    month = tmp_path / "monthly"
    (month / "data").mkdir(parents=True)
    shutil.copytree(october, month / "data" / "raw")
    _run(month)
    _run(month, "report", "--month", "2025-10")  # October's report, as issued in October
    shutil.rmtree(month / "data" / "raw")
    shutil.copytree(november, month / "data" / "raw")
    _run(month)
    assert "Nothing new since the last build" in _run(month).stdout
    # Built once from November's files.
    full = tmp_path / "full"
    (full / "data").mkdir(parents=True)
    shutil.copytree(november, full / "data" / "raw")
    _run(full)

    _same_build(month, full, november, pair, replaced)

    # A month later Hà Nam's office corrects its October roster. The build reads that file
    # only and again ends where a full build of the corrected files ends; October's report,
    # written again, is a restatement of the one issued in October.
    removed = 30
    corrected = tmp_path / "corrected"
    fixed = _corrected_set(november, corrected, soffice, tmp_path / "lo", removed)
    october_pack = month / "data" / "marts" / "reports" / "2025-10" / "bao_cao_2025-10_VN.xlsx"
    issued, restated_before = read_issued(october_pack)
    assert restated_before is None  # an original
    shutil.rmtree(month / "data" / "raw")
    shutil.copytree(corrected, month / "data" / "raw")
    _run(month)
    said = _run(month, "report", "--month", "2025-10").stdout.strip().splitlines()[-1]
    scopes = said.split("; restated for ", 1)[1].split(": ", 1)[0].split(", ")
    again, restated = read_issued(october_pack)
    assert restated == issued and again != issued
    # The nation and the merged province: 30 persons fewer. Cao Bằng is as issued: its
    # quarterly workbook has had a November sheet since October's report was issued, and the
    # report counts the workbook's October sheet only (it counted the whole workbook, and
    # Cao Bằng's October was restated on its rows quarantined).
    assert sorted(scopes) == ["37", "VN"], said
    for scope in scopes:
        now, before = read_issued(october_pack.with_name(f"bao_cao_2025-10_{scope}.xlsx"))
        assert now["A02"][1] == before["A02"][1] - removed, (scope, now["A02"], before["A02"])
    full = tmp_path / "full_corrected"
    (full / "data").mkdir(parents=True)
    shutil.copytree(corrected, full / "data" / "raw")
    _run(full)
    _same_build(month, full, corrected, pair, replaced | {fixed})
    with duckdb.connect(str(month / "data" / "marts" / "warehouse.duckdb"), read_only=True) as con:
        (rows,) = con.execute("select list(rows_read order by ingested_at) from audit.ingest_ledger "
                              "where file = ?", [fixed]).fetchone()
    assert len(rows) == 2 and rows[0] - rows[1] == removed, rows


def _same_build(month: Path, full: Path, delivered: Path, pair: list[Path], replaced: set[str]) -> None:
    """The build of the month (`month`) and the full build (`full`) of the files `delivered`
    published the same rows; the month's build read again only the files `replaced`."""
    published = [d / "data" / "marts" / "warehouse.duckdb" for d in (month, full)]
    differences = table_differences(*published, schemas=("marts", "rules"))
    assert len(differences) >= 50 and differences["marts.fct_policy_cohort"][0] > 0
    assert {t: d[1:] for t, d in differences.items()} == {t: (0, 0) for t in differences}
    with duckdb.connect() as con:
        for name, path in zip(("a", "b"), published, strict=True):
            con.execute(f"attach '{path}' as {name} (read_only)")
        only = [con.execute(f"select count(*) from (from {x}.audit.quarantine except all from {y}.audit.quarantine)")
                .fetchone()[0] for x, y in (("a", "b"), ("b", "a"))]
        assert only == [0, 0]
        # Only the files that changed were read again: the others have one version in the ledger.
        versions = dict(con.execute(
            "select file, count(distinct content_hash) from a.audit.ingest_ledger "
            "where table_name = 'personnel' group by file").fetchall())
        # The workbook saved twice is no longer a copy byte for byte: both are read, and the
        # rows of the second (in delivery order) are set aside one by one, as persons already read.
        files = [str(p.relative_to(pair[0].parents[2])) for p in pair]
        rules = dict(con.execute("select rule, count(*) from b.audit.quarantine where list_contains(?, file) "
                                 "group by rule", [files]).fetchall())
    delivered_files = {str(p.relative_to(delivered)) for p in (delivered / "personnel").rglob("*") if p.is_file()}
    assert set(versions) == delivered_files
    assert {f for f, n in versions.items() if n > 1} == replaced
    assert rules.get("duplicate_person", 0) > 1000 and "duplicate_file" not in rules, rules
