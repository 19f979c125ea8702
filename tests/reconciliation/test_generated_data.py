"""The reconciliation and staffing marts on generated data, end to end.

One small province (04 Cao Bằng, unchanged by the merger; clean files, rosters through
2025-12) is generated, ingested into a fresh DuckDB file and built with dbt. The marts are
then checked against what this test computes itself from the raw tables, and against the
generator's ground truth (`_manifest/leavers.csv`, `_manifest/transfers.csv`), which is
written independently of any SQL here.
"""

import hashlib
import os
import subprocess
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dagster_project.dbt_project import run_dbt
from dagster_project.ingest import ingest_all
from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.synth import generate
from dagster_project.warehouse.ddl import ensure_schemas
from dagster_project.warehouse.reference import REFERENCE_FILES, load_reference_table

SELECTION = ["path:models/intermediate/reconciliation", "path:models/marts/staffing", "staffing_framework"]
# The generator's leave reasons -> the reconciliation's left_reason.
EXPECTED_REASON = {
    "decree_178": "decision",
    "decree_154": "decision",
    "retirement": "retirement",
    "unexplained": "unexplained",
}


def _dbt(args: list[str], warehouse: Path, target: Path) -> subprocess.CompletedProcess:
    return run_dbt([*args, "--target-path", str(target / "target"), "--log-path", str(target / "logs")],
                   warehouse, check=False, capture_output=True, text=True)


