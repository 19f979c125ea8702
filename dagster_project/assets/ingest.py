"""Ingest stage: raw/<table>/ files -> raw.<table> + audit.quarantine + audit.ingest_ledger.

Thin wiring around dagster_project.ingest: open the working warehouse, ingest one table, close
(checkpoint), report rows read / loaded / quarantined and the top quarantine reasons.
Ingest is incremental (files unchanged since the last ingest keep their rows); with
SAPNHAP_FULL_INGEST=1 in the environment of the run every file is read again.
"""

import os

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from dagster_project.contract import DELIVERIES, REASONS
from dagster_project.failures import explained
from dagster_project.ingest import ORDER, IngestResult, ingest_table
from dagster_project.resources import Warehouse

OWNERS = ["team:sapnhap"]
FULL_INGEST_ENV = "SAPNHAP_FULL_INGEST"
REFERENCE_DEPS = [AssetKey(["raw", "ref_units_pre"]), AssetKey(["raw", "ref_units_post"])]


def _gist(template: str) -> str:
    """A quarantine reason's message without its placeholders, up to the first colon."""
    text = template.split(":")[0]
    for placeholder in ("{column}", "{value}", "{detail}"):
        text = text.replace(placeholder, "…")
    return text


def reasons_markdown(result: IngestResult, limit: int = 10) -> str:
    if not result.top_reasons:
        return "Không có dòng nào bị cách ly. / No row quarantined."
    lines = ["| quy tắc / rule | số dòng / rows | lý do | meaning |", "|---|---|---|---|"]
    for reason, n in result.top_reasons[:limit]:
        lines.append(f"| `{reason}` | {n:,} | {_gist(REASONS[reason].vi)} | {_gist(REASONS[reason].en)} |")
    return "\n".join(lines)


def files_markdown(result: IngestResult) -> str:
    lines = ["| file | sheet | status | read | loaded | quarantined | layout rows skipped |",
             "|---|---|---|---|---|---|---|"]
    for f in result.files:
        lines.append(f"| {f.file} | {f.sheet or ''} | {f.status} | {f.rows_read:,} | {f.rows_loaded:,} "
                     f"| {f.rows_quarantined:,} | {f.rows_skipped:,} {f.skip_note} |")
    return "\n".join(lines)


def metadata(result: IngestResult) -> dict:
    return {
        "files": len({f.file for f in result.files}),
        "files_rejected": len({f.file for f in result.files if f.status == "rejected"}),
        "files_read": result.files_read,
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "top_quarantine_reasons": MetadataValue.md(reasons_markdown(result)),
        "per_file": MetadataValue.md(files_markdown(result)),
        "ledger_changes": MetadataValue.json(result.ledger_changes),
        "dagster/row_count": result.rows_loaded,
    }


def _ingest_asset(table: str, deps: list[AssetKey]):
    @asset(
        key=AssetKey(["raw", table]),
        deps=deps,
        group_name="ingest",
        owners=OWNERS,
        kinds={"polars", "duckdb"},
        pool="duckdb",
        description=DELIVERIES[table].summary,
    )
    def _ingest(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
        with explained(f"ingest of raw.{table}"), warehouse.working() as con:
            result = ingest_table(con, warehouse.paths().raw_dir, table,
                                  full=os.environ.get(FULL_INGEST_ENV, "") not in ("", "0"))
        context.log.info(
            f"raw.{table}: {result.rows_read} rows read, {result.rows_loaded} loaded, "
            f"{result.rows_quarantined} quarantined from {len(result.files)} file(s)/sheet(s); "
            f"{result.files_read} file(s) read this time, the others unchanged"
        )
        return MaterializeResult(metadata=metadata(result))

    return _ingest


def _deps(table: str) -> list[AssetKey]:
    i = ORDER.index(table)
    return REFERENCE_DEPS if i == 0 else [AssetKey(["raw", ORDER[i - 1]])]


assets = [_ingest_asset(table, _deps(table)) for table in ORDER]
asset_checks: list = []  # the checks on these tables live in assets/quality.py
