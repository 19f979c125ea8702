"""Incremental ingest ends exactly where a full ingest does.

For each scenario a delivery set A is ingested, then changed into B and ingested again
(incrementally); the same A is ingested into a second warehouse and B ingested in full there
(`full=True`); B is also ingested from scratch into a third. raw.* and audit.quarantine must
hold the same rows in all three (as multisets: the order of rows in a table is not a
contract), and the ledger (every row, `ingested_at` aside) must be the same after the
incremental and the full run, its current rows the same as from scratch.

Data: the generator's two provinces 04 and 37 (merged from 35, 36, 37) at a tenth of their
staff, messy as generated (a re-sent copy of a workbook, a supplementary roster sharing a
month, a roster lacking a required column, dates as text, serials and ISO in one Parquet),
and hand-made changes on top of it."""

import csv
import io
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dagster_project.contract import ORDER
from dagster_project.ingest import ingest_all
from dagster_project.ingest.engine import prepare
from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.synth import generate
from dagster_project.warehouse.reference import load_reference_table
from tests.ingest.conftest import (
    LINEAGE_HEADER,
    LINEAGE_ROWS,
    PERSONNEL_HEADER,
    PERSONNEL_ROWS,
    UNITS_HEADER,
    UNITS_ROWS,
    write_csv,
)

LAST = date(2026, 3, 1)  # the month the generated set ends with


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("generated") / "raw"
    generate(raw, provinces="04,37", scale=0.1, through="2026-03", seed=11, clean=False, progress=False)
    shutil.rmtree(raw / "_manifest")
    return raw


def warehouse(path: Path):
    con = duckdb.connect(str(path))
    for table in ("ref_units_pre", "ref_units_post"):
        load_reference_table(con, SHIPPED_REFERENCE_DIR, table)
    return con


def parsed_date(text: str | None) -> date | None:
    """A roster date as the generator writes it (ISO, d/m/Y, d-m-Y or an Excel serial),
    worked out here, not by ingest."""
    if text is None:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    return date(1899, 12, 30) + timedelta(days=int(float(text)))


def drop_month_rows(path: Path, month: date) -> None:
    """Rewrite a yearly Parquet roster without the rows of `month`."""
    frame = pl.read_parquet(path)
    dates = [parsed_date(v) for v in frame.get_column("snapshot_date").cast(pl.String).to_list()]
    keep = pl.Series([d is None or (d.year, d.month) != (month.year, month.month) for d in dates])
    assert not keep.all(), f"{path.name} has no row of {month:%Y-%m}"
    frame.filter(keep).write_parquet(path)


def csv_rows(path: Path) -> tuple[list[str], list[list[str]], str]:
    """(header, rows, separator) of a generated CSV (comma or semicolon)."""
    text = path.read_text(encoding="utf-8-sig")
    sep = ";" if text.split("\n", 1)[0].count(";") > 1 else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    return rows[0], rows[1:], sep


def write_rows(path: Path, header: list[str], rows: list[list[str]], sep: str = ",") -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")


def column(header: list[str], *names: str) -> int:
    """Where a column is, under its English or Vietnamese header (the generator uses both)."""
    return next(i for i, h in enumerate(header) if h in names)


SALARY = ("salary_coefficient", "Hệ số lương")


# --- the scenarios: (change A, change B), each given a copy of the generated set ----------

P = "personnel"


def new_month(a: Path, b: Path) -> None:
    """March 2026 arrives: monthly CSVs, a quarterly workbook, yearly Parquets with one more month."""
    for path in sorted((a / P).rglob("*")):
        if "2026-03-" in path.name or "2026_Q1" in path.name:
            path.unlink()
        elif path.name == "roster_2026.parquet":
            drop_month_rows(path, LAST)


def parquet_one_more_month(a: Path, b: Path) -> None:
    drop_month_rows(a / P / "37_ninh_binh" / "roster_2026.parquet", LAST)


def new_workbook(a: Path, b: Path) -> None:
    (a / P / "04_cao_bang" / "roster_2026_Q1.xlsx").unlink()


def corrected_old_month(a: Path, b: Path) -> None:
    """A corrected file for an old month: a salary fixed, a row dropped, a date of birth
    broken (now quarantined), a person added who is already in another file that month."""
    path = b / P / "36_nam_dinh" / "roster_2025-09-28.csv"
    header, rows, sep = csv_rows(path)
    rows[0][column(header, *SALARY)] = "4,65"
    del rows[1]
    rows[2][column(header, "date_of_birth", "Ngày sinh")] = "31/02/1980"
    rows.append(rows[3][:])  # the same person twice in the file: the later one is a duplicate
    write_rows(path, header, rows, sep)


