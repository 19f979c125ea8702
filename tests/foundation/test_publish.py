"""Atomic, private publish of the working warehouse."""

import os
from datetime import date

import duckdb
import pytest

from dagster_project.partitions import in_months
from dagster_project.warehouse.publish import publish


def _working(path, marker: str):
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema raw; create schema audit")
    con.execute(f"create table marts.fact as select '{marker}' as marker")
    con.execute("create table raw.personnel as select '001190000001' as national_id, 'Nguyễn Văn A' as full_name")
    con.execute(
        "create table audit.quarantine as select * from (values "
        "('national_id', '001190000001', 'national_id_mismatch', "
        "'Số CCCD ''001190000001'' sai', 'ID ''001190000001'' wrong'), "
        "('salary_coefficient', '14.2', 'out_of_range', 'Giá trị ''14.2''', 'Value ''14.2''')"
        ") t(column_name, value, rule, message_vi, message_en)"
    )
    con.close()


def test_publish_replaces_the_warehouse_and_keeps_private_data_out(tmp_path):
    working, published = tmp_path / "work.duckdb", tmp_path / "marts" / "warehouse.duckdb"
    _working(working, "v1")
    result = publish(working, published)
    assert result.tables["marts"] == 1
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select marker from marts.fact").fetchone() == ("v1",)
    schemas = {r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()}
    assert "raw" not in schemas
    values = dict(con.execute("select column_name, value from audit.quarantine").fetchall())
    assert values == {"national_id": "***", "salary_coefficient": "14.2"}
    messages = dict(con.execute(
        "select column_name, message_vi || ' / ' || message_en from audit.quarantine").fetchall())
    assert messages == {"national_id": "Số CCCD '***' sai / ID '***' wrong",
                        "salary_coefficient": "Giá trị '14.2' / Value '14.2'"}
    con.close()
    assert not list(published.parent.glob(".*tmp*"))


def test_a_reader_holding_the_published_file_does_not_block_publishing(tmp_path):
    working, published = tmp_path / "work.duckdb", tmp_path / "warehouse.duckdb"
    _working(working, "v1")
    publish(working, published)
    reader = duckdb.connect(str(published), read_only=True)
    working.unlink()
    _working(working, "v2")
    publish(working, published)
    # The open reader still sees its version; a new reader sees the new one.
    assert reader.execute("select marker from marts.fact").fetchone() == ("v1",)
    reader.close()
    fresh = duckdb.connect(str(published), read_only=True)
    assert fresh.execute("select marker from marts.fact").fetchone() == ("v2",)
    fresh.close()


def test_a_working_file_without_marts_is_not_published(tmp_path):
    working, published = tmp_path / "work.duckdb", tmp_path / "warehouse.duckdb"
    duckdb.connect(str(working)).close()
    published.write_bytes(b"previous")
    with pytest.raises(RuntimeError, match="no marts"):
        publish(working, published)
    assert published.read_bytes() == b"previous"


def test_parquet_exports_hold_the_marts_rows(tmp_path):
    import polars as pl

    from dagster_project.warehouse.publish import export_parquet

    working, published = tmp_path / "work.duckdb", tmp_path / "warehouse.duckdb"
    _working(working, "v1")
    publish(working, published)
    out = tmp_path / "parquet"
    (out).mkdir()
    (out / "gone.parquet").write_bytes(b"stale")
    rows = export_parquet(published, out)
    assert rows == {"fact": 1}
    assert pl.read_parquet(out / "fact.parquet")["marker"].to_list() == ["v1"]
    assert not (out / "gone.parquet").exists()


def _monthly(path, rows: list[tuple[str, int]], other: str, extra_column: bool = False):
    """A working file with one table by report month, one small table, one private table."""
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists marts; create schema if not exists raw")
    values = ", ".join(f"(date '{m}-01', {v})" for m, v in rows)
    extra = ", 'x' as note" if extra_column else ""
    con.execute(f"create or replace table marts.by_month as select *{extra} from (values {values}) t(report_month, value)")
    con.execute(f"create or replace table marts.other as select '{other}' as marker")
    con.execute("create or replace table raw.personnel as select 'Nguyễn Văn A' as full_name")
    con.close()


