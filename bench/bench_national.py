"""National-scale run of the whole pipeline, and the figures the issues ask for.

    .venv/bin/python bench/bench_national.py [--data DIR] [--month 2026-10] [--skip-run]

With no --data, generates `--provinces all` into a temporary folder first. Then it runs the
main job (ingest, dbt, checks, publish, report) in process, and prints:
- wall time, peak memory, and the time of every step;
- the payment audit against the generator's ground truth (`raw/_manifest/payments.csv`):
  every payment the generator made wrong must be flagged with the matching status, and no
  correct one flagged (exit 1 otherwise);
- national and per-province money (Decree 178/67 and 154), the staffing balance and the
  five provinces with the largest surplus and shortage, and the person flows.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

TRUTH_TO_STATUS = {
    "correct": "paid_matches",
    "overpaid": "overpaid",
    "underpaid": "underpaid",
    "unpaid": "unpaid",
    "ineligible": "ineligible",
}


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run_pipeline(month: str) -> tuple[bool, float, list[tuple[str, float]]]:
    from dagster import DagsterInstance

    from dagster_project.partitions import month_start
    from dagster_project.runner import run_month

    started = time.perf_counter()
    ok = run_month(month_start(month)).ok
    elapsed = time.perf_counter() - started
    with DagsterInstance.get() as instance:
        steps = [(s.step_key, s.end_time - s.start_time)
                 for run in instance.get_runs(limit=2)
                 for s in instance.get_run_step_stats(run.run_id) if s.end_time and s.start_time]
    return ok, elapsed, steps


def audit_against_truth(con, manifest: Path) -> bool:
    truth = pl.read_csv(manifest / "payments.csv", infer_schema=False).select("decision_no", "truth")
    found = con.sql("select decision_no, audit_status, is_arrangement_date_assumed "
                    "from marts.fct_policy_entitlement").pl()
    joined = truth.join(found, on="decision_no", how="left")
    table = joined.group_by("truth", "audit_status").len().sort("truth", "audit_status")
    print("\nPayment audit against the generator's ground truth (truth x audit_status):")
    print(table)
    in_mart = joined.filter(pl.col("audit_status").is_not_null())
    expected = in_mart.with_columns(pl.col("truth").replace_strict(TRUTH_TO_STATUS).alias("expected"))
    wrong = expected.filter(pl.col("truth") != "correct")
    correct = expected.filter(pl.col("truth") == "correct")
    missed = wrong.filter(pl.col("audit_status") != pl.col("expected")).height
    false_flags = correct.filter(pl.col("audit_status") != "paid_matches").height
    print(f"decisions in the manifest: {truth.height}; in the mart: {in_mart.height}; "
          f"quarantined at ingest: {truth.height - in_mart.height}")
    print(f"wrong payments (overpaid, underpaid, unpaid, ineligible): {wrong.height}, "
          f"found with the right status: {wrong.height - missed}, missed: {missed}")
    flagged = correct.filter(pl.col("audit_status") != "paid_matches")
    assumed = flagged.filter(pl.col("is_arrangement_date_assumed")).height
    print(f"correct payments: {correct.height}, flagged: {false_flags} "
          f"(of which {assumed} with the arrangement date assumed: the person's pre-merger "
          "roster row was quarantined at ingest)")
    return missed == 0 and false_flags == 0


def print_figures(con, month: str) -> None:
    def show(title: str, sql: str, params=None):
        print(f"\n{title}")
        print(con.sql(sql, params=params) if params else con.sql(sql))

    show("Money by province (all months), VND", """
        select province_code, sum(n_decided) decided, sum(n_left) left_, sum(n_paid) paid,
               sum(paid_vnd) paid_vnd, sum(overpaid_vnd) overpaid_vnd, sum(underpaid_vnd) underpaid_vnd
        from marts.rpt_policy_money_by_province_month group by 1 order by 1""")
    show("National money", """
        select decree, count(*) decisions, count(*) filter (where is_eligible) eligible,
               sum(total_vnd) computed_vnd, sum(amount_paid_vnd) paid_vnd,
               count(*) filter (where audit_status = 'unpaid') unpaid,
               count(*) filter (where audit_status = 'overpaid') overpaid,
               count(*) filter (where audit_status = 'underpaid') underpaid,
               count(*) filter (where audit_status = 'ineligible') ineligible
        from marts.fct_policy_entitlement group by 1 order by 1""")
    params = [f"{month}-01"]
    show("National staffing balance", """
        select report_month, headcount_in_quota_with_quota in_quota, staffing_quota, surplus
        from marts.rpt_staffing_balance_national where report_month = ?::date""", params)
    show("Largest surplus", """
        select province_code, surplus from marts.rpt_staffing_balance_province
        where report_month = ?::date order by surplus desc limit 5""", params)
    show("Largest shortage", """
        select province_code, surplus from marts.rpt_staffing_balance_province
        where report_month = ?::date order by surplus limit 5""", params)
    show("Person flows", "select * from marts.rpt_person_flows_national")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, help="SAPNHAP_DATA_DIR (generated if it has no personnel)")
    ap.add_argument("--month", default="2026-10")
    ap.add_argument("--skip-run", action="store_true", help="only read an existing published warehouse")
    args = ap.parse_args(argv)
    data = (args.data or Path(tempfile.mkdtemp(prefix="sapnhap_national_")) / "data").resolve()
    os.environ["SAPNHAP_DATA_DIR"] = str(data)
    from dagster_project.cli import has_personnel
    from dagster_project.dagster_home import ensure_dagster_home
    from dagster_project.settings import get_settings

    ensure_dagster_home(Path(tempfile.mkdtemp(prefix="sapnhap_bench_home_")))
    settings = get_settings()
    if not has_personnel(settings.raw_dir):
        from dagster_project.synth import generate

        started = time.perf_counter()
        generate(settings.raw_dir, provinces="all", progress=True)
        print(f"generated national data in {time.perf_counter() - started:.0f} s")
    ok = True
    if not args.skip_run:
        ok, elapsed, steps = run_pipeline(args.month)
        print(f"\npipeline {'succeeded' if ok else 'FAILED'} in {elapsed:.0f} s; peak RSS {peak_rss_mb():.0f} MB")
        for key, seconds in steps:
            print(f"  {key:45s} {seconds:8.1f} s")
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        ok = audit_against_truth(con, settings.raw_dir / "_manifest") and ok
        print_figures(con, args.month)
    finally:
        con.close()
    print(f"\npublished warehouse: {settings.published_path} "
          f"({settings.published_path.stat().st_size / 1e6:.0f} MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
