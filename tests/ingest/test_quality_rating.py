"""The two optional roster columns of the amended contract: quality_rating (Xếp loại chất
lượng) and rating_year (Năm đánh giá, 2020 to the snapshot's year)."""

from dagster_project.ingest import ingest_all, reconcile
from tests.ingest.conftest import PERSONNEL_HEADER, PERSONNEL_ROWS, write_csv

ROSTER = "personnel/roster_2025-06-30.csv"


def _ratings(con):
    return con.execute("select national_id, quality_rating, rating_year from raw.personnel "
                       "order by national_id").fetchall()


def _quarantined(con):
    return con.execute("select row_number, column_name, value, rule, message_vi, message_en "
                       "from audit.quarantine where table_name = 'personnel' order by row_number").fetchall()


def test_a_roster_with_ratings_loads_in_english_and_vietnamese(con, raw_dir):
    header = PERSONNEL_HEADER + ",quality_rating,rating_year"
    rows = [PERSONNEL_ROWS[0] + ",excellent,2024", PERSONNEL_ROWS[1] + ",Hoàn thành tốt nhiệm vụ,2024",
            PERSONNEL_ROWS[2] + ",,"]
    write_csv(raw_dir / ROSTER, header, rows)
    results = ingest_all(con, raw_dir)
    assert results["personnel"].rows_quarantined == 0
    assert _ratings(con) == [("004070123456", "excellent", 2024), ("004185654321", "good", 2024),
                             ("004201111111", None, None)]
    assert reconcile(con, "personnel").get_column("ok").all()


def test_vietnamese_headers_name_the_columns(con, raw_dir):
    header = PERSONNEL_HEADER + ",Xếp loại chất lượng,Năm đánh giá"
    write_csv(raw_dir / ROSTER, header, [r + ",không hoàn thành nhiệm vụ,2025" for r in PERSONNEL_ROWS])
    ingest_all(con, raw_dir)
    assert {r[1:] for r in _ratings(con)} == {("not_completed", 2025)}
    extra = con.execute("select count(*) from raw.personnel where extra is not null").fetchone()[0]
    assert extra == 0, "the headers are contract columns, not extra ones"


def test_a_rating_outside_the_list_is_an_invalid_enum(con, raw_dir):
    header = PERSONNEL_HEADER + ",quality_rating,rating_year"
    rows = [PERSONNEL_ROWS[0] + ",tốt,2024", PERSONNEL_ROWS[1] + ",good,2024", PERSONNEL_ROWS[2] + ",,"]
    write_csv(raw_dir / ROSTER, header, rows)
    results = ingest_all(con, raw_dir)
    got = _quarantined(con)
    assert [g[:4] for g in got] == [(2, "quality_rating", "tốt", "invalid_enum")]
    assert "excellent, good, completed, not_completed" in got[0][4]
    assert results["personnel"].rows_loaded == 2


def test_a_rating_year_after_the_snapshot_year_or_before_2020_is_out_of_range(con, raw_dir):
    header = PERSONNEL_HEADER + ",quality_rating,rating_year"
    rows = [PERSONNEL_ROWS[0] + ",good,2026", PERSONNEL_ROWS[1] + ",good,2019",
            PERSONNEL_ROWS[2] + ",completed,2025"]  # 2025 is the snapshot's own year: allowed
    write_csv(raw_dir / ROSTER, header, rows)
    ingest_all(con, raw_dir)
    got = _quarantined(con)
    assert [g[:4] for g in got] == [(2, "rating_year", "2026", "out_of_range"),
                                    (3, "rating_year", "2019", "out_of_range")]
    assert "[2020, 2025]" in got[0][4] and "[2020, 2025]" in got[0][5]
    assert _ratings(con) == [("004201111111", "completed", 2025)]


def test_the_bound_follows_each_rows_snapshot(con, raw_dir):
    """The same rating year is fine on a later roster: the bound is the row's snapshot year."""
    header = "snapshot_date," + PERSONNEL_HEADER + ",quality_rating,rating_year"
    units = ["P04-PRE", "P04-POST"]
    rows = [f"2025-06-30,{PERSONNEL_ROWS[0]},good,2026",
            f"2026-01-31,{PERSONNEL_ROWS[0].replace(units[0], units[1])},good,2026"]
    write_csv(raw_dir / "personnel" / "roster_mixed.csv", header, rows)
    (raw_dir / ROSTER).unlink()
    ingest_all(con, raw_dir)
    assert [g[:4] for g in _quarantined(con)] == [(2, "rating_year", "2026", "out_of_range")]
    assert con.execute("select snapshot_date::varchar, rating_year from raw.personnel").fetchall() == \
        [("2026-01-31", 2026)]