def _tables(path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables order by 1").fetchall()]
        return {n: sorted(con.execute(f"select * from {n}").fetchall(), key=str) for n in names}
    finally:
        con.close()


MONTHLY = frozenset({("marts", "by_month")})


def test_publishing_some_months_copies_their_rows_and_every_other_table(tmp_path):
    working, published, fresh = tmp_path / "work.duckdb", tmp_path / "warehouse.duckdb", tmp_path / "fresh.duckdb"
    _monthly(working, [("2026-01", 1), ("2026-02", 2), ("2026-03", 3)], "v1")
    publish(working, published)
    # March corrected, April added, the small table changed; a table gone, a table new.
    working.unlink()
    _monthly(working, [("2026-01", 1), ("2026-02", 2), ("2026-03", 30), ("2026-04", 4)], "v2")
    con = duckdb.connect(str(published))
    con.execute("create table marts.gone as select 1 as x")
    # An earlier version published another schema.
    con.execute("create schema intermediate; create table intermediate.persons as select 1 as x")
    con.close()
    con = duckdb.connect(str(working))
    con.execute("create table marts.new as select 2 as y")
    con.close()
    publish(working, published, months=["2026-03", "2026-04"], partitioned=MONTHLY)
    publish(working, fresh)
    assert _tables(published) == _tables(fresh)
    assert _tables(published)["marts.by_month"] == sorted(
        [(date(2026, 1, 1), 1), (date(2026, 2, 1), 2), (date(2026, 3, 1), 30), (date(2026, 4, 1), 4)], key=str)
    assert "raw.personnel" not in _tables(published)
    con = duckdb.connect(str(published), read_only=True)
    assert "intermediate" not in {r[0] for r in con.execute(
        "select schema_name from information_schema.schemata").fetchall()}
    con.close()


def test_publishing_some_months_leaves_the_other_months_rows_as_published(tmp_path):
    working, published = tmp_path / "work.duckdb", tmp_path / "warehouse.duckdb"
    _monthly(working, [("2026-01", 1), ("2026-02", 2)], "v1")
    publish(working, published)
    working.unlink()
    _monthly(working, [("2026-01", 10), ("2026-02", 20)], "v2")
    publish(working, published, months=["2026-02"], partitioned=MONTHLY)
    assert _tables(published)["marts.by_month"] == [(date(2026, 1, 1), 1), (date(2026, 2, 1), 20)]
    assert _tables(published)["marts.other"] == [("v2",)]
    # No month: the monthly table stays as it was.
    publish(working, published, months=[], partitioned=MONTHLY)
    assert _tables(published)["marts.by_month"] == [(date(2026, 1, 1), 1), (date(2026, 2, 1), 20)]


def test_a_monthly_table_whose_columns_changed_is_copied_whole(tmp_path):
    working, published = tmp_path / "work.duckdb", tmp_path / "warehouse.duckdb"
    _monthly(working, [("2026-01", 1), ("2026-02", 2)], "v1")
    publish(working, published)
    working.unlink()
    _monthly(working, [("2026-01", 10), ("2026-02", 20)], "v1", extra_column=True)
    publish(working, published, months=["2026-02"], partitioned=MONTHLY)
    assert _tables(published)["marts.by_month"] == [(date(2026, 1, 1), 10, "x"), (date(2026, 2, 1), 20, "x")]


def test_only_the_file_published_last_is_a_base_for_the_next(tmp_path):
    from dagster_project.warehouse.publish import as_published, remember

    working, published, build = tmp_path / "work.duckdb", tmp_path / "warehouse.duckdb", tmp_path / "build"
    _monthly(working, [("2026-01", 1)], "v1")
    assert not as_published(build, published)  # nothing published yet
    publish(working, published)
    assert not as_published(build, published)  # published, not remembered
    remember(build, published)
    assert as_published(build, published)
    # Put back from a backup (another file in its place): not the one written last.
    backup = tmp_path / "backup.duckdb"
    publish(working, backup)
    os.replace(backup, published)
    assert not as_published(build, published)


def _rollup(path, rows: list[tuple[str | None, int]]):
    """marts.rollup: a table with a report month, not rewritten by month (not `partitioned`)."""
    con = duckdb.connect(str(path))
    values = ", ".join(f"({'null' if m is None else repr(m)}::date, {v})" for m, v in rows)
    con.execute(f"create or replace table marts.rollup as select * from (values {values}) t(report_month, value)")
    con.close()


def _statements(monkeypatch) -> list[str]:
    """Every statement publish runs on the file it writes, recorded."""
    from dagster_project.warehouse import publish as module

    said, connect = [], module.connect

    class Recorded:
        def __init__(self, con):
            self.con = con

        def execute(self, sql, *args):
            said.append(sql)
            return self.con.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self.con, name)

    monkeypatch.setattr(module, "connect", lambda *a, **k: Recorded(connect(*a, **k)))
    return said


