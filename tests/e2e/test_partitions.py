"""Months as Dagster partitions: the monthly marts (fct_staffing_balance,
fct_staffing_balance_field, fct_policy_cohort) are recorded month by month, and a run for some
months rewrites those months only, with the same result as a full build.

These reuse the e2e run (a full `sapnhap run` on 04 and the merged 37, two broken months of
37) and run only the monthly marts' dbt step on a copy of its working warehouse, for one month.
That months computed again leave every table, rollups included, as a full build does is
tests/e2e/test_incremental_build.py.
"""

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance

from dagster_project.partitions import months_between, range_tags
from tests.e2e.conftest import E2E_THROUGH

pytestmark = pytest.mark.e2e

MONTHLY = ["fct_staffing_balance", "fct_staffing_balance_field", "fct_policy_cohort"]
# 37's August roster of old Nam Định is rejected: a month whose rows say so.
MONTH = "2025-08"
STAMPS = {  # a mark that no build writes, on a column without a test
    "fct_staffing_balance": "unit_name = unit_name || ' #stamp'",
    "fct_staffing_balance_field": "unit_code = unit_code || '#stamp'",
    "fct_policy_cohort": "unit_code = coalesce(unit_code, '') || '#stamp'",
}


def _build_months(first: str, last: str) -> None:
    """The monthly marts' dbt step over the partitions first..last, in process."""
    from dagster_project.assets.transform import sapnhap_dbt_by_month
    from dagster_project.definitions import defs
    from dagster_project.jobs import MAIN_JOB

    keys = set(sapnhap_dbt_by_month.keys)
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(MAIN_JOB).execute_in_process(
            instance=instance, asset_selection=sorted(keys), tags=range_tags(first, last),
            raise_on_error=False)
        assert result.success, [str(e.event_specific_data.error) for e in result.all_events
                                if e.is_step_failure]
        recorded = {k: instance.get_materialized_partitions(AssetKey(["marts", k])) for k in MONTHLY}
    assert recorded == {k: set(months_between(first, last)) for k in MONTHLY}


def test_every_month_is_a_partition_recorded_by_the_full_build(e2e_run):
    """The UI shows each month's status: the full build recorded every month it built."""
    assert e2e_run.success, e2e_run.result.stdout + e2e_run.result.stderr
    with DagsterInstance.from_config(str(e2e_run.dagster_home)) as instance:
        recorded = {k: instance.get_materialized_partitions(AssetKey(["marts", k])) for k in MONTHLY}
    # The run's clock (faketime, conftest) is 1 November 2026: July 2025 to October 2026.
    every = set(months_between("2025-07", "2026-10"))
    assert recorded == {k: every for k in MONTHLY}
    con = duckdb.connect(str(e2e_run.settings.published_path), read_only=True)
    try:
        with_data = {f"{m:%Y-%m}" for (m,) in con.execute(
            "select distinct report_month from marts.fct_staffing_balance").fetchall()}
    finally:
        con.close()
    assert MONTH in with_data and E2E_THROUGH in with_data and with_data <= every


def test_a_month_run_leaves_the_other_months_rows_alone(e2e_run, run_copy):
    settings = run_copy
    con = duckdb.connect(str(settings.working_path))
    try:
        for table, stamp in STAMPS.items():
            con.execute(f"update marts.{table} set {stamp}")  # every month, this one too
        stamped = {t: con.execute(f"select count(*) from marts.{t} where report_month <> date '{MONTH}-01'")
                   .fetchone()[0] for t in MONTHLY}
    finally:
        con.close()
    _build_months(MONTH, MONTH)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{settings.working_path}' as partial (read_only)")
        con.execute(f"attach '{e2e_run.settings.working_path}' as full_build (read_only)")
        columns = {"fct_staffing_balance": "unit_name", "fct_staffing_balance_field": "unit_code",
                   "fct_policy_cohort": "unit_code"}
        for table, column in columns.items():
            month = f"report_month = date '{MONTH}-01'"
            # Every other month keeps its rows, stamps and all ...
            kept = con.execute(f"select count(*) from partial.marts.{table} "
                               f"where not ({month}) and {column} like '%#stamp'").fetchone()[0]
            assert kept == stamped[table] > 0, table
            # ... and the month asked for is computed again, as a full build has it.
            rebuilt = con.execute(f"select count(*) from partial.marts.{table} where {month}").fetchone()[0]
            assert rebuilt > 0, table
            for a, b in (("partial", "full_build"), ("full_build", "partial")):
                assert con.execute(
                    f"select count(*) from (select * from {a}.marts.{table} where {month} "
                    f"except all select * from {b}.marts.{table} where {month})").fetchone()[0] == 0, table
    finally:
        con.close()