def file_removed(a: Path, b: Path) -> None:
    (b / P / "36_nam_dinh" / "roster_2025-10-28.csv").unlink()


def _supplement(root: Path, name: str, rows_of_roster: slice) -> None:
    """A supplementary file of July 2025 that comes earlier in delivery order than the month's
    roster and holds some of its people again (one with another salary): the roster's rows of
    those people become duplicates."""
    source = root / P / "36_nam_dinh" / "roster_2025-07-28.csv"
    header, rows, sep = csv_rows(source)
    extra = [r[:] for r in rows[rows_of_roster]]
    extra[0][column(header, *SALARY)] = "3.33"
    write_rows(root / P / "36_nam_dinh" / name, header, extra, sep)


def _earlier_duplicates(root: Path) -> None:
    _supplement(root, "bo_sung_2025-07-28.csv", slice(5, 12))


def new_earlier_duplicates(a: Path, b: Path) -> None:
    _earlier_duplicates(b)


def earlier_duplicates_removed(a: Path, b: Path) -> None:
    _earlier_duplicates(a)


def chained_duplicates(a: Path, b: Path) -> None:
    """A second supplementary file arrives with other people of the roster. It shares no person
    with the first one, but the roster links them: read again for the new file's people, the
    roster must be read with the first file, which holds the kept rows of its other repeats."""
    for root in (a, b):
        _earlier_duplicates(root)
    _supplement(b, "bo_sung_2_2025-07-28.csv", slice(20, 27))


def duplicates_kept_earlier(a: Path, b: Path) -> None:
    """A file earlier than both the first supplementary file and the roster holds the same
    people: the roster's rows, quarantined as repeats of the first file's, now repeat the new
    file's (the roster is linked to the new file by its quarantined rows alone)."""
    for root in (a, b):
        _earlier_duplicates(root)
    _supplement(b, "a_bo_sung_2025-07-28.csv", slice(5, 12))


def identical_copy(a: Path, b: Path) -> None:
    """A re-sent copy whose name sorts before the original: the original becomes the copy set
    aside (`duplicate_file`)."""
    folder = b / P / "36_nam_dinh"
    shutil.copyfile(folder / "roster_2025-08-28.csv", folder / "roster_2025-08-28 (1).csv")


def undated_copy(a: Path, b: Path) -> None:
    """A roster with neither a date column nor a date in its name (rejected: it carries no
    snapshot date), sent again under a name that sorts first: the copy is now the one
    rejected for its missing column, the original is set aside as the same bytes."""
    for root in (a, b):
        folder = root / P / "36_nam_dinh"
        shutil.copyfile(folder / "roster_2025-07-28.csv", folder / "danh_sach.csv")
    shutil.copyfile(b / P / "36_nam_dinh" / "danh_sach.csv", b / P / "36_nam_dinh" / "danh sach.csv")


def original_of_copy_removed(a: Path, b: Path) -> None:
    """The generated set holds a workbook and its re-sent copy; the original goes, the copy loads."""
    assert (b / P / "04_cao_bang" / "roster_2025_Q3 (1).xlsx").exists()
    (b / P / "04_cao_bang" / "roster_2025_Q3.xlsx").unlink()


def loaded_copy_removed(a: Path, b: Path) -> None:
    """The re-sent copy that comes first in delivery order (and so was loaded) is withdrawn:
    the original, set aside whole as its duplicate (one ledger row, no sheet), now loads
    sheet by sheet. Before the fix its whole-file row stayed current beside the sheets' rows
    and the build stopped at rows_reconcile."""
    assert (b / P / "04_cao_bang" / "roster_2025_Q3.xlsx").exists()
    (b / P / "04_cao_bang" / "roster_2025_Q3 (1).xlsx").unlink()


def workbook_copy_first(a: Path, b: Path) -> None:
    """A workbook loaded sheet by sheet is sent again under a name that comes first: the copy
    loads, the original is set aside whole; its sheets' rows are no longer current."""
    folder = b / P / "04_cao_bang"
    shutil.copyfile(folder / "roster_2025_Q4.xlsx", folder / "roster_2025_Q4 (1).xlsx")


