"""Quality gate on the raw delivery tables, as Dagster asset checks.

Per table raw.<units|lineage|personnel|decisions>:
- `rows_reconcile` (blocking): for every current file, rows read = rows loaded + rows
  quarantined, counted in raw.<table> and audit.quarantine, not copied from the ledger;
- `gx_structure`, `gx_identity` (blocking) and `gx_soft` (severity WARN): the Great
  Expectations suites of dagster_project.quality, on the rows of the files they have not
  passed yet (dagster_project/quality/validated.py: a month's new files, not the whole table).
Each opens the working warehouse read-only (the duckdb pool keeps writers out meanwhile).
"""

from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, MetadataValue, asset_check

from dagster_project.ingest import ORDER, reconcile
from dagster_project.ingest.engine.incremental import stored_basis
from dagster_project.quality import validated
from dagster_project.quality.suites import BLOCKING
from dagster_project.resources import Suites, Warehouse

DESCRIPTIONS = {
    "structure": "Great Expectations: exactly the contract's columns plus provenance.",
    "identity": "Great Expectations: provenance on every row, keys present, well formed and unique "
                "(on the rows of the files not passed before; a key repeated across files is "
                "quarantined by ingest and tested whole by dbt in every build).",
    "soft": "Great Expectations: enumerations and bounds of the contract (warning; on the rows of "
            "the files not passed before).",
}


def _reconcile_check(table: str):
    @asset_check(
        asset=AssetKey(["raw", table]),
        name="rows_reconcile",
        blocking=True,
        pool="duckdb",
        description="Every input row ends in exactly one place: for each current file, rows read = "
                    "rows loaded + rows quarantined, counted in the tables.",
    )
    def _check(warehouse: Warehouse) -> AssetCheckResult:
        from dagster_project.quality.suites import columns_needed

        with warehouse.working(read_only=True) as con:
            # A file the identity suite passed, rows unchanged, holds each source row once:
            # that suite expects it (SOURCE_KEY unique).
            distinct = validated.passed_files(
                warehouse.paths().build_dir, table, "identity", stored_basis(con, table),
                validated.files_in(con, table, columns_needed(table, "identity")))
            report = reconcile(con, table, distinct)
        bad = report.filter(~report["ok"])
        lines = ["| file | sheet | status | read | loaded (found) | quarantined (found) |",
                 "|---|---|---|---|---|---|"]
        for r in bad.head(20).iter_rows(named=True):
            lines.append(f"| {r['file']} | {r['sheet'] or ''} | {r['status']} | {r['rows_read']} | "
                         f"{r['rows_loaded']} ({r['found_loaded']}) | {r['rows_quarantined']} "
                         f"({r['found_quarantined']}) |")
        return AssetCheckResult(
            passed=bad.height == 0,
            metadata={
                "files_checked": report.height,
                "files_failing": bad.height,
                "rows_read": int(report["rows_read"].fill_null(0).sum()),
                "rows_loaded_found": int(report["found_loaded"].sum()),
                "rows_quarantined_found": int(report["found_quarantined"].sum()),
                "failing": MetadataValue.md("\n".join(lines) if bad.height else "none"),
            },
        )

    return _check


def _gx_check(table: str, severity: str):
    @asset_check(
        asset=AssetKey(["raw", table]),
        name=f"gx_{severity}",
        blocking=BLOCKING[severity],
        pool="duckdb",
        description=DESCRIPTIONS[severity],
    )
    def _check(warehouse: Warehouse, suites: Suites) -> AssetCheckResult:
        from dagster_project.quality.suites import SuiteResult, columns_needed

        build_dir = warehouse.paths().build_dir
        with warehouse.working(read_only=True) as con:
            basis = stored_basis(con, table)
            files = validated.files_in(con, table, columns_needed(table, severity)) \
                if severity != "structure" else validated.layout_of(con, table)
            skip = validated.passed_files(build_dir, table, severity, basis, files)
            if validated.nothing_new(con, table, files, skip):
                result = SuiteResult(f"raw_{table}_{severity}", True, 0, rows=0)
            else:
                # structure reads no rows: skip unused
                result = suites.run_suite(con, warehouse.paths().working_path, table, severity, skip)
        if result.success:
            validated.record_passed(build_dir, table, severity, basis, files)
        return AssetCheckResult(
            passed=result.success,
            severity=AssetCheckSeverity.ERROR if BLOCKING[severity] else AssetCheckSeverity.WARN,
            metadata={
                "suite": result.suite,
                "expectations": result.evaluated,
                "rows_validated": result.rows if result.rows is not None else 0,
                "files_passed_before": len(skip - {validated.LAYOUT}),
                "failed": len(result.failures),
                "failures": MetadataValue.md(result.markdown()),
            },
        )

    return _check


assets: list = []
asset_checks = [
    check
    for table in ORDER
    for check in (
        _reconcile_check(table),
        *(_gx_check(table, severity) for severity in ("structure", "identity", "soft")),
    )
]
