"""The Great Expectations suites pass on what ingest loads and fail on seeded bad data."""

import duckdb
import pandas as pd
import pytest

from dagster_project.ingest import ingest_all
from dagster_project.quality import build_suite, run_suite, validate_frame
from dagster_project.quality.suites import expected_columns
from tests.ingest.conftest import deliver_clean, load_reference_units

TABLES = ("units", "lineage", "personnel", "decisions")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    raw = deliver_clean(tmp_path_factory.mktemp("raw"))
    c = duckdb.connect(str(tmp_path_factory.mktemp("wh") / "w.duckdb"))
    load_reference_units(c)
    ingest_all(c, raw)
    yield c
    c.close()


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("severity", ["structure", "identity", "soft"])
def test_suites_pass_on_ingested_tables(con, table, severity):
    result = run_suite(con, table, severity)
    assert result.success, result.failures
    assert result.evaluated >= 1


def personnel_frame(con) -> pd.DataFrame:
    return con.sql("select * from raw.personnel").df()


def failing(result) -> set[tuple[str, str]]:
    return {(f["expectation"], f["column"]) for f in result.failures}


def test_structure_fails_on_a_missing_column(con):
    frame = personnel_frame(con).drop(columns=["si_months"])
    result = validate_frame(frame, build_suite("personnel", "structure"))
    assert not result.success
    assert failing(result) == {("expect_table_columns_to_match_set", "(table)")}
    assert "si_months" in expected_columns("personnel")


def test_identity_fails_on_a_duplicate_person_and_a_malformed_id(con):
    frame = personnel_frame(con)
    frame = pd.concat([frame, frame.iloc[[0]].assign(source_row=99)], ignore_index=True)
    frame.loc[1, "national_id"] = "12345"
    result = validate_frame(frame, build_suite("personnel", "identity"))
    assert not result.success
    assert failing(result) == {
        ("expect_compound_columns_to_be_unique", "snapshot_date, national_id"),
        ("expect_column_values_to_match_regex", "national_id"),
    }


def test_identity_fails_when_a_row_lost_its_provenance(con):
    frame = con.sql("select * from raw.units").df()
    frame.loc[0, "source_file"] = None
    result = validate_frame(frame, build_suite("units", "identity"))
    assert ("expect_column_values_to_not_be_null", "source_file") in failing(result)


def test_soft_fails_on_out_of_range_and_unknown_category(con):
    frame = personnel_frame(con)
    frame.loc[0, "salary_coefficient"] = 11.0
    frame.loc[1, "staff_category"] = "boss"
    result = validate_frame(frame, build_suite("personnel", "soft"))
    assert not result.success
    assert failing(result) == {
        ("expect_column_values_to_be_between", "salary_coefficient"),
        ("expect_column_values_to_be_in_set", "staff_category"),
    }
    assert "boss" in result.markdown()
    # What a failure reports: how many rows and which values (the BASIC result format).
    by_column = {f["column"]: f for f in result.failures}
    assert by_column["salary_coefficient"]["unexpected_count"] == 1
    assert "11.0" in by_column["salary_coefficient"]["sample"]
    assert by_column["staff_category"]["unexpected_count"] == 1
    assert by_column["staff_category"]["sample"] == "['boss']"


def test_lineage_share_bound_is_exclusive_at_zero(con):
    frame = con.sql("select * from raw.lineage").df()
    frame.loc[0, "share"] = 0.0
    result = validate_frame(frame, build_suite("lineage", "soft"))
    assert failing(result) == {("expect_column_values_to_be_between", "share")}


def test_identity_read_from_the_warehouse_fails_on_tampered_rows(con):
    """run_suite loads text as Arrow strings (memory at national scale): the suite must still
    see a repeated person, a malformed ID and a lost provenance in raw.personnel."""
    con.execute("begin transaction")
    try:
        con.execute("""
            insert into raw.personnel by name
            select * replace (source_row + 1000 as source_row) from raw.personnel limit 1
        """)
        con.execute("""
            update raw.personnel set national_id = '12345', source_file = null
            where source_row = (select max(source_row) from raw.personnel where source_row < 1000)
        """)
        result = run_suite(con, "personnel", "identity")
    finally:
        con.execute("rollback")
    assert not result.success
    assert {
        ("expect_compound_columns_to_be_unique", "snapshot_date, national_id"),
        ("expect_column_values_to_match_regex", "national_id"),
        ("expect_column_values_to_not_be_null", "source_file"),
    } <= failing(result)
    assert run_suite(con, "personnel", "identity").success


