"""The fault suite: many kinds of bad file delivered side by side, ingested once. Each leaves
a trace in the ledger (loaded, rejected or ignored), a message that says what is wrong (the
ledger's for a file set aside, the quarantine's, with the row, for a row), rows reconcile for
every file (`rows_read = loaded + quarantined`, proved against the tables), and no message
quotes a national ID or a name.

Roster cases get a date of their own in the file name (2025-01-01 + case number), so no two
cases are the same snapshot: a case's rows meet no other case's rows."""

import io
import os
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
import polars as pl
import pytest
import xlsxwriter

from dagster_project.ingest import ingest_table, reconcile
from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.warehouse.reference import load_reference_table
from tests.faults.conftest import HEADER, ID, NAME, ROWS, csv_bytes
from tests.ingest.conftest import (
    DECISIONS_HEADER,
    DECISIONS_ROWS,
    LINEAGE_HEADER,
    LINEAGE_ROWS,
    UNITS_HEADER,
    UNITS_ROWS,
)

TABLES = ("units", "lineage", "personnel", "decisions")
COLUMNS = HEADER.split(",")


def _with(i: int, value: str, row: str = ROWS[0]) -> list[str]:
    """ROWS with the i-th field of `row` replaced."""
    cells = row.split(",")
    cells[i] = value
    return [",".join(cells) if r == row else r for r in ROWS]


def _col(name: str) -> int:
    return COLUMNS.index(name)


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, cells in enumerate(rows):
            for c, v in enumerate(cells):
                ws.write(r, c, v)
    wb.close()
    return buf.getvalue()


def _parquet(**overrides) -> bytes:
    df = pl.read_csv(csv_bytes(), infer_schema=False)
    for name, dtype in overrides.items():
        df = df.with_columns(pl.col(name).cast(dtype))
    buf = io.BytesIO()
    df.write_parquet(buf)
    return buf.getvalue()


GOOD_XLSX = _xlsx({"DS": [COLUMNS, *[r.split(",") for r in ROWS]]})


@dataclass
class Case:
    id: str
    data: bytes | str | None  # file bytes; str: a link to that path (relative: inside raw/); None: a pipe
    status: str  # loaded | rejected | ignored
    says: str  # in the ledger message (rejected, ignored) or a quarantine rule (loaded); "" none
    rows: tuple[int, int, int] | None = None  # (read, loaded, quarantined)
    rel: str = ""  # where; default personnel/<id>_<date of the case>.csv
    more: dict[str, bytes] = field(default_factory=dict)


