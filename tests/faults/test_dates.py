"""No impossible date passes ingest: a two-digit year is not guessed, nothing before 1900 or
after the end of next year (a birth date, besides, gives an age of 16 to 75 at its snapshot)."""

from datetime import date

import pytest

from tests.faults.conftest import ROWS, csv_bytes, deliver, ingest
from tests.ingest.conftest import UNITS_HEADER, UNITS_ROWS

ROSTER = "personnel/roster_2025-06-30.csv"
BIRTH = "1970-03-15"  # of ROWS[0]
LAST = f"{date.today().year + 1}-12-31"


@pytest.mark.parametrize(("birth", "rule", "says"), [
    ("15/3/70", "invalid_date", "four-digit year"),  # Excel's Vietnamese short date
    ("15/03/70", "invalid_date", "four-digit year"),
    ("15-3-70", "invalid_date", "four-digit year"),
    ("15/03/0070", "out_of_range", f"1900-01-01 to {LAST}"),
    ("0070-03-15", "out_of_range", f"1900-01-01 to {LAST}"),
    ("1899-12-31", "out_of_range", f"1900-01-01 to {LAST}"),
    ("2025-07-01", "out_of_range", "age 0 at the snapshot"),  # after the snapshot
    ("99999", "out_of_range", f"1900-01-01 to {LAST}"),  # an Excel serial: 2173
])
def test_an_impossible_birth_date_is_quarantined_with_the_rule(con, raw, birth, rule, says):
    deliver(raw, ROSTER, csv_bytes(rows=[ROWS[0].replace(BIRTH, birth), *ROWS[1:]]))
    out = ingest(con, raw, "personnel")
    led = out.of(ROSTER)
    assert (led["rows_read"], led["rows_loaded"], led["rows_quarantined"]) == (3, 2, 1)
    q = [r for r in out.quarantine if r["table_name"] == "personnel" and r["column_name"] == "date_of_birth"]
    assert {(r["row_number"], r["rule"]) for r in q} == {(2, rule)}
    assert any(says in r["message_en"] for r in q), [r["message_en"] for r in q]
    assert con.execute("select count(*) from raw.personnel where date_of_birth < date '1900-01-01' "
                       "or date_of_birth > snapshot_date").fetchone() == (0,)


def test_the_birth_dates_that_are_possible_still_load(con, raw):
    rows = [ROWS[0].replace(BIRTH, "15/3/1970"), ROWS[1].replace("1985-11-02", "1985"),
            ROWS[2].replace("2001-01-20", "20-01-2001")]
    deliver(raw, ROSTER, csv_bytes(rows=rows))
    out = ingest(con, raw, "personnel")
    assert not [r for r in out.quarantine if r["column_name"] == "date_of_birth"]
    assert out.loaded["personnel"] == 3


@pytest.mark.parametrize(("when", "rule"), [
    ("1/7/25", "invalid_date"),
    ("2025-07-01", None),
    (f"{date.today().year + 1}-12-31", None),
    (f"{date.today().year + 2}-01-01", "out_of_range"),
    ("2199-07-01", "out_of_range"),
    ("1899-07-01", "out_of_range"),
])
def test_a_date_without_a_snapshot_is_bounded_by_the_end_of_next_year(con, raw, when, rule):
    rows = [r.replace("2025-07-01", when) for r in UNITS_ROWS]  # P04-POST's arrangement_date
    assert sum(when in r for r in rows) == 1
    deliver(raw, "units/units.csv", csv_bytes(UNITS_HEADER, rows))
    out = ingest(con, raw)
    q = [(r["row_number"], r["rule"]) for r in out.quarantine if r["column_name"] == "arrangement_date"]
    assert q == ([] if rule is None else [(5, rule)])
