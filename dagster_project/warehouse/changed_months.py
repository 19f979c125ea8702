"""Which report months a build computes again: the months whose inputs changed since the last
build that finished, and the months that read them.

After ingest, the inputs of the build are summed up as fingerprints (`input_fingerprints`):
one per month (the roster rows loaded with a snapshot date in that month, every column but
where the row came from; the decisions with a leave date in it; the roster files of that month
that were rejected, which make its province's month `rejected`; and what the month's cohort
reads of the next month: the roster rows dated and the decisions leaving on its first day,
the day the cohort's hypothetical leave starts), and one, `*`, for everything
else a build reads (units, lineage, the reference data, a decision without a leave date, the
code, the pseudonym key, dbt and DuckDB, the provinces that have any roster). A file that is only renamed or sent again with the same rows changes
nothing; a yearly Parquet file replaced by one with one more month changes that month only; a
workbook's instructions sheet, skipped, changes nothing.

The months to rewrite (`months_to_rewrite`) start `margin()` months before the first month
whose fingerprint changed (pre-merger months included: the cohort has them) and run to the
last month with data, before or after: a month's
delivery status compares its headcount with reference_window_months either side (seed
delivery_expectations), and the person months of a month read the statuses of the months
before it. Everything changes (None: a full build) when `*` changed, a pre-merger month changed
(every later month reads the last pre-merger roster; June 2025's inputs include the roster rows
dated 1 July 2025, which its cohort reads), or no build has finished on this folder yet.

The models of roster rows (deduplicated rows, retirement points, each month's roster) read
nothing of another month: they are rewritten for the changed months only (`changed`).

The margin is only needed where a month's delivery status changed. Once the main dbt step has
computed the statuses again, the plan is narrowed (`narrowed`): the first month to rewrite is
the first month whose inputs or whose delivery statuses changed (the inputs of a month include
what its cohort reads of the next month's first day, so a change there changes the month
before too). The statuses a build was made from are recorded with its inputs
(`delivery_fingerprints`: every column of int_province_months_delivered but the reference
headcount, which only the delivery marts rebuilt whole read; the month-by-month models read a
province's status, snapshot date and headcount). An added month whose neighbours keep their
statuses, and that brings no roster row dated and no decision leaving on its first day, rewrites
that month alone, not four, of int_person_months_reconciled too: it runs with the
monthly marts, after the statuses (a month of it reads nothing delivered after the month but
the statuses of that month and the months before).

The payment audit's rollups list, for each report month, every decision dated by the end of
it: a decision whose entitlement changed (its roster, its payment, a correction) changes every
month from the month it is dated in, however old. After the main dbt step has computed the
entitlements again, their fingerprints by decision month (`entitlement_fingerprints`) are
compared with those of the last build that finished: the audit's months (`audit_months`) are
the plan's report months and every month from the first decision month whose entitlements
changed. Without fingerprints to compare with, every month.

The main dbt step plans the months, keeps the plan for its run (`plan`) and narrows it
after its dbt build (`narrow_plan`); the step of the monthly models and the rollups reads it
(`planned`) and, when the run also asked for other months, widens it (`widen`); publish
reads what was rewritten; the last step of a successful run
makes its inputs the ones the next run compares with (`record`).
"""

import csv
import json
import os
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from dagster_project.partitions import FIRST_MONTH, months_between, shift_month
from dagster_project.settings import DBT_PROJECT_DIR, private_file

# The raw tables summed up month by month; every other one is part of `*`, so a run that
# rewrites some months has all of them as the last finished build had them.
BY_MONTH_INPUTS = ("personnel", "decisions")
STATE_FILE = "month_inputs.json"
PLAN_FILE = "month_inputs_plan.json"
EVERYTHING_ELSE = "*"
PROVENANCE = ("source_file", "source_sheet", "source_row", "source_hash")
WINDOW_SEED = DBT_PROJECT_DIR / "seeds" / "delivery_expectations.csv"


