"""The DuckDB warehouse: table layouts, connections, and the atomic publish. No Dagster import."""
