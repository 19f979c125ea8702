"""Reference stage: the real administrative units and lineage, loaded into raw.ref_*."""

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
)

from dagster_project.failures import explained
from dagster_project.resources import Warehouse
from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.warehouse.reference import (
    REFERENCE_FILES,
    ensure_reference,
    load_reference_table,
)

OWNERS = ["team:sapnhap"]


def _reference_asset(table: str, file_name: str):
    key = AssetKey(["raw", table])

    @asset(
        key=key,
        group_name="reference",
        owners=OWNERS,
        kinds={"csv", "duckdb"},
        pool="duckdb",
        description=(
            f"`raw/reference/{file_name}` loaded as text into raw.{table}. Real public data "
            "(NSO/GSO registries and the official conversion table); see "
            "raw/reference/PROVENANCE.md."
        ),
        check_specs=[
            AssetCheckSpec(
                "rows_reconcile",
                asset=key,
                blocking=True,
                description="Every CSV row is in the table: rows read = rows loaded.",
            )
        ],
    )
    def _load(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
        settings = warehouse.paths()
        ensure_reference(settings.reference_dir, SHIPPED_REFERENCE_DIR)
        with explained(f"loading raw.{table}"), warehouse.working() as con:
            loaded = load_reference_table(con, settings.reference_dir, table)
        context.log.info(f"{file_name}: {loaded.rows_loaded} rows into raw.{table}")
        return MaterializeResult(
            metadata={
                "file": loaded.file,
                "content_hash": loaded.content_hash,
                "rows_read": loaded.rows_read,
                "rows_loaded": loaded.rows_loaded,
                "dagster/row_count": loaded.rows_loaded,
                "provenance": MetadataValue.path(str(settings.reference_dir / "PROVENANCE.md")),
            },
            check_results=[
                AssetCheckResult(
                    check_name="rows_reconcile",
                    passed=loaded.rows_read == loaded.rows_loaded,
                    metadata={"rows_read": loaded.rows_read, "rows_loaded": loaded.rows_loaded},
                )
            ],
        )

    return _load


assets = [_reference_asset(table, file_name) for table, file_name in REFERENCE_FILES.items()]
