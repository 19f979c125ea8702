"""A broken line costs that line: line endings of any kind, a field too many or too few, an
unmatched quote, title lines above the header; and no message quotes what a file holds."""

import pytest

from tests.faults.conftest import BIRTH, ID, NAME, ROWS, csv_bytes, deliver, ingest

ROSTER = "personnel/roster_2025-06-30.csv"


@pytest.mark.parametrize("eol", ["\r", "\r\n"], ids=["CR", "CRLF"])
def test_any_line_ending_is_read(con, raw, eol):
    deliver(raw, ROSTER, csv_bytes(eol=eol))
    out = ingest(con, raw, "personnel")
    led = out.of(ROSTER)
    assert (led["status"], led["rows_read"], led["rows_loaded"]) == ("loaded", 3, 3)
    assert con.execute("select full_name from raw.personnel where source_row = 2").fetchone() == (NAME,)


def _broken(i: int, line: str) -> list[str]:
    rows = list(ROWS)
    rows[i] = line
    return rows


@pytest.mark.parametrize(("line", "why"), [
    (ROWS[1] + ",extra", "18 fields, the header has 17"),
    (ROWS[1].rsplit(",", 2)[0], "15 fields, the header has 17"),
    (ROWS[1].replace("Trần Thị Bình", '"Trần Thị Bình'), "unmatched quote"),
], ids=["field too many", "field too few", "unmatched quote"])
def test_a_broken_line_costs_that_line_only(con, raw, line, why):
    deliver(raw, ROSTER, csv_bytes(rows=_broken(1, line)))
    out = ingest(con, raw, "personnel")
    led = out.of(ROSTER)
    assert (led["status"], led["rows_read"], led["rows_loaded"], led["rows_quarantined"]) == ("loaded", 3, 2, 1)
    q = [r for r in out.quarantine if r["table_name"] == "personnel"]
    assert [(r["row_number"], r["rule"]) for r in q] == [(3, "malformed_row")]  # line 3: header, row, this
    assert why in q[0]["message_en"] and "row 3" in q[0]["message_en"]
    loaded = con.execute("select source_row from raw.personnel order by 1").fetchall()
    assert loaded == [(2,), (4,)]


def test_an_unmatched_quote_does_not_swallow_the_lines_after_it(con, raw):
    rows = _broken(0, ROWS[0].replace("Nguyễn Văn An", '"Nguyễn Văn An'))
    rows += [r.replace("004185654321", "004185654322").replace("Trần", "Đỗ") for r in ROWS[1:2]]
    deliver(raw, ROSTER, csv_bytes(rows=rows))
    led = ingest(con, raw, "personnel").of(ROSTER)
    assert (led["rows_read"], led["rows_loaded"], led["rows_quarantined"]) == (4, 3, 1)


def test_a_quoted_field_over_two_lines_is_one_row_numbered_by_its_first_line(con, raw):
    rows = _broken(1, ROWS[1].replace("Trần Thị Bình", '"Trần Thị\nBình"'))
    deliver(raw, ROSTER, csv_bytes(rows=rows))
    led = ingest(con, raw, "personnel").of(ROSTER)
    assert (led["rows_read"], led["rows_loaded"]) == (3, 3)
    assert con.execute("select source_row from raw.personnel order by 1").fetchall() == [(2,), (3,), (5,)]


def test_title_lines_above_the_header_are_skipped_as_layout(con, raw):
    data = "DANH SÁCH CÁN BỘ, CÔNG CHỨC\nTỉnh Cao Bằng,,\n\n".encode() + csv_bytes()
    deliver(raw, ROSTER, data)
    led = ingest(con, raw, "personnel").of(ROSTER)
    assert (led["status"], led["rows_read"], led["rows_loaded"]) == ("loaded", 3, 3)
    assert (led["rows_skipped"], led["skip_note"]) == (4, "title 1-2; header 4; blank 3")
    assert con.execute("select min(source_row) from raw.personnel").fetchone() == (5,)


@pytest.mark.parametrize(("rel", "data"), [
    (ROSTER, csv_bytes(rows=[ROWS[0].replace(NAME, '"' + NAME), *ROWS[1:]])),  # unmatched quote
    (ROSTER, csv_bytes(rows=['"' + ROWS[0] + '"x', *ROWS[1:]])),  # a quoted row, a stray character
    (ROSTER, csv_bytes(rows=[ROWS[0] + ',"x"y', *ROWS[1:]])),  # a stray quote on a ragged line
    (ROSTER, csv_bytes(rows=[ROWS[0] + ",more,fields", *ROWS[1:]])),
    ("personnel/roster_2025-06-30.parquet", csv_bytes()),  # text, not Parquet
    ("personnel/roster_2025-06-30.xlsx", csv_bytes()),  # text, not a workbook
    (ROSTER, csv_bytes().replace("Nguyễn".encode(), "Nguy\xean".encode("latin-1"))),  # not UTF-8
], ids=["unmatched quote", "quoted row", "stray quote", "fields too many", "fake parquet", "fake xlsx", "latin-1"])
def test_no_message_quotes_what_the_file_holds(con, raw, rel, data):
    deliver(raw, rel, data)
    out = ingest(con, raw, "personnel")
    assert out.of(rel)["status"] in {"loaded", "rejected"}
    messages = out.messages()
    assert any(rel in m for m in messages)  # the file is named
    for m in messages:
        for personal in (ID, NAME, "Nguy", BIRTH, "15/03/1970"):
            assert personal not in m, m
