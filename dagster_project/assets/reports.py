"""Reports stage: the monthly report pack, one partition per month, from the published marts."""

from datetime import timedelta

from dagster import (
    AssetExecutionContext,
    AssetKey,
    FreshnessPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from dagster_project.assets.publish import PUBLISHED_WAREHOUSE
from dagster_project.failures import explained
from dagster_project.partitions import TIMEZONE, month_start, monthly_partitions
from dagster_project.reports.build import NoDataForMonth, write_pack
from dagster_project.resources import Warehouse


@asset(
    key=AssetKey(["reports", "monthly_report_pack"]),
    deps=[PUBLISHED_WAREHOUSE],
    partitions_def=monthly_partitions,
    group_name="reports",
    owners=["team:sapnhap"],
    kinds={"excel", "html"},
    pool="duckdb",
    output_required=False,
    # Provinces deliver the month just ended in its first days: a pack is expected to have
    # been written in the month before 06:00 on the 10th (Vietnam time), else the UI shows
    # the report as overdue.
    freshness_policy=FreshnessPolicy.cron(deadline_cron="0 6 10 * *",
                                          lower_bound_delta=timedelta(days=28), timezone=TIMEZONE),
    description=(
        "Báo cáo tháng: for the month of the partition, an Excel workbook (official forms "
        "01-11/BC-SN in Vietnamese, real charts, printable) and a self-contained HTML page for "
        "the nation and for each province, in `marts/reports/<YYYY-MM>/`, laid out from the "
        "`marts.rpt_report_*` models of the published warehouse (every figure as of the month). "
        "A pack already on disk for the month is compared first: a report whose figures changed "
        "is marked Báo cáo điều chỉnh and lists what changed. A month without any roster "
        "writes nothing: the run succeeds, says why, and the partition stays missing."
    ),
)
def monthly_report_pack(context: AssetExecutionContext, warehouse: Warehouse):
    settings = warehouse.paths()
    month = month_start(context.partition_key)
    try:
        with explained(f"report {month:%m/%Y}"):
            pack = write_pack(settings.published_path, month, settings.reports_dir)
    except NoDataForMonth as missing:
        context.log.warning(f"No report for {month:%m/%Y}: {missing}")
        return
    context.log.info(f"Wrote {len(pack.files)} files to {pack.folder}")
    if pack.restated:
        context.log.warning(f"Restated for {month:%m/%Y} (figures changed since the pack on disk): "
                            f"{', '.join(pack.restated)}")
    yield MaterializeResult(metadata={
        "folder": MetadataValue.path(str(pack.folder)),
        "files": len(pack.files),
        "scopes": MetadataValue.json(pack.scopes),
        "restated": MetadataValue.json(pack.restated),
    })


assets = [monthly_report_pack]