def margin() -> int:
    """How many months before the first changed month are rewritten too (before their delivery
    statuses are computed again)."""
    with open(WINDOW_SEED, newline="", encoding="utf-8") as f:
        window = next(int(float(row["value"])) for row in csv.DictReader(f)
                      if row["parameter"] == "reference_window_months")
    return max(window, 0)


def _rows_hash(con, table: str, where: str = "true", group: str | None = None) -> list[tuple]:
    """(group, rows, sum of row hashes) of a raw table, without its provenance columns."""
    columns = [c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw' "
        "and table_name = ? order by ordinal_position", [table]).fetchall() if c not in PROVENANCE]
    listed = ", ".join(f'"{c}"' for c in columns)
    key = group or "''"
    return con.execute(
        f"select {key} as g, count(*), coalesce(sum(hash(row({listed}))::hugeint), 0)::varchar "
        f"from raw.\"{table}\" where {where} group by all order by 1").fetchall()


def input_fingerprints(con) -> dict[str, str]:
    """'YYYY-MM' -> the fingerprint of the month's inputs; '*' -> everything else."""
    from dagster_project.warehouse.raw_files import code_fingerprint, key_fingerprint

    months: dict[str, list[str]] = {}

    def add(key: str | None, entry: str) -> None:
        months.setdefault(key or EVERYTHING_ELSE, []).append(entry)

    for month, rows, total in _rows_hash(con, "personnel", group="strftime(snapshot_date, '%Y-%m')"):
        add(month, f"rows:{rows}:{total}")
    # A decision counts from its leave month: the leavers and the cohorts of that month on.
    for month, rows, total in _rows_hash(con, "decisions", group="strftime(leave_date, '%Y-%m')"):
        add(month, f"decisions:{rows}:{total}")
    # The cohort of a month leaves on the first day of the next (int_policy_cohort_candidates):
    # a decision leaving that day takes the person out of it, and a roster row dated that day is
    # the row its entitlement is computed from (int_policy_decisions_joined). Both count for the
    # month before theirs too; nothing else of a later month does.
    for table, column in (("personnel", "snapshot_date"), ("decisions", "leave_date")):
        for month, rows, total in _rows_hash(
                con, table, where=f"day({column}) = 1",
                group=f"strftime({column} - interval 1 day, '%Y-%m')"):
            add(month, f"{table} on the first day of the next month:{rows}:{total}")
    # Of the roster files not loaded, only a rejected file says something about its months
    # (int_province_months_delivered); a skipped instructions sheet, a replaced file do not.
    rejected = con.execute(
        "select file, coalesce(snapshot_dates, ''), coalesce(province_codes, ''), "
        "coalesce(message, '') from audit.ingest_ledger "
        "where table_name = 'personnel' and is_current and status = 'rejected' order by all").fetchall()
    for file, dates, provinces, message in rejected:
        for key in {d.strip()[:7] for d in dates.split(",") if d.strip()}:
            add(key, f"rejected:{file}:{provinces}:{message}")
    # The provinces (old and new) of the units the rosters name: a province's first roster
    # turns every earlier month of it from never delivered to not delivered (and adds it to
    # every month's reports), so it changes everything.
    provinces = con.execute(
        "select coalesce(string_agg(distinct units.province_code, ',' order by units.province_code), '') "
        "from (select distinct unit_code from raw.personnel) as roster "
        "join raw.units as units on units.unit_code = roster.unit_code").fetchone()[0]
    add(None, f"roster provinces:{provinces}")
    other = [t for (t,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'raw' "
        "and table_name not in ? order by 1", [[*BY_MONTH_INPUTS, "ingest_basis"]]).fetchall()]
    for table in other:
        add(None, f"{table}:{_rows_hash(con, table)}")
    add(None, f"code:{code_fingerprint()};key:{key_fingerprint()};"
              f"dbt:{version('dbt-core')};duckdb:{version('duckdb')}")
    return {key: "|".join(sorted(values)) for key, values in sorted(months.items())}