def test_a_validated_frame_is_not_kept_after_validation():
    # The Great Expectations context lives as long as the process: at national scale a roster
    # frame it kept was 2 GB held through the rest of the run, beside the next suite's frame.
    import gc
    import weakref

    import pandas as pd

    frame = pd.DataFrame({"sex": ["male", "female"]})
    kept = weakref.ref(frame)
    assert validate_frame(frame, build_suite("personnel", "structure")).success is False
    del frame
    gc.collect()
    assert kept() is None, "the frame outlived its validation"


def test_a_suite_run_frees_its_frame_before_it_returns(con, monkeypatch):
    """The validation's objects refer to one another, so the frame they hold lived until the
    next garbage collection: at national scale the roster identity suite left 1.7 GB behind,
    under the soft suite's own 2.4 GB (the run's peak). With automatic collection off, a
    frame counted as large must be gone when run_suite returns."""
    import gc
    import weakref

    from dagster_project.quality import suites

    refs = []

    def load_and_watch(*args, **kwargs):
        frame = load(*args, **kwargs)
        refs.append(weakref.ref(frame))
        return frame

    load = suites.load_frame
    monkeypatch.setattr(suites, "load_frame", load_and_watch)
    monkeypatch.setattr(suites, "COLLECT_ROWS", 1)  # every frame counts as large
    gc.disable()
    try:
        assert run_suite(con, "personnel", "soft").success
        assert refs and refs[0]() is None, "the frame outlived run_suite"
    finally:
        gc.enable()


def test_a_validation_does_not_hash_its_frame(con, monkeypatch):
    """Great Expectations fingerprints a pandas batch under 1 GB by hashing every row, twice
    per validation, for a marker nothing reads (2.7 of the national roster soft suite's 8.1 s):
    no suite may do it."""
    from great_expectations.execution_engine import pandas_execution_engine

    hashed = []

    def record(df):
        hashed.append(len(df))
        return "fingerprint"

    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe", record)
    for severity in ("identity", "soft"):
        assert run_suite(con, "personnel", severity).success
    assert hashed == []


def test_dates_reach_the_suites_as_datetimes_not_python_objects(con):
    """A Python date object per row made the roster's (snapshot_date, national_id) uniqueness
    5.2 s instead of 4.35 at national scale; a missing date must still be missing."""
    from dagster_project.quality.suites import load_frame

    frame = load_frame(con, "personnel", "identity")
    assert frame["snapshot_date"].dtype.kind == "M"
    assert frame["snapshot_date"].notna().all()
    assert str(frame["snapshot_date"].min().date()) == "2025-06-30"
    con.execute("begin transaction")
    try:
        con.execute("update raw.personnel set snapshot_date = null "
                    "where source_row = (select min(source_row) from raw.personnel)")
        frame = load_frame(con, "personnel", "identity")
        result = run_suite(con, "personnel", "identity")
    finally:
        con.execute("rollback")
    assert frame["snapshot_date"].isna().sum() == 1
    assert ("expect_column_values_to_not_be_null", "snapshot_date") in failing(result)


def test_an_expectation_on_a_column_the_frame_lacks_fails_and_the_others_still_run(con):
    # Each expectation is validated on the columns it reads: one whose column is gone must
    # still be reported, as a failure, beside the others' results.
    frame = personnel_frame(con).drop(columns=["staff_category"])
    frame.loc[0, "salary_coefficient"] = 11.0
    suite = build_suite("personnel", "soft")
    result = validate_frame(frame, suite)
    assert result.evaluated == len(suite.expectations)
    assert failing(result) == {
        ("expect_column_values_to_be_between", "salary_coefficient"),
        ("expect_column_values_to_be_in_set", "staff_category"),
    }