def units_corrected(a: Path, b: Path) -> None:
    """A corrected units file drops a unit the rosters use: their rows of it are now quarantined."""
    path = b / "units" / "37_ninh_binh" / "units_37.csv"
    header, rows, sep = csv_rows(path)
    code = column(header, "unit_code", "Mã đơn vị")
    used = pl.read_parquet(b / P / "37_ninh_binh" / "roster_2026.parquet").get_column("unit_code")
    drop = next(r[code] for r in rows if r[code] in set(used.to_list()))
    write_rows(path, header, [r for r in rows if r[code] != drop], sep)


def row_of_unfiled_and_ignored(a: Path, b: Path) -> None:
    """Files that are not read come and go: a note in personnel/, a file in no delivery's folder."""
    (b / P / "36_nam_dinh" / "ghi_chu.txt").write_text("gửi kèm\n", encoding="utf-8")
    (b / "roster_2026-03-28.csv").write_text("national_id\n", encoding="utf-8")


SCENARIOS = [new_month, parquet_one_more_month, new_workbook, corrected_old_month, file_removed,
             new_earlier_duplicates, earlier_duplicates_removed, chained_duplicates, duplicates_kept_earlier,
             identical_copy,
             undated_copy,
             original_of_copy_removed, loaded_copy_removed, workbook_copy_first, units_corrected,
             row_of_unfiled_and_ignored]


def contents(con) -> dict[str, list[tuple]]:
    out = {t: con.sql(f"select * from raw.{t} order by all").fetchall() for t in ORDER}
    out["quarantine"] = con.sql("select * from audit.quarantine order by all").fetchall()
    return out


def ledger(con, current_only: bool = False) -> list[tuple]:
    where = "where is_current" if current_only else ""
    return con.sql(f"select * exclude (ingested_at) from audit.ingest_ledger {where} order by all").fetchall()


def three_ways(tmp_path: Path, base: Path, scenario):
    """(incremental, full, from scratch) warehouses after A then B, the incremental run's
    results, and what the tables and the current ledger held after A."""
    a, b = tmp_path / "a" / "raw", tmp_path / "b" / "raw"
    shutil.copytree(base, a)
    shutil.copytree(base, b)
    scenario(a, b)
    raw = tmp_path / "run" / "raw"
    shutil.copytree(a, raw)
    first = warehouse(tmp_path / "incremental.duckdb")
    ingest_all(first, raw)
    before = (contents(first), ledger(first, current_only=True))
    first.close()
    shutil.copyfile(tmp_path / "incremental.duckdb", tmp_path / "full.duckdb")
    shutil.rmtree(raw)
    shutil.copytree(b, raw)  # every file written anew: new modification times, same bytes
    incremental = duckdb.connect(str(tmp_path / "incremental.duckdb"))
    results = ingest_all(incremental, raw)
    full = duckdb.connect(str(tmp_path / "full.duckdb"))
    ingest_all(full, raw, full=True)
    scratch = warehouse(tmp_path / "scratch.duckdb")
    ingest_all(scratch, raw)
    return incremental, full, scratch, results, before


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_incremental_equals_full(tmp_path, generated, scenario):
    incremental, full, scratch, results, before = three_ways(tmp_path, generated, scenario)
    got = contents(incremental)
    assert (got, ledger(incremental, current_only=True)) != before  # the scenario changes something
    assert got == contents(full)
    assert got == contents(scratch)
    assert ledger(incremental) == ledger(full)
    assert ledger(incremental, current_only=True) == ledger(scratch, current_only=True)
    assert got["personnel"] and got["quarantine"]
    if scenario is chained_duplicates:  # the roster's repeats name both supplementary files
        kept_in = {m.split("kept the row at file ")[1].split(",")[0] for (m,) in incremental.sql(
            "select message_en from audit.quarantine where rule = 'duplicate_person' "
            "and file like '%36_nam_dinh/roster_2025-07-28.csv'").fetchall()}
        assert {f"{P}/36_nam_dinh/bo_sung_2025-07-28.csv", f"{P}/36_nam_dinh/bo_sung_2_2025-07-28.csv"} <= kept_in
    if scenario is duplicates_kept_earlier:  # the roster's repeats now name the new file
        kept = incremental.sql(
            "select count(*) filter (where message_en like '%a_bo_sung_2025-07-28.csv%'), "
            "count(*) filter (where message_en like '%/bo_sung_2025-07-28.csv%') from audit.quarantine "
            "where rule = 'duplicate_person' and file like '%36_nam_dinh/roster_2025-07-28.csv'").fetchall()[0]
        assert kept[0] > 0 and kept[1] == 0
    n_rosters = len(list((tmp_path / "run" / "raw" / P).rglob("*.*")))
    if scenario is units_corrected:  # units changed: the rosters are checked again in full
        assert results["personnel"].files_read == n_rosters
    else:  # the point: not every roster was read again
        assert 0 <= results["personnel"].files_read < n_rosters


