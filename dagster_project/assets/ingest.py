"""Ingest stage: raw/<table>/ files -> raw.<table> + audit.quarantine + audit.ingest_ledger.

Thin wiring around dagster_project.ingest: open the working warehouse, ingest one table, close
(checkpoint), report rows read / loaded / quarantined and the top quarantine reasons.
"""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from dagster_project.failures import explained
from dagster_project.ingest import ORDER, IngestResult, ingest_table
from dagster_project.ingest.rules import RULES
from dagster_project.resources import Warehouse

OWNERS = ["team:sapnhap"]
REFERENCE_DEPS = [AssetKey(["raw", "ref_units_pre"]), AssetKey(["raw", "ref_units_post"])]
DESCRIPTIONS = {
    "units": "Agency registries before and after the merger (raw/units/), validated against the "
             "real reference units; one row per agency and period.",
    "lineage": "Agency lineage old -> new (raw/lineage/); both ends must be known units and the "
               "shares of an old unit add up to 1.",
    "personnel": "Staff rosters (raw/personnel/), one row per person per snapshot date; national ID "
                 "cross-checked with sex and birth year, unit codes checked for the snapshot's period, "
                 "duplicates in a snapshot quarantined (the first in delivery order is kept).",
    "decisions": "Leave decisions and payments under Decrees 178/67, 154, 177 (raw/decisions/); the "
                 "person must be in some roster; one decision number lists many people, but the same "
                 "number for the same person twice is quarantined (the first in delivery order is kept).",
}


def _gist(template: str) -> str:
    """A rule's message without its placeholders, up to the first colon."""
    text = template.split(":")[0]
    for placeholder in ("{column}", "{value}", "{detail}"):
        text = text.replace(placeholder, "…")
    return text


def reasons_markdown(result: IngestResult, limit: int = 10) -> str:
    if not result.top_reasons:
        return "Không có dòng nào bị cách ly. / No row quarantined."
    lines = ["| quy tắc / rule | số dòng / rows | lý do | meaning |", "|---|---|---|---|"]
    for rule, n in result.top_reasons[:limit]:
        lines.append(f"| `{rule}` | {n:,} | {_gist(RULES[rule].vi)} | {_gist(RULES[rule].en)} |")
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
        description=DESCRIPTIONS[table],
    )
    def _ingest(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
        with explained(f"ingest of raw.{table}"), warehouse.working() as con:
            result = ingest_table(con, warehouse.paths().raw_dir, table)
        context.log.info(
            f"raw.{table}: {result.rows_read} rows read, {result.rows_loaded} loaded, "
            f"{result.rows_quarantined} quarantined from {len(result.files)} file(s)/sheet(s)"
        )
        return MaterializeResult(metadata=metadata(result))

    return _ingest


def _deps(table: str) -> list[AssetKey]:
    i = ORDER.index(table)
    return REFERENCE_DEPS if i == 0 else [AssetKey(["raw", ORDER[i - 1]])]


assets = [_ingest_asset(table, _deps(table)) for table in ORDER]
asset_checks: list = []  # the checks on these tables live in assets/quality.py
