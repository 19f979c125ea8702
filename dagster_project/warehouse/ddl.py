"""Layouts of the tables Python writes: raw.<delivery>, audit.*.

The raw delivery tables hold each delivery's columns as its description gives them
(dagster_project/contract/, docs/delivery_contract.md), parsed to their kinds' DuckDB types,
plus where each row came from. dbt staging reads exactly these. Derived at run time: a column
added to a description is added to its raw table (and to a warehouse built before).
"""

from dagster_project.contract import DELIVERIES, Delivery

# Provenance carried on every raw row: the file (relative to raw/), the sheet (XLSX only),
# the row number as a spreadsheet shows it (header = 1), the file's content hash, and any
# columns the contract does not list, as a JSON object.
PROVENANCE_COLUMNS = (
    ("source_file", "VARCHAR"),
    ("source_sheet", "VARCHAR"),
    ("source_row", "BIGINT"),
    ("source_hash", "VARCHAR"),
    ("extra", "VARCHAR"),
)

AUDIT_TABLES = {
    "ingest_ledger": (
        ("table_name", "VARCHAR"),
        ("file", "VARCHAR"),
        ("content_hash", "VARCHAR"),
        ("sheet", "VARCHAR"),
        ("status", "VARCHAR"),  # loaded | rejected | skipped | replaced | removed
        ("rows_read", "BIGINT"),
        ("rows_loaded", "BIGINT"),
        ("rows_quarantined", "BIGINT"),
        ("message", "VARCHAR"),
        ("is_current", "BOOLEAN"),
        ("ingested_at", "TIMESTAMP"),
        ("rows_skipped", "BIGINT"),  # rows read as layout, not data (ledger.py)
        ("skip_note", "VARCHAR"),
        ("snapshot_dates", "VARCHAR"),  # personnel: what the file is for (ledger.py)
        ("province_codes", "VARCHAR"),
    ),
    "quarantine": (
        ("table_name", "VARCHAR"),
        ("file", "VARCHAR"),
        ("content_hash", "VARCHAR"),
        ("sheet", "VARCHAR"),
        ("row_number", "BIGINT"),
        ("column_name", "VARCHAR"),
        ("value", "VARCHAR"),
        ("rule", "VARCHAR"),
        ("message_vi", "VARCHAR"),
        ("message_en", "VARCHAR"),
    ),
}


# What each table's last ingest was checked against (ingest/engine/incremental.py): in the
# working file only, never published.
INGEST_BASIS = (("table_name", "VARCHAR"), ("basis", "VARCHAR"))


def raw_columns(delivery: Delivery) -> list[tuple[str, str]]:
    cols = [(c.name, c.kind.duckdb_type) for c in delivery.columns]
    return cols + list(PROVENANCE_COLUMNS)


def create_table_sql(schema: str, name: str, columns: list[tuple[str, str]] | tuple) -> str:
    body = ",\n  ".join(f'"{n}" {t}' for n, t in columns)
    return f"create table if not exists {schema}.{name} (\n  {body}\n)"


def ensure_schemas(con) -> None:
    """Create raw.* delivery tables and audit.* tables if they do not exist yet; a table
    from an earlier version gains the columns added since. What exists is read first, in one
    query, and only what is missing is created: a statement per column (about 200, 25 ms)
    at every ingest of every delivery cost about a tenth of a small ingest."""
    existing = set(con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where database_name = current_database() and schema_name in ('raw', 'audit')").fetchall())
    present = {(schema, table) for schema, table, _ in existing}
    tables = [("raw", d.name, raw_columns(d)) for d in DELIVERIES.values()]
    tables += [("audit", name, columns) for name, columns in AUDIT_TABLES.items()]
    tables.append(("raw", "ingest_basis", INGEST_BASIS))
    for schema, name, columns in tables:
        if (schema, name) not in present:
            con.execute(f"create schema if not exists {schema}")
            con.execute(create_table_sql(schema, name, columns))
            continue
        for column, kind in columns:
            if (schema, name, column) not in existing:
                con.execute(f'alter table {schema}.{name} add column if not exists "{column}" {kind}')
