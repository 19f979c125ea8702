"""Publish stage: when every upstream asset and blocking check has passed in the run,
the working warehouse atomically replaces data/marts/warehouse.duckdb."""

import json

import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
)

from dagster_project.assets.transform import assets as dbt_assets
from dagster_project.assets.transform import tables_by_report_month
from dagster_project.dbt_project import dbt_project, generate_docs
from dagster_project.failures import explained
from dagster_project.quality.deliveries import describe, latest_month, markdown, missing_deliveries
from dagster_project.resources import Warehouse
from dagster_project.warehouse import changed_months
from dagster_project.warehouse.publish import as_published, export_parquet, publish, remember
from dagster_project.warehouse.raw_files import build_fingerprint, record_built, record_published

PUBLISHED_WAREHOUSE = AssetKey(["published", "warehouse"])
DELIVERY_CHECK = "every_province_delivered"


def delivery_check(published) -> AssetCheckResult:
    """A warning naming every province whose month is not delivered in full (read from the
    published file: the month's report is provisional until they arrive)."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        missing = missing_deliveries(con)
        latest = latest_month(con)
    finally:
        con.close()
    in_latest = [m for m in missing if m.report_month == latest]
    summary = "; ".join(describe(m) for m in in_latest) or (
        f"Latest month complete; {len(missing)} earlier province-month(s) not delivered in full"
        if missing else "Every province delivered every month in full.")
    return AssetCheckResult(
        check_name=DELIVERY_CHECK,
        passed=not missing,
        severity=AssetCheckSeverity.WARN,
        description=summary,
        metadata={
            "latest_month": str(latest) if latest else "",
            "missing_in_latest_month": MetadataValue.json([describe(m) for m in in_latest]),
            "province_months_missing": len(missing),
            "missing": MetadataValue.md(markdown(missing)),
        },
    )


@asset(
    key=PUBLISHED_WAREHOUSE,
    deps=sorted({k for a in dbt_assets for k in a.keys}, key=lambda k: k.to_user_string()),
    group_name="publish",
    owners=["team:sapnhap"],
    kinds={"duckdb"},
    pool="duckdb",
    description=(
        "The published warehouse `marts/warehouse.duckdb` that analysts open read-only. "
        "Replaced atomically from the working file only after every upstream step and "
        "blocking check of the run passed; a failed run leaves the previous one untouched."
    ),
    check_specs=[AssetCheckSpec(
        DELIVERY_CHECK, asset=PUBLISHED_WAREHOUSE, blocking=False,
        description="Every province that delivers rosters delivered each month in full; names the "
                    "provinces whose month is incomplete, rejected or not delivered (a warning: the "
                    "month's report is provisional until they arrive).")],
)
def published_warehouse(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
    settings = warehouse.paths()
    fingerprint = build_fingerprint(settings.raw_dir)
    # The months this run's monthly marts rewrote: only their rows are copied again into the
    # file published last (None, a run without the main dbt step, or a published file that is
    # not the one written last: everything).
    plan = changed_months.planned(settings.build_dir, context.run.run_id) or changed_months.FULL
    months = plan.report_months if as_published(settings.build_dir, settings.published_path) else None
    # The tables rewritten by report month: the monthly marts and the `by_month` rollups.
    partitioned = tables_by_report_month(json.loads(dbt_project.manifest_path.read_text(encoding="utf-8")))
    with explained("publish"):
        result = publish(settings.working_path, settings.published_path, months=months,
                         partitioned=partitioned)
    remember(settings.build_dir, result.path)
    context.log.info("Published every table" if months is None else
                     f"Published the rows of {len(months)} month(s) of "
                     f"{len(partitioned)} tables rewritten by month, every other table whole")
    record_published(settings.build_dir, fingerprint)
    context.log.info(f"Published {result.path} ({result.size_bytes:,} bytes)")
    exported = export_parquet(result.path, settings.exports_dir)
    return MaterializeResult(
        check_results=[delivery_check(result.path)],
        metadata={
            "path": MetadataValue.path(str(result.path)),
            "size_bytes": result.size_bytes,
            "tables_by_schema": MetadataValue.json(result.tables),
            "parquet_exports": MetadataValue.path(str(settings.exports_dir)),
            "parquet_rows": MetadataValue.json(exported),
        }
    )


@asset(
    key=AssetKey(["published", "dbt_docs"]),
    deps=[PUBLISHED_WAREHOUSE],
    group_name="publish",
    owners=["team:sapnhap"],
    kinds={"dbt", "html"},
    pool="duckdb",
    description="The dbt documentation of every model and column, as one offline page: `marts/docs/index.html`.",
)
def dbt_docs(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
    settings = warehouse.paths()
    with explained("dbt docs"):
        page, written = generate_docs(settings.working_path, settings.docs_dir, settings.dbt_target_dir)
    if not written:
        context.log.info(f"{page} is current: same dbt project, same tables")
    record_built(settings.build_dir)  # the last step: a run killed before it builds again
    changed_months.record(settings.build_dir, context.run.run_id)
    return MaterializeResult(metadata={"path": MetadataValue.path(str(page)),
                                       "size_bytes": page.stat().st_size,
                                       "written": written})


assets = [published_warehouse, dbt_docs]