DELIVERY_STATUSES = "intermediate.int_province_months_delivered"


def delivery_fingerprints(con) -> dict[str, str]:
    """'YYYY-MM' -> the fingerprint of the month's delivery statuses, as the month-by-month
    models read them (every column but the reference headcount)."""
    return dict(con.execute(
        "select strftime(report_month, '%Y-%m'), md5(string_agg(cast(row(*columns(* exclude "
        "(report_month, reference_headcount))) as varchar), ';' order by province_code)) "
        f"from {DELIVERY_STATUSES} group by all").fetchall())


ENTITLEMENTS = "marts.fct_policy_entitlement"


def entitlement_fingerprints(con) -> dict[str, str]:
    """'YYYY-MM' (the month a decision is dated in) -> the fingerprint of the entitlements of
    the decisions dated in it, every column; '*' for a decision without a date."""
    return dict(con.execute(
        f"select coalesce(strftime(decision_date, '%Y-%m'), '{EVERYTHING_ELSE}'), "
        "count(*) || ':' || coalesce(sum(hash(e))::hugeint, 0) "
        f"from {ENTITLEMENTS} as e group by all").fetchall())


def audit_months(months: list[str] | None, before: dict[str, str] | None, now: dict[str, str],
                 last: str | None) -> list[str] | None:
    """The report months of the payment audit's rollups: the plan's report months (`months`)
    and every month from the first decision month whose entitlements changed (`before`, `now`:
    entitlement_fingerprints) to `last`, the last report month; None (every month) on a full
    build, without fingerprints to compare with, or when a decision without a date changed."""
    if months is None or before is None:
        return None
    changes = [m for m in sorted(set(before) | set(now)) if before.get(m) != now.get(m)]
    if not changes:
        return months
    if EVERYTHING_ELSE in changes or last is None:
        return None
    first = max(changes[0], FIRST_MONTH)
    return sorted(set(months) | set(months_between(first, last) if first <= last else []))


def changed(before: dict[str, str] | None, now: dict[str, str]) -> list[str] | None:
    """The months whose inputs changed, oldest first, or None for a full build."""
    if before is None or before.get(EVERYTHING_ELSE) != now.get(EVERYTHING_ELSE):
        return None
    months = sorted((set(before) | set(now)) - {EVERYTHING_ELSE})
    changes = [m for m in months if before.get(m) != now.get(m)]
    return None if changes and changes[0] < FIRST_MONTH else changes


def months_to_rewrite(before: dict[str, str] | None, now: dict[str, str],
                      months_before: int) -> list[str] | None:
    """The report months to compute again, oldest first ([] when nothing changed), or None
    for a full build."""
    changes = changed(before, now)
    if not changes:
        return changes
    last = max((set(before) | set(now)) - {EVERYTHING_ELSE})
    # Before the merger too: the cohort has the pre-merger months.
    return months_between(shift_month(changes[0], -months_before), last)


def narrowed(months: list[str] | None, input_months: list[str] | None,
             before: dict[str, str] | None, now: dict[str, str]) -> list[str] | None:
    """The plan's report months (`months`, with the margin) without those before the first
    month whose inputs (`input_months`) or delivery statuses changed (`before` and `now`);
    unchanged without statuses to compare with, or on a full build."""
    if not months or not input_months or before is None:
        return months
    statuses = [m for m in sorted(set(before) | set(now)) if before.get(m) != now.get(m)]
    first = min([input_months[0], *statuses])
    return [m for m in months if m >= first]


@dataclass(frozen=True)
class Plan:
    """What a run computes again: None, everything (a full build)."""
    report_months: list[str] | None  # the months of the monthly models (with the margin)
    input_months: list[str] | None  # the months of the roster-row models (exactly those changed)
    audit_months: list[str] | None = None  # the months of the payment audit's rollups


FULL = Plan(None, None)


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(path: Path, content: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(content, indent=1) + "\n", encoding="utf-8")
    private_file(tmp)
    os.replace(tmp, path)