def _frame(con, sql: str) -> pl.DataFrame:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return pl.DataFrame(cursor.fetchall(), schema=columns, orient="row", infer_schema_length=None)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("recon")
    raw_dir = root / "raw"
    generate(raw_dir, provinces="04", through="2025-12", seed=7, clean=True, progress=False)
    warehouse = root / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    ensure_schemas(con)
    for table in REFERENCE_FILES:
        load_reference_table(con, SHIPPED_REFERENCE_DIR, table)
    ingest_all(con, raw_dir)
    con.close()
    run = _dbt(
        ["build", "--select", *[f"+{s}" for s in SELECTION], "--resource-type", "model", "--resource-type", "seed"],
        warehouse, root,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    # Only the tests whose every parent was built (a report test that also reads a model
    # outside the selection, e.g. one on fct_glide_path and the report marts, is left out).
    # The data tests only: the unit tests read given rows, not these, and run once in
    # tests/dbt/test_dbt_unit_tests.py (here they took 6.9 of 14.6 s).
    test = _dbt(["test", "--select", *SELECTION, "--indirect-selection", "buildable",
                 "--exclude-resource-type", "unit_test"], warehouse, root)
    con = duckdb.connect(str(warehouse), read_only=True)
    yield {"con": con, "raw_dir": raw_dir, "dbt_test": test}
    con.close()


def _person_key(national_id: str) -> str:
    key = os.environ.get("SAPNHAP_PSEUDONYM_KEY", "sapnhap-demo-key")
    return hashlib.sha256(f"{key}|{national_id}".encode()).hexdigest()[:24]


def _manifest(raw_dir: Path, name: str) -> pl.DataFrame:
    frame = pl.read_csv(raw_dir / "_manifest" / name, schema_overrides={"national_id": pl.Utf8})
    return frame.with_columns(
        pl.col("national_id").map_elements(_person_key, return_dtype=pl.Utf8).alias("person_key")
    )


def test_dbt_data_tests_pass_on_generated_data(built):
    result = built["dbt_test"]
    assert result.returncode == 0, result.stdout[-4000:]
    assert "ERROR=0" in result.stdout and "PASS=" in result.stdout


# Counted here from the raw tables, independently of the dbt models: a report month's roster
# is each province's latest roster in the month (docs/delivery_contract.md), the province being that of
# the row's unit in the snapshot's period.
MONTH_ROSTER_SQL = """
    with placed as (
        select
            p.national_id,
            p.snapshot_date,
            date_trunc('month', p.snapshot_date)::date as report_month,
            u.province_code
        from raw.personnel p
        inner join raw.units u
            on u.unit_code = p.unit_code
            and u.period = case when p.snapshot_date < date '2025-07-01' then 'pre' else 'post' end
    ),

    selected as (
        select * from placed
        qualify snapshot_date = max(snapshot_date) over (partition by report_month, province_code)
    )

    select report_month, count(distinct national_id) from selected group by report_month
"""


def test_flows_balance_every_month_against_raw_roster_counts(built):
    con = built["con"]
    before = con.execute(
        "select count(distinct national_id) from raw.personnel where snapshot_date < date '2025-07-01'"
    ).fetchone()[0]
    now = dict(con.execute(MONTH_ROSTER_SQL).fetchall())
    assert before > 1000
    national = _frame(con, "select * from marts.rpt_person_flows_national order by report_month")
    province = _frame(
        con, "select * from marts.rpt_person_flows_province where province_code = '04' order by report_month"
    )
    months = sorted(m for m in now if m.isoformat() >= "2025-07-01")
    assert national["report_month"].to_list() == months
    assert province["report_month"].to_list() == months
    for row, prow in zip(national.iter_rows(named=True), province.iter_rows(named=True), strict=True):
        assert row["persons_before"] == before
        assert row["persons_now"] == now[row["report_month"]] > 1000
        assert before == row["stayed"] + row["moved"] + row["left_total"]
        assert row["persons_now"] == row["stayed"] + row["moved"] + row["joined"]
        # One province (04, unchanged by the merger): its rows are the nation's.
        assert prow["persons_before"] == before
        assert prow["persons_now"] == row["persons_now"]
        assert prow["persons_before"] == prow["stayed_out"] + prow["moved_out"] + prow["left_total"]
        assert prow["persons_now"] == prow["stayed_in"] + prow["moved_in"] + prow["joined"]
    # The reconciliation is the latest month of the flows.
    last = national.row(-1, named=True)
    outcomes = dict(con.execute(
        "select outcome, count(*) from marts.fct_person_reconciliation group by outcome"
    ).fetchall())
    assert (outcomes.get("stayed", 0), outcomes.get("moved", 0), outcomes.get("left", 0),
            outcomes.get("joined", 0)) == (last["stayed"], last["moved"], last["left_total"], last["joined"])


def test_leavers_are_explained_as_the_generator_made_them(built):
    con = built["con"]
    leavers = _manifest(built["raw_dir"], "leavers.csv")
    assert set(leavers["reason"].unique()) >= {"decree_178", "retirement", "unexplained"}
    reconciled = _frame(con, "select person_key, outcome, left_reason from marts.fct_person_reconciliation")
    # A decision that ingest quarantined cannot explain anything: such a leaver is unexplained.
    loaded = {row[0] for row in con.execute("select distinct national_id from raw.decisions").fetchall()}
    expected = leavers.with_columns(
        pl.when(pl.col("reason").str.starts_with("decree_") & ~pl.col("national_id").is_in(list(loaded)))
        .then(pl.lit("unexplained"))
        .otherwise(pl.col("reason").replace_strict(EXPECTED_REASON, default=None))
        .alias("expected_reason")
    )
    joined = expected.join(reconciled, on="person_key", how="left")
    assert joined["outcome"].null_count() == 0
    assert set(joined["outcome"].unique()) <= {"left", "joined_then_left"}
    assert (joined["expected_reason"] == "decision").sum() > 1000
    wrong = joined.filter(pl.col("left_reason") != pl.col("expected_reason"))
    assert wrong.height == 0, wrong.head(10)
    # and nobody else left: every leaver of the marts is in the ground truth
    gone = reconciled.filter(pl.col("outcome").is_in(["left", "joined_then_left"]))
    assert gone.join(leavers, on="person_key", how="anti").height == 0


def test_moved_persons_are_the_generated_transfers(built):
    con = built["con"]
    transfers = _manifest(built["raw_dir"], "transfers.csv")
    moved = _frame(con, "select person_key from marts.fct_person_reconciliation where outcome = 'moved'")
    assert moved.height > 0
    assert moved.join(transfers, on="person_key", how="anti").height == 0


def test_staffing_balance_matches_raw_tables(built):
    con = built["con"]
    latest = con.execute("select max(snapshot_date) from raw.personnel").fetchone()[0]
    # The civil-servant balance (docs/rules.md S4): cadres and civil servants of the units
    # whose quota is a civil-servant quota, i.e. every unit but the public service units.
    raw_headcount, raw_in_quota = con.execute(
        """
        select count(distinct p.national_id),
               count(distinct p.national_id) filter (
                   where p.staff_category in ('cadre', 'civil_servant')
                   and u.unit_kind <> 'public_service')
        from raw.personnel p
        left join raw.units u on u.unit_code = p.unit_code and u.period = 'post'
        where p.snapshot_date = ?
        """,
        [latest],
    ).fetchone()
    raw_quota = con.execute(
        "select sum(staffing_quota) from raw.units where period = 'post' and unit_kind <> 'public_service'"
    ).fetchone()[0]
    month = latest.replace(day=1)
    national = _frame(
        con, f"select * from marts.rpt_staffing_balance_national where report_month = date '{month}'"
    ).row(0, named=True)
    assert national["headcount"] == raw_headcount
    assert national["headcount_in_quota"] == raw_in_quota
    assert national["staffing_quota"] == raw_quota
    assert national["surplus"] == national["gross_surplus"] - national["gross_shortage"]


def test_redeployment_and_glide_path_are_consistent(built):
    con = built["con"]
    unresolved = _frame(con, "select * from marts.rpt_redeployment_unresolved")
    assert unresolved.height > 0
    for row in unresolved.iter_rows(named=True):
        assert row["moved"] <= min(row["gross_surplus"], row["gross_shortage"])
        assert min(row["unresolved_surplus"], row["unresolved_shortage"]) == 0
    glide = _frame(
        con,
        "select * from marts.fct_glide_path where province_code = '04' order by projection_month",
    )
    assert glide["projection_month"][-1].isoformat() == "2030-12-01"
    projected = glide["projected_headcount_in_quota"].to_list()
    assert all(a >= b for a, b in zip(projected, projected[1:], strict=False))
    assert projected[-1] < projected[0]
    base = glide.row(0, named=True)
    balance = _frame(
        con,
        "select surplus from marts.rpt_staffing_balance_province "
        f"where province_code = '04' and report_month = date '{base['base_month']}'",
    )
    assert base["projected_surplus"] == balance["surplus"][0]
    close = glide["surplus_close_month"][0]
    first_closed = glide.filter(pl.col("projected_surplus") <= 0)["projection_month"]
    assert close == (first_closed[0] if first_closed.len() else None)
