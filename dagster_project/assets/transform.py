"""Transform stage: the dbt project (staging -> intermediate -> marts), tests as checks; the
monthly marts partitioned by report month."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetMaterialization,
    BackfillPolicy,
    Failure,
    MetadataValue,
    Output,
)
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    dbt_assets,
)
from dagster_dbt.asset_utils import (
    DAGSTER_DBT_UNIQUE_ID_METADATA_KEY,
    get_manifest_and_translator_from_dbt_assets,
)

from dagster_project.dbt_project import (
    BUILD_COMMAND,
    dbt_environment,
    dbt_project,
    with_parse_state,
)
from dagster_project.failures import dbt_failure, failed_results
from dagster_project.partitions import in_months, monthly_partitions, months_to_build
from dagster_project.resources import DbtCli, Warehouse
from dagster_project.warehouse import changed_months
from dagster_project.warehouse.connect import connect

OWNERS = ["team:sapnhap"]


class SapnhapTranslator(DagsterDbtTranslator):
    """Keys are [schema, name] (so raw.x sources meet the Python assets raw/x), groups are
    the dbt layer (seeds: `parameters`, the figures of the rules, in schema `rules`), one
    owner."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        schema = dbt_resource_props.get("schema") or "main"
        identifier = dbt_resource_props.get("identifier") or dbt_resource_props["name"]
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([schema, identifier])
        return AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "parameters"
        fqn = dbt_resource_props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 else "marts"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return OWNERS


translator = SapnhapTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


# The monthly marts (dbt tag `monthly`: fct_staffing_balance, fct_staffing_balance_field,
# fct_policy_cohort) are partitioned by report month. The dbt project is split in two
# multi-assets around them, so every step of a run is upstream or downstream of the next: the
# models they read, and the monthly models with every model that reads them, in one dbt
# invocation (a dbt process costs about 5 s before it builds anything). The monthly models are
# the monthly marts and int_person_months_reconciled, which is rewritten by report month the
# same way: in the second step, after the first computed the delivery statuses, its months
# are narrowed with theirs (changed_months.narrow_plan). Every model after them is a table, or
# (tag `by_month`) a rollup whose rows of a report month read only that month's rows and are
# rewritten month by month too (a view there would be built whole for any month asked:
# tests/orchestration/test_partitions.py checks there is none).
MONTHLY = "tag:monthly"
PERSON_MONTHS = "int_person_months_reconciled"
DOWNSTREAM = f"{MONTHLY}+ {PERSON_MONTHS}+"
# dbt's threads in a run that builds a few roster rows: those of the months it rewrites, or
# in a full build every row (dbt/profiles.yml keeps any other run to one). Such a run's models
# and tests are small, and one at a time leaves a core idle: with two, an added month's dbt
# steps at national scale (October and the delivery window before it, 1.2 million roster rows,
# then October; the same copy, twice each) took 13.2 and 15.6-17.1 s against 14.3-15.6 and
# 19.0-20.4 s, and wrote the same tables; a full build of the demo set (`make run`, about
# 590,000 roster rows) 26.6-26.8 s against 29.0-30.0 s (the whole run 48.9-52.5 s against
# 51.7-55.2 s; four threads, 26.9 s, no better). Large models side by side run out of memory:
# a full build at national scale (7.0 million rows) with two failed. The limit is a little
# above the largest run measured with two: June to September corrected, 1.2 million rows in
# the monthly step, a 3.1 GB peak for the run.
SMALL_RUN_ROWS = 1_300_000
SMALL_RUN_THREADS = 2
# What the main step narrows the months of the next step by (changed_months.narrow_plan).
DELIVERY_STATUSES = AssetKey(changed_months.DELIVERY_STATUSES.split("."))


def tables_by_report_month(manifest: Mapping[str, Any]) -> frozenset[tuple[str, str]]:
    """(schema, table) of the models rewritten by report month (config meta.month_partition
    on report_month for the run's report months): the monthly marts and the `by_month`
    rollups."""
    return frozenset(
        (node["schema"], node["alias"]) for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and (node["config"].get("meta") or {}).get("month_partition")
        == {"column": "report_month", "months": "report_months"})


