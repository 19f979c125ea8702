"""Data quality: Great Expectations suites on the raw delivery tables (pure, no Dagster).

See suites.py; the asset checks that run them are in dagster_project/assets/quality.py, and
README.md here maps each quality dimension to the check that covers it.
"""

from dagster_project.quality.suites import (
    BLOCKING,
    SEVERITIES,
    SuiteResult,
    build_suite,
    run_suite,
    validate_frame,
)

__all__ = ["BLOCKING", "SEVERITIES", "SuiteResult", "build_suite", "run_suite", "validate_frame"]