@pytest.mark.parametrize("before, after, replaced", [
    # February corrected, March added, January as it was: the rows of February and March only.
    ([("2026-01-01", 1), ("2026-01-01", 2), ("2026-02-01", 3)],
     [("2026-01-01", 2), ("2026-01-01", 1), ("2026-02-01", 30), ("2026-03-01", 4)], ["2026-02", "2026-03"]),
    # A month gone.
    ([("2026-01-01", 1), ("2026-02-01", 3)], [("2026-01-01", 1)], ["2026-02"]),
    # A row whose month is missing, or not the first day of a month: the whole table.
    ([("2026-01-01", 1)], [("2026-01-01", 1), (None, 5)], None),
    ([("2026-01-01", 1)], [("2026-01-01", 1), ("2026-02-15", 5)], None),
], ids=["corrected_and_added", "gone", "no_month", "not_a_first_day"])
def test_a_table_by_report_month_not_rewritten_by_month_publishes_the_months_that_differ(
        tmp_path, monkeypatch, before, after, replaced):
    working, published, fresh = tmp_path / "work.duckdb", tmp_path / "warehouse.duckdb", tmp_path / "fresh.duckdb"
    _monthly(working, [("2026-01", 1)], "v1")
    _rollup(working, before)
    publish(working, published)
    _rollup(working, after)
    said = _statements(monkeypatch)
    publish(working, published, months=["2026-01"], partitioned=MONTHLY)
    rollup = [s for s in said if '"marts"."rollup"' in s and not s.startswith("select")]
    publish(working, fresh)
    assert _tables(published) == _tables(fresh)
    if replaced is None:
        assert len(rollup) == 1 and rollup[0].startswith('create or replace table "marts"."rollup"'), rollup
    else:
        months = in_months(replaced)
        assert rollup == [f'delete from "marts"."rollup" where {months}',
                          f'insert into "marts"."rollup" select * from work."marts"."rollup" '
                          f'where {months}'], rollup


def test_the_months_published_are_ranges_of_dates():
    """One range per run of consecutive months (across a new year), so DuckDB can skip the row
    groups of other months; every day of a month is in it, no day of another."""
    assert in_months(["2026-10", "2026-09"]) == (
        "(report_month >= date '2026-09-01' and report_month < date '2026-11-01')")
    assert in_months(["2025-11", "2026-01", "2025-12", "2026-03"]) == (
        "(report_month >= date '2025-11-01' and report_month < date '2026-02-01') or "
        "(report_month >= date '2026-03-01' and report_month < date '2026-04-01')")
    assert in_months([]) == "false"
    con = duckdb.connect()
    days = [date(2025, 10, 31), date(2025, 11, 1), date(2025, 12, 31), date(2026, 1, 15),
            date(2026, 2, 1), date(2026, 3, 31), date(2026, 4, 1)]
    picked = con.execute(f"select report_month from unnest(?) t(report_month) where "
                         f"{in_months(['2025-11', '2025-12', '2026-01', '2026-03'])} order by 1",
                         [days]).fetchall()
    assert [d for (d,) in picked] == [date(2025, 11, 1), date(2025, 12, 31), date(2026, 1, 15), date(2026, 3, 31)]