def unfinished(build_dir: Path, run_id: str) -> bool:
    """Another run planned and did not finish (`record` removes the plan of a run that does):
    the months it rewrote before it stopped are not those of the last finished build, so this
    run cannot compare with that build and computes everything."""
    content = _read(build_dir / PLAN_FILE)
    return (build_dir / PLAN_FILE).exists() and (
        not isinstance(content, dict) or content.get("run_id") != run_id)


def plan(con, build_dir: Path, run_id: str) -> Plan:
    """What this run computes again, kept for the run's later steps."""
    import duckdb

    try:
        now = input_fingerprints(con)
    except duckdb.CatalogException:  # a table not ingested: nothing to compare, build it all
        (build_dir / STATE_FILE).unlink(missing_ok=True)
        _write(build_dir / PLAN_FILE, {"run_id": run_id, "months": None, "input_months": None,
                                       "inputs": None})
        return FULL
    state = _read(build_dir / STATE_FILE)
    before = state.get("inputs") if isinstance(state, dict) else None
    if unfinished(build_dir, run_id):
        before = None
    result = Plan(months_to_rewrite(before, now, margin()), changed(before, now))
    _write(build_dir / PLAN_FILE, {"run_id": run_id, "months": result.report_months,
                                   "input_months": result.input_months, "inputs": now})
    return result


def narrow_plan(con, build_dir: Path, run_id: str) -> Plan | None:
    """After the main dbt step: the plan of this run with its report months narrowed to those
    whose delivery statuses make them change (`narrowed`), the statuses kept to be recorded.
    None when this run has no plan."""
    import duckdb

    content = _read(build_dir / PLAN_FILE)
    if not isinstance(content, dict) or content.get("run_id") != run_id:
        return None
    now = delivery_fingerprints(con)
    state = _read(build_dir / STATE_FILE)
    state = state if isinstance(state, dict) else {}
    months = narrowed(content.get("months"), content.get("input_months"), state.get("statuses"), now)
    try:
        entitlements = entitlement_fingerprints(con)
    except duckdb.CatalogException:  # not built in this run's selection: the audit all again
        entitlements = None
    last = max((m for m in content.get("inputs") or {} if m != EVERYTHING_ELSE), default=None)
    audit = (None if entitlements is None
             else audit_months(months, state.get("entitlements"), entitlements, last))
    _write(build_dir / PLAN_FILE, {**content, "months": months, "statuses": now,
                                   "entitlements": entitlements, "audit_months": audit})
    return Plan(months, content.get("input_months"), audit)


def planned(build_dir: Path, run_id: str) -> Plan | None:
    """The plan of this run; None for a run without the main dbt step (a backfill of the
    monthly marts alone)."""
    content = _read(build_dir / PLAN_FILE)
    if not isinstance(content, dict) or content.get("run_id") != run_id:
        return None
    return Plan(content.get("months"), content.get("input_months"), content.get("audit_months"))


def widen(build_dir: Path, run_id: str, months: list[str] | None) -> None:
    """The monthly marts of this run were rewritten for `months` (the plan's and the months the
    run asked for): what the later steps (publish) take as changed."""
    content = _read(build_dir / PLAN_FILE)
    if isinstance(content, dict) and content.get("run_id") == run_id and content.get("months") != months:
        _write(build_dir / PLAN_FILE, {**content, "months": months})


def record(build_dir: Path, run_id: str) -> bool:
    """The run finished every step: its inputs are what the next run compares with."""
    content = _read(build_dir / PLAN_FILE)
    if not isinstance(content, dict) or content.get("run_id") != run_id or not content.get("inputs"):
        return False
    _write(build_dir / STATE_FILE, {"inputs": content["inputs"], "statuses": content.get("statuses"),
                                    "entitlements": content.get("entitlements")})
    (build_dir / PLAN_FILE).unlink(missing_ok=True)
    return True
