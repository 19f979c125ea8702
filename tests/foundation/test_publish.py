"""Atomic, private publish of the working warehouse."""

import duckdb
import pytest

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