def dbt_project_manifest(context: AssetExecutionContext) -> Mapping[str, Any]:
    """The manifest this multi-asset was defined from (held in its metadata)."""
    return get_manifest_and_translator_from_dbt_assets([context.assets_def])[0]


def unchanged_in_a_month_run(manifest: Mapping[str, Any]) -> frozenset[str]:
    """unique_ids of the models, seeds and tests that a run rewriting some months computes
    exactly as the last finished build did: those no source of which is read month by month
    (changed_months.BY_MONTH_INPUTS: the rosters, the decisions) or is the audit log every
    ingest writes. Every other source, the seeds and the code are part of what makes any
    change of them a full build (changed_months: `*`), and no model reads the clock."""
    moving = [uid for uid, source in manifest["sources"].items()
              if source["schema"] != "raw" or source["identifier"] in changed_months.BY_MONTH_INPUTS]
    seen = set(moving)
    while moving:
        for child in manifest["child_map"].get(moving.pop(), []):
            if child not in seen:
                seen.add(child)
                moving.append(child)
    unchanged = {uid for uid, node in manifest["nodes"].items()
                 if node["resource_type"] in ("model", "seed", "test") and uid not in seen}
    # dbt runs a test only with every model it reads, and leaves out the tests of a model it
    # excludes: a test reading an unchanged model and one built again (a new roster row's
    # unit among the units) would not run at all. The unchanged models such a test reads are
    # built again, with the models that read them (Dagster takes a step's models in the order
    # they read each other); at national scale about 1 s of models (units, dimensions). Their
    # own tests are left out still.
    again = [parent for uid, node in manifest["nodes"].items()
             if node["resource_type"] == "test" and uid not in unchanged
             for parent in manifest["parent_map"].get(uid, []) if parent in unchanged]
    while again:
        uid = again.pop()
        if uid in unchanged:
            unchanged.discard(uid)
            again += [c for c in manifest["child_map"].get(uid, []) if not c.startswith("test.")]
    return frozenset(unchanged)


def upstream_first(manifest: Mapping[str, Any], unique_ids: frozenset[str]) -> list[str]:
    """`unique_ids` ordered so that each comes after those of them it reads."""
    ordered: list[str] = []
    done: set[str] = set()

    def visit(uid: str) -> None:
        if uid in done:
            return
        done.add(uid)
        for parent in sorted(manifest["parent_map"].get(uid, [])):
            if parent in unique_ids:
                visit(parent)
        ordered.append(uid)

    for uid in sorted(unique_ids):
        visit(uid)
    return ordered


def unchanged_blocking_checks(context: AssetExecutionContext,
                              unchanged: frozenset[str]) -> dict[str, AssetCheckSpec]:
    """unique_id -> check spec, for the blocking checks of this step that are tests in
    `unchanged`."""
    checks = {}
    for spec in context.assets_def.check_specs:
        uid = spec.metadata.get(DAGSTER_DBT_UNIQUE_ID_METADATA_KEY)
        if spec.blocking and uid in unchanged and spec.key in context.selected_asset_check_keys:
            checks[uid] = spec
    return checks


def threads_args(roster_rows: int) -> list[str]:
    """dbt's --threads for a run whose roster rows to build (those dated in the months it
    rewrites; in a full build, every row) number `roster_rows`: two when they are few, else
    nothing (the profile's one)."""
    if roster_rows <= SMALL_RUN_ROWS:
        return ["--threads", str(SMALL_RUN_THREADS)]
    return []


def roster_rows_in(working: Path, months: list[str] | None) -> int:
    """The roster rows dated in `months` (None: every month)."""
    with duckdb.connect(str(working), read_only=True) as con:
        where = "true" if months is None else in_months(months, "snapshot_date")
        return con.execute(f"select count(*) from raw.personnel where {where}").fetchone()[0]


