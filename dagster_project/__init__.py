"""sapnhap: the data pipeline and DuckDB warehouse for Vietnam's 2025 administrative merger."""
