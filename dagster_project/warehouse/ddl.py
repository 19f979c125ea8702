"""Layouts of the tables Python writes: raw.<delivery table>, audit.*.

The raw delivery tables hold the contract's canonical columns (DATA_CONTRACT.md), parsed to
their types, plus where each row came from. dbt staging reads exactly these.
"""

from dagster_project.contract import (
    BOOLEAN,
    CODE,
    DATE,
    DECIMAL,
    ENUM,
    INTEGER,
    TABLES,
    TEXT,
    Table,
)

DUCKDB_TYPES = {
    TEXT: "VARCHAR",
    CODE: "VARCHAR",
    ENUM: "VARCHAR",
    DATE: "DATE",
    DECIMAL: "DOUBLE",
    INTEGER: "BIGINT",
    BOOLEAN: "BOOLEAN",
}

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


def raw_columns(table: Table) -> list[tuple[str, str]]:
    cols = [(c.name, DUCKDB_TYPES[c.kind]) for c in table.columns]
    return cols + list(PROVENANCE_COLUMNS)


def create_table_sql(schema: str, name: str, columns: list[tuple[str, str]] | tuple) -> str:
    body = ",\n  ".join(f'"{n}" {t}' for n, t in columns)
    return f"create table if not exists {schema}.{name} (\n  {body}\n)"


def ensure_schemas(con) -> None:
    """Create raw.* delivery tables and audit.* tables if they do not exist yet."""
    con.execute("create schema if not exists raw")
    con.execute("create schema if not exists audit")
    for table in TABLES.values():
        con.execute(create_table_sql("raw", table.name, raw_columns(table)))
    for name, columns in AUDIT_TABLES.items():
        con.execute(create_table_sql("audit", name, columns))
        for column, kind in columns:  # a warehouse from an earlier version gains new columns
            con.execute(f'alter table audit.{name} add column if not exists "{column}" {kind}')