def build(context: AssetExecutionContext, dbt: DbtCli, warehouse: Warehouse,
          months: list[str] | None = None, input_months: list[str] | None = None,
          audit_months: list[str] | None = None, unchanged: frozenset[str] = frozenset(),
          then_standby: bool = False):
    """`dbt build` of this multi-asset's models (with their tests), row counts as metadata;
    `months` set: only those report months of the monthly models are rewritten;
    `input_months` set: only those snapshot months of the roster-row models; `audit_months`
    set: only those report months of the payment audit's rollups. `unchanged` (unique_ids):
    nodes left as they are, not run; their models and seeds are reported materialized, with
    metadata saying so (the next step runs only once every asset before it is). `then_standby`:
    start the dbt process of the next step meanwhile (resources.DbtCli)."""
    settings = warehouse.paths()
    working = settings.working_path
    manifest = dbt_project_manifest(context) if unchanged else {"nodes": {}}
    args = list(BUILD_COMMAND)
    args += threads_args(roster_rows_in(working, months) if months != [] else 0)
    if unchanged:
        args += ["--exclude", " ".join(sorted(manifest["nodes"][uid]["name"] for uid in unchanged))]
    # Written by the builds of earlier versions: it would describe an older build.
    (settings.dbt_target_dir / "run_results.json").unlink(missing_ok=True)
    with_parse_state(settings.dbt_target_dir)  # a new data folder
    with dbt_environment(months, input_months, audit_months, working):  # read as dbt starts
        invocation = dbt.cli(args, context=context, raise_on_error=False,
                             target_path=settings.dbt_target_dir, then_standby=then_standby)
    for uid in upstream_first(manifest, unchanged):  # the order Dagster wants
        node = manifest["nodes"][uid]
        key = translator.get_asset_key(node)
        if node["resource_type"] != "test" and key in context.selected_asset_keys:
            yield Output(None, output_name=context.assets_def.get_output_name_for_asset_key(key),
                         metadata={"unique_id": uid, "rebuilt": False,
                                   "why": "its inputs are those of the last finished build"})
    # dbt's events as dbt prints them, held until it ends: DuckDB lets no one else open
    # the file while dbt writes, so the row counts are read after. (dagster-dbt's
    # fetch_row_counts waits for the end the same way, but polls in a loop meanwhile,
    # half of one of two cores taken from DuckDB for the whole build.) The failures are
    # read from the same events: the build writes no run_results.json (BUILD_COMMAND).
    events, summary = [], []
    for message in invocation.stream_raw_events():
        if message.raw_event["info"]["name"].startswith("RunResult"):
            summary.append(message.raw_event)
        events.extend(message.to_default_asset_events(
            manifest=invocation.manifest, dagster_dbt_translator=invocation.dagster_dbt_translator,
            context=context, target_path=invocation.target_path, project=invocation.project))
    counts = table_row_counts(working, invocation.manifest, events)
    for event in events:
        count = counts.get(event_unique_id(event))
        yield event if count is None else event.with_metadata(
            {**event.metadata, "dagster/row_count": MetadataValue.int(count)})
    # The blocking tests left out, after their models (some are built again): Dagster warns on
    # the console about each blocking check without a result (about a hundred lines in an
    # added month). The last finished build passed them on the same inputs: a build whose
    # blocking test fails does not finish.
    for uid, spec in unchanged_blocking_checks(context, unchanged).items():
        yield AssetCheckResult(asset_key=spec.asset_key, check_name=spec.name, passed=True,
                               metadata={"unique_id": uid, "rebuilt": False,
                                         "why": "not run: its inputs are those of the last "
                                                "finished build, which passed it"})
    if not invocation.is_successful():
        raise Failure(description=dbt_failure(failed_results(summary)))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    exclude=DOWNSTREAM,
    pool="duckdb",
)
def sapnhap_dbt_models(context: AssetExecutionContext, dbt: DbtCli, warehouse: Warehouse):
    """Seeds, staging, intermediate and the marts that do not read a monthly model. Plans the
    months the run rewrites (warehouse/changed_months.py): the roster-row models here (the
    months whose inputs changed); then, the delivery statuses computed again, narrows the
    months the monthly models and the rollups rewrite in the next step."""
    settings = warehouse.paths()
    with connect(settings.working_path, read_only=True) as con:
        plan = changed_months.plan(con, settings.build_dir, context.run.run_id)
    context.log.info(describe_plan(plan.report_months))
    unchanged = (frozenset() if plan.report_months is None
                 else unchanged_in_a_month_run(dbt_project_manifest(context)))
    if unchanged:
        context.log.info(f"Left as the last finished build made them (their inputs are the same): "
                         f"{len(unchanged)} models, seeds and tests")
    yield from build(context, dbt, warehouse, months=plan.report_months, input_months=plan.input_months,
                     unchanged=unchanged, then_standby=True)
    if DELIVERY_STATUSES not in context.selected_asset_keys:
        return  # statuses not computed again in this run: nothing to narrow by, none recorded
    with connect(settings.working_path, read_only=True) as con:
        narrowed = changed_months.narrow_plan(con, settings.build_dir, context.run.run_id)
    if narrowed is not None and narrowed.report_months != plan.report_months:
        context.log.info(f"The person months, the monthly marts and the rollups: "
                         f"{describe_plan(narrowed.report_months)} "
                         "(the delivery statuses of the months before are unchanged)")


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    select=DOWNSTREAM,
    # A name that sorts before sapnhap_dbt_models: Dagster (1.13) takes the partitions it
    # stores on a run from the asset of the last step by name, and plans every asset of a run
    # whose partitions it stored once per month (creating a full build's run: 1,547 planned
    # events and 3.4 s against 507 and 1.1 s; tests/orchestration/test_partitions.py).
    name="sapnhap_dbt_by_month",
    partitions_def=monthly_partitions,
    # A backfill of any range of months is one run and one dbt invocation.
    backfill_policy=BackfillPolicy.single_run(),
    pool="duckdb",
)
def sapnhap_dbt_by_month(context: AssetExecutionContext, dbt: DbtCli, warehouse: Warehouse):
    """The monthly models (the monthly marts, int_person_months_reconciled) and the models that
    read them (rollups, review, report models), for the months of the run's partition range
    and the months the run's plan rewrites (a range over every partition asks for none more):
    every month at once on a full build. The `by_month` rollups are rewritten for those
    months, the payment audit's rollups for their own months (changed_months.audit_months),
    every other one whole."""
    asked = months_to_build(context.partition_key_range)
    plan = changed_months.planned(warehouse.paths().build_dir, context.run.run_id)
    months = asked if plan is None else plan.report_months
    audit = asked if plan is None else plan.audit_months
    if plan is not None and months is not None and asked is not None:
        months = sorted(set(months) | set(asked))
        changed_months.widen(warehouse.paths().build_dir, context.run.run_id, months)
    if plan is not None and audit is not None and asked is not None:
        audit = sorted(set(audit) | set(asked))
    context.log.info(describe_plan(months))
    if audit != months:
        context.log.info(f"The payment audit: {describe_audit(audit)}")
    yield from build(context, dbt, warehouse, months=months,
                     input_months=plan.input_months if plan else None, audit_months=audit)