CASES = [
    # files that cannot be read: rejected whole, with why
    Case("empty", b"", "rejected", "lacks the required column", (0, 0, 0)),
    Case("latin1", csv_bytes().decode().encode("latin-1", "replace"),
         "rejected", "not UTF-8 text"),
    Case("utf16", "\ufeff".encode("utf-16-le") + csv_bytes().decode().encode("utf-16-le"),
         "rejected", "not UTF-8 text"),
    Case("binary", bytes(range(256)) * 4, "rejected", "not UTF-8 text"),
    Case("fake_xlsx", csv_bytes(), "rejected", "not a readable Excel workbook", rel="personnel/fake_{d}.xlsx"),
    Case("truncated_xlsx", GOOD_XLSX[: len(GOOD_XLSX) // 2], "rejected", "not a readable Excel workbook",
         rel="personnel/cut_{d}.xlsx"),
    Case("fake_parquet", csv_bytes(), "rejected", "not a readable Parquet file", rel="personnel/fake_{d}.parquet"),
    Case("no_required_column", csv_bytes(HEADER.replace("si_months", "so_thang"), ROWS),
         "rejected", "lacks the required column si_months", (3, 0, 3)),
    Case("column_twice", csv_bytes(HEADER + ",Họ và tên", [r + ",x" for r in ROWS]),
         "rejected", "Column full_name appears more than once", (3, 0, 3)),
    Case("no_date", csv_bytes(), "rejected", "lacks the required column snapshot_date",
         rel="personnel/roster_no_date_{n}.csv"),
    Case("instructions_only_xlsx", _xlsx({"Hướng dẫn": [["Điền danh sách vào trang sau"], ["Không sửa tiêu đề"]]}),
         "rejected", "no sheet has a recognised header", rel="personnel/guide_{d}.xlsx"),
    Case("copy_of_another", None, "rejected", "same content as", rel="personnel/zz_copy (1)_{d}.csv"),
    # files that are not deliveries: ignored, with why
    Case("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 Excel 97", "ignored", ".xls is not a delivery format",
         rel="personnel/roster_{d}.xls"),
    Case("txt", b"ghi chu", "ignored", ".txt is not a delivery format", rel="personnel/notes_{n}.txt"),
    Case("ods", b"PK ods", "ignored", ".ods is not a delivery format", rel="personnel/roster_{d}.ods"),
    Case("pdf", b"%PDF-1.4", "ignored", ".pdf is not a delivery format", rel="personnel/scan_{d}.pdf"),
    Case("no_suffix", b"x", "ignored", "(no suffix) is not a delivery format", rel="personnel/README_{n}"),
    Case("excel_lock", b"lock", "ignored", "'~$", rel="personnel/~$roster_{d}.xlsx"),
    Case("hidden", csv_bytes(), "ignored", "starts with '.'", rel="personnel/.roster_{d}.csv"),
    Case("underscore_folder", csv_bytes(), "ignored", "starts with '.', '_'", rel="personnel/_old/roster_{d}.csv"),
    Case("folder_case", csv_bytes(), "ignored", "did you mean 'personnel/'", rel="Personnel/roster_{d}.csv"),
    Case("folder_suffix", csv_bytes(), "ignored", "did you mean 'personnel/'", rel="personnel_extra/roster_{d}.csv"),
    Case("unknown_folder", csv_bytes(), "ignored", "is not a delivery's folder", rel="staff/roster_{d}.csv"),
    Case("raw_root", csv_bytes(), "ignored", "raw/ root", rel="roster_{d}.csv"),
    Case("link_outside", "../outside/roster.csv", "ignored", "outside raw/: not followed"),
    Case("dangling_link", "gone.csv", "ignored", "dangling"),
    Case("link_to_folder", "../outside", "ignored", "a link to a folder"),
    Case("pipe", None, "ignored", "not a regular file"),
    # broken lines and layout: the file loads, each bad line costs that line
    Case("cr_only", csv_bytes(eol="\r"), "loaded", "", (3, 3, 0)),
    Case("crlf", csv_bytes(eol="\r\n"), "loaded", "", (3, 3, 0)),
    Case("mixed_endings", (HEADER + "\r\n" + ROWS[0] + "\n" + ROWS[1] + "\r" + ROWS[2] + "\r\n").encode(),
         "loaded", "", (3, 3, 0)),
    Case("field_too_many", csv_bytes(rows=[ROWS[0] + ",x", *ROWS[1:]]), "loaded", "malformed_row", (3, 2, 1)),
    Case("field_too_few", csv_bytes(rows=[ROWS[0].rsplit(",", 1)[0], *ROWS[1:]]), "loaded", "malformed_row",
         (3, 2, 1)),
    Case("unmatched_quote", csv_bytes(rows=[ROWS[0].replace(NAME, '"' + NAME), *ROWS[1:]]), "loaded",
         "malformed_row", (3, 2, 1)),
    Case("stray_quote", csv_bytes(rows=['"' + ROWS[0] + '"x', *ROWS[1:]]), "loaded", "malformed_row", (3, 2, 1)),
    Case("title_lines", b"DANH SACH CAN BO\nDon vi: tinh Cao Bang\n" + csv_bytes(), "loaded", "", (3, 3, 0)),
    Case("blank_lines", csv_bytes().replace(b"\n", b"\n\n", 2), "loaded", "", (3, 3, 0)),
    Case("semicolons_bom", b"\xef\xbb\xbf" + csv_bytes().replace(b",", b";"), "loaded", "", (3, 3, 0)),
    Case("header_spelling", csv_bytes(HEADER.replace("full_name", "  HỌ VÀ   TÊN ")), "loaded", "", (3, 3, 0)),
    Case("empty_row", csv_bytes(rows=[*ROWS, "," * (len(COLUMNS) - 1)]), "loaded", "missing_value", (4, 3, 1)),
    Case("header_only", csv_bytes(rows=[]), "loaded", "", (0, 0, 0)),
    # values: the row is quarantined with the rule
    Case("two_digit_year", csv_bytes(rows=_with(_col("date_of_birth"), "15/3/70")), "loaded", "invalid_date",
         (3, 2, 1)),
    Case("year_seventy", csv_bytes(rows=_with(_col("date_of_birth"), "0070-03-15")), "loaded", "out_of_range",
         (3, 2, 1)),
    Case("excel_serial_far", csv_bytes(rows=_with(_col("date_of_birth"), "99999")), "loaded", "out_of_range",
         (3, 2, 1)),
    Case("bad_sex", csv_bytes(rows=_with(_col("sex"), "X")), "loaded", "invalid_enum", (3, 2, 1)),
    Case("id_too_short", csv_bytes(rows=_with(_col("national_id"), ID[1:])), "loaded", "invalid_code", (3, 2, 1)),
    Case("number_with_letters", csv_bytes(rows=_with(_col("salary_coefficient"), "4.98a")), "loaded",
         "invalid_number", (3, 2, 1)),
    Case("unknown_unit", csv_bytes(rows=_with(_col("unit_code"), "NOWHERE")), "loaded", "unknown_unit_code",
         (3, 2, 1)),
    Case("person_twice", csv_bytes(rows=[*ROWS, ROWS[0]]), "loaded", "duplicate_person", (4, 3, 1)),
    Case("parquet_numeric_id", _parquet(national_id=pl.Int64), "loaded", "invalid_code", (3, 0, 3),
         rel="personnel/typed_{d}.parquet"),
    Case("xlsx_numeric_id", _xlsx({"DS": [COLUMNS, *[[int(c) if j == 0 else c for j, c in enumerate(r.split(","))]
                                                     for r in ROWS]]}),
         "loaded", "invalid_code", (3, 0, 3), rel="personnel/numbers_{d}.xlsx"),
    # other deliveries
    Case("unit_twice", (UNITS_HEADER + "\n" + UNITS_ROWS[0] + "\n").encode(), "loaded", "duplicate_unit_code",
         (1, 0, 1), rel="units/zz_again.csv"),
    Case("shares_not_one", (LINEAGE_HEADER + "\nC01267-PRE,C01279-POST,0.3,split,\n"
                            "C01267-PRE,C01273-POST,0.3,split,\n").encode(), "loaded", "share_sum", (2, 0, 2),
         rel="lineage/zz_shares.csv"),
    Case("decision_unknown_person", (DECISIONS_HEADER + "\n" + DECISIONS_ROWS[0].replace(ID, "004070999999")
                                     + "\n").encode(), "loaded", "unknown_person", (1, 0, 1),
         rel="decisions/zz_unknown.csv"),
    Case("decision_short_year", (DECISIONS_HEADER + "\n" + DECISIONS_ROWS[1].replace("2025-06-01", "1/6/25")
                                 + "\n").encode(), "loaded", "invalid_date", (1, 0, 1),
         rel="decisions/zz_short_year.csv"),
]
COPIED = "crlf"  # copy_of_another holds the bytes of this case, under the same date


def _where(i: int, case: Case) -> str:
    d = (date(2025, 1, 1) + timedelta(days=i)).isoformat()
    if case.id == "copy_of_another":
        d = _date_of(COPIED)
    return (case.rel or "personnel/{id}_{d}.csv").format(id=case.id, d=d, n=i)


def _date_of(case_id: str) -> str:
    return (date(2025, 1, 1) + timedelta(days=[c.id for c in CASES].index(case_id))).isoformat()


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    """Every case delivered side by side, beside a clean delivery; ingested once."""
    root = tmp_path_factory.mktemp("faults")
    raw, outside = root / "raw", root / "outside"
    outside.mkdir()
    (outside / "roster.csv").write_bytes(csv_bytes())
    clean = {"units/units.csv": csv_bytes(UNITS_HEADER, UNITS_ROWS),
             "lineage/lineage.csv": csv_bytes(LINEAGE_HEADER, LINEAGE_ROWS),
             "personnel/clean_2025-06-30.csv": csv_bytes(),
             "decisions/decisions.csv": csv_bytes(DECISIONS_HEADER, DECISIONS_ROWS)}
    for rel, data in clean.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_bytes(data)
    where = {}
    for i, case in enumerate(CASES):
        rel = where[case.id] = _where(i, case)
        path = raw / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if case.id == "copy_of_another":
            continue
        if isinstance(case.data, bytes):
            path.write_bytes(case.data)
        elif isinstance(case.data, str):
            # "../x": x beside raw/ (outside it); else a name in raw/personnel/
            outside_raw = case.data.startswith("../")
            os.symlink(root / case.data[3:] if outside_raw else raw / "personnel" / case.data, path)
        else:
            os.mkfifo(path)
    shutil.copyfile(raw / where[COPIED], raw / where["copy_of_another"])
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    for table in ("ref_units_pre", "ref_units_post"):
        load_reference_table(con, SHIPPED_REFERENCE_DIR, table)
    for table in TABLES:
        ingest_table(con, raw, table)
    yield con, raw, where
    con.close()


def test_there_are_many_kinds(delivered):
    assert len(CASES) >= 34 and len({c.id for c in CASES}) == len(CASES)


def test_rows_reconcile_for_every_file(delivered):
    con, _, _ = delivered
    for table in TABLES:
        bad = reconcile(con, table).filter(~pl.col("ok"))
        assert bad.height == 0, (table, bad)


def test_no_message_quotes_an_id_or_a_name(delivered):
    con, _, _ = delivered
    messages = [m for (m,) in con.execute("select message from audit.ingest_ledger where message is not null "
                                          "union all select message_vi from audit.quarantine "
                                          "union all select message_en from audit.quarantine").fetchall()]
    assert len(messages) > len(CASES)
    leaks = [m for m in messages if NAME in m or "Nguy" in m or "Trần Thị" in m]
    assert leaks == []


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_bad_file_leaves_a_trace_and_a_clear_message(delivered, case):
    con, _, where = delivered
    rel = where[case.id]
    ledger = con.execute("select table_name, status, rows_read, rows_loaded, rows_quarantined, message "
                         "from audit.ingest_ledger where is_current and file = ?", [rel]).fetchall()
    assert len(ledger) == 1, (rel, ledger)
    table, status, read, loaded, quarantined, message = ledger[0]
    assert status == case.status, (rel, status, message)
    if case.rows is not None:
        assert (read, loaded, quarantined) == case.rows
    quarantine = con.execute("select row_number, rule, message_en from audit.quarantine where file = ? "
                             "order by row_number", [rel]).fetchall()
    if status in ("rejected", "ignored"):
        assert case.says in (message or ""), message
        assert loaded == 0
    if status == "rejected":  # and the quarantine says so, for the whole file
        assert [(r, m.startswith(rel)) for r, _, m in quarantine if r is None] == [(None, True)]
    if status == "ignored":
        assert quarantine == [] and read == 0
    if status == "loaded":
        rules = {rule for _, rule, _ in quarantine}  # the case's rule, and others it may break too
        assert case.says in rules if case.says else rules == set(), rules
        assert all(r is not None for r, _, _ in quarantine)  # each names its row
        assert len({r for r, _, _ in quarantine}) == quarantined