# --- which files are read ------------------------------------------------------------------

def hand_made(raw: Path) -> None:
    write_csv(raw / "units" / "u.csv", UNITS_HEADER, UNITS_ROWS)
    write_csv(raw / "lineage" / "l.csv", LINEAGE_HEADER, LINEAGE_ROWS)
    for i, month in enumerate(("2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30")):
        # each month other bytes (a salary): identical files would be linked by their hash
        rows = [PERSONNEL_ROWS[0].replace(",4.98,", f",4.9{i},"), *PERSONNEL_ROWS[1:]]
        write_csv(raw / P / f"roster_{month}.csv", PERSONNEL_HEADER, rows)


@pytest.fixture
def files_read(monkeypatch) -> list[str]:
    """Every file ingest reads the rows of, in order (the reader itself is counted)."""
    seen: list[str] = []
    real = prepare.read_file

    def counting(raw_dir, rel, hmap=None):
        seen.append(rel)
        return real(raw_dir, rel, hmap)

    monkeypatch.setattr(prepare, "read_file", counting)
    return seen


def test_unchanged_files_are_not_read(tmp_path, con, files_read):
    raw = tmp_path / "raw"
    hand_made(raw)
    ingest_all(con, raw)
    assert len(files_read) == 6
    full_rows = contents(con)

    files_read.clear()
    ingest_all(con, raw)
    assert files_read == []  # nothing changed: nothing read
    assert contents(con) == full_rows

    # a corrected February (one person less), a new file sharing March's date
    rows = PERSONNEL_ROWS[:2]
    write_csv(raw / P / "roster_2025-02-28.csv", PERSONNEL_HEADER, rows)
    write_csv(raw / P / "bo_sung_2025-03-31.csv", PERSONNEL_HEADER, PERSONNEL_ROWS[2:])
    files_read.clear()
    results = ingest_all(con, raw)
    # February's new version and the new file are read first, to learn their dates, and loaded
    # as read, with March's roster that the new file's date links them to; each file is read
    # once, and no other file is read
    assert sorted(files_read) == [f"{P}/bo_sung_2025-03-31.csv", f"{P}/roster_2025-02-28.csv",
                                  f"{P}/roster_2025-03-31.csv"]
    assert results["personnel"].files_read == 3
    assert results["personnel"].rows_read == 3 + 2 + 3 + 3 + 1  # the ledger's counts of every file

    scratch = warehouse(tmp_path / "scratch.duckdb")
    ingest_all(scratch, raw)
    assert contents(con) == contents(scratch)
    assert ledger(con, current_only=True) == ledger(scratch, current_only=True)
    # the new file came first in delivery order: March's roster lost its third person to it
    q = con.sql("select file, rule from audit.quarantine where rule = 'duplicate_person'").fetchall()
    assert q == [(f"{P}/roster_2025-03-31.csv", "duplicate_person")]

    # a file of April's date whose person is on no roster: April's roster is not read again
    stranger = PERSONNEL_ROWS[0].replace("004070123456", "004070999999")
    write_csv(raw / P / "bo_sung_2025-04-30.csv", PERSONNEL_HEADER, [stranger])
    files_read.clear()
    ingest_all(con, raw)
    assert files_read == [f"{P}/bo_sung_2025-04-30.csv"]
    scratch = warehouse(tmp_path / "scratch2.duckdb")
    ingest_all(scratch, raw)
    assert contents(con) == contents(scratch)