def describe_plan(months: list[str] | None) -> str:
    if months is None:
        return "Every month is computed (a full build)"
    if not months:
        return "No month's inputs changed: no month is computed again"
    if len(months) == 1:
        return f"Computing again the month {months[0]}"
    return f"Computing again the months {months[0]} to {months[-1]} ({len(months)})"


def describe_audit(months: list[str] | None) -> str:
    """The months of the payment audit's rollups, when they are not the plan's."""
    if months is None:
        return "every month (no entitlements of a finished build to compare with)"
    return (f"the months {months[0]} to {months[-1]} ({len(months)}), from the first month of a "
            "decision whose entitlement changed") if months else "no month"


def event_unique_id(event) -> str | None:
    """The dbt unique_id of a model's Output or AssetMaterialization, else None."""
    if not isinstance(event, (Output, AssetMaterialization)):
        return None
    unique_id = event.metadata.get("unique_id")
    return getattr(unique_id, "text", unique_id)


def table_row_counts(working: Path, manifest: Mapping[str, Any], events: list) -> dict[str, int]:
    """unique_id -> rows, for the tables (not views) the events say were built: one
    read-only connection, one count(*) each, after dbt has closed the file."""
    tables = {}
    for event in events:
        node = manifest["nodes"].get(event_unique_id(event) or "")
        if node and node["config"]["materialized"] != "view":
            tables[node["unique_id"]] = f'"{node["schema"]}"."{node["alias"]}"'
    if not tables:
        return {}
    with duckdb.connect(str(working), read_only=True) as con:
        return {uid: con.execute(f"select count(*) from {name}").fetchone()[0]
                for uid, name in tables.items()}


assets = [sapnhap_dbt_models, sapnhap_dbt_by_month]
