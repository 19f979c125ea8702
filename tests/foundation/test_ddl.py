"""The raw and audit tables Python writes (dagster_project/warehouse/ddl.py): created when
missing, given the columns a newer version added, and left alone when they are as they
should be (ingest calls ensure_schemas for every delivery it loads)."""

import duckdb

from dagster_project.contract import DELIVERIES
from dagster_project.warehouse.ddl import AUDIT_TABLES, INGEST_BASIS, ensure_schemas, raw_columns


def _columns(con) -> dict[tuple[str, str], list[tuple[str, str]]]:
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, kind in con.execute(
            "select schema_name, table_name, column_name, data_type from duckdb_columns() "
            "where schema_name in ('raw', 'audit') order by schema_name, table_name, column_index").fetchall():
        out.setdefault((schema, table), []).append((column, kind))
    return out


def _expected() -> dict[tuple[str, str], list[tuple[str, str]]]:
    tables = {("raw", d.name): raw_columns(d) for d in DELIVERIES.values()}
    tables |= {("audit", name): list(columns) for name, columns in AUDIT_TABLES.items()}
    tables[("raw", "ingest_basis")] = list(INGEST_BASIS)
    return tables


def test_an_empty_warehouse_gets_every_table_with_its_columns(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schemas(con)
    assert _columns(con) == _expected()


def test_a_table_of_an_earlier_version_gains_the_columns_added_since_and_keeps_its_rows(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema raw")
    con.execute("create table raw.lineage (old_unit_code varchar, source_file varchar)")
    con.execute("insert into raw.lineage values ('X1', 'lineage/a.csv')")
    ensure_schemas(con)
    columns = _columns(con)
    assert columns[("raw", "lineage")][:2] == [("old_unit_code", "VARCHAR"), ("source_file", "VARCHAR")]
    assert sorted(columns[("raw", "lineage")]) == sorted(_expected()[("raw", "lineage")])
    assert con.execute("select old_unit_code, source_file from raw.lineage").fetchall() == [("X1", "lineage/a.csv")]
    assert set(columns) == set(_expected())


def test_a_warehouse_that_has_every_table_and_column_is_only_read(tmp_path):
    """Nothing is created or altered: the same call succeeds on the file opened read-only,
    where any DDL statement fails (the call made one per column before)."""
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    ensure_schemas(con)
    con.close()
    reader = duckdb.connect(str(path), read_only=True)
    try:
        ensure_schemas(reader)
        assert _columns(reader) == _expected()
    finally:
        reader.close()
