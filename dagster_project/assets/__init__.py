"""Thin Dagster wiring, one module per stage. Logic lives in the plain libraries."""