def test_new_people_on_the_rosters_leave_the_decisions_unread(tmp_path, con, files_read):
    """The decisions are checked against the people of the rosters. A roster that only adds
    people leaves every decision as it was: the decisions are not read again. Where a decision
    was quarantined for a person on no roster, or a loaded decision's person leaves every
    roster, they are, and end as a first ingest of the same files leaves them."""
    from tests.ingest.conftest import DECISIONS_HEADER, DECISIONS_ROWS

    raw = tmp_path / "raw"
    hand_made(raw)
    write_csv(raw / "decisions" / "d.csv", DECISIONS_HEADER, DECISIONS_ROWS)
    ingest_all(con, raw)
    assert con.sql("select count(*) from raw.decisions").fetchall()[0][0] == 2

    def same_as_scratch(name: str) -> None:
        scratch = warehouse(tmp_path / f"{name}.duckdb")
        ingest_all(scratch, raw)
        assert contents(con) == contents(scratch)
        assert ledger(con, current_only=True) == ledger(scratch, current_only=True)
        scratch.close()

    def quarantined_decisions() -> list[tuple]:
        return con.sql("select file, rule from audit.quarantine where table_name = 'decisions' "
                       "order by all").fetchall()

    # a new person on April's date, on no decision
    newcomer = PERSONNEL_ROWS[0].replace("004070123456", "004070999999")
    write_csv(raw / P / "bo_sung_2025-04-30.csv", PERSONNEL_HEADER, [newcomer])
    files_read.clear()
    ingest_all(con, raw)
    assert files_read == [f"{P}/bo_sung_2025-04-30.csv"]
    same_as_scratch("newcomer")

    # a decision for someone on no roster yet: quarantined; then their roster arrives
    stranger = DECISIONS_ROWS[1].replace("004185654321", "004185888888")
    write_csv(raw / "decisions" / "d2.csv", DECISIONS_HEADER, [stranger])
    ingest_all(con, raw)
    assert quarantined_decisions() == [("decisions/d2.csv", "unknown_person")]
    write_csv(raw / P / "bo_sung_2025-03-31.csv", PERSONNEL_HEADER,
              [PERSONNEL_ROWS[1].replace("004185654321", "004185888888")])
    files_read.clear()
    ingest_all(con, raw)
    assert {"decisions/d.csv", "decisions/d2.csv"} <= set(files_read)
    assert quarantined_decisions() == []
    same_as_scratch("arrived")

    # that roster withdrawn: the decision's person is on no roster again
    (raw / P / "bo_sung_2025-03-31.csv").unlink()
    files_read.clear()
    ingest_all(con, raw)
    assert {"decisions/d.csv", "decisions/d2.csv"} <= set(files_read)
    assert quarantined_decisions() == [("decisions/d2.csv", "unknown_person")]
    same_as_scratch("withdrawn")


def test_a_code_change_reads_everything(tmp_path, con, files_read, monkeypatch):
    """What the last ingest was checked against is kept with it: other code (or libraries)
    makes the next ingest a full one; so does `full=True`."""
    from dagster_project.ingest.engine import incremental

    raw = tmp_path / "raw"
    hand_made(raw)
    ingest_all(con, raw)
    files_read.clear()
    ingest_all(con, raw, full=True)
    assert len(files_read) == 6
    files_read.clear()
    monkeypatch.setattr(incremental, "code_fingerprint", lambda: "other code")
    ingest_all(con, raw)
    assert len(files_read) == 6
    files_read.clear()
    ingest_all(con, raw)
    assert files_read == []


def test_a_new_year_reads_everything(tmp_path, con, monkeypatch):
    """A date is accepted up to 31 December of the year after the run: a payment dated two
    years ahead is quarantined this year and loaded next year, though no file changed."""
    from dagster_project.contract import model
    from tests.ingest.conftest import DECISIONS_HEADER, DECISIONS_ROWS

    raw = tmp_path / "raw"
    hand_made(raw)
    ahead = date.today().year + 2
    rows = [DECISIONS_ROWS[0].replace(",2025-06-15", f",{ahead}-01-15"), DECISIONS_ROWS[1]]
    write_csv(raw / "decisions" / "d.csv", DECISIONS_HEADER, rows)
    ingest_all(con, raw)
    assert con.sql("select count(*) from raw.decisions").fetchall()[0][0] == 1
    assert con.sql("select rule from audit.quarantine where file like 'decisions/%'").fetchall() \
        == [("out_of_range",)]

    class NextYear(date):
        @classmethod
        def today(cls):
            return date(date.today().year + 1, 1, 2)

    monkeypatch.setattr(model, "date", NextYear)
    ingest_all(con, raw)
    scratch = warehouse(tmp_path / "scratch.duckdb")
    ingest_all(scratch, raw)
    assert con.sql("select count(*) from raw.decisions").fetchall()[0][0] == 2
    assert contents(con) == contents(scratch)
