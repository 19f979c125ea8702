"""Transform stage: the dbt project (staging -> intermediate -> marts), tests as checks."""

from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Failure
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from dagster_project.dbt_project import BUILD_COMMAND, dbt_args, dbt_project
from dagster_project.failures import dbt_failure
from dagster_project.resources import Warehouse

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


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool="duckdb",
)
def sapnhap_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    invocation = dbt.cli(dbt_args(BUILD_COMMAND, warehouse.paths().working_path), context=context,
                         raise_on_error=False)
    try:
        # Row counts of every model as metadata (dagster/row_count), read after the build.
        yield from invocation.stream().fetch_row_counts()
    finally:
        release_dbt_duckdb()
    if not invocation.is_successful():
        run_results = invocation.get_artifact("run_results.json") \
            if (invocation.target_path / "run_results.json").exists() else None
        raise Failure(description=dbt_failure(run_results))


def release_dbt_duckdb() -> None:
    """Close the DuckDB database that dbt-duckdb opened in this process to count rows.

    dbt-duckdb keeps it open for the life of the process (a class-level "environment"); every
    later connection to the working file in the same process (the next steps, a test) would
    fail with "Can't open a connection to same database file with a different configuration"."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


assets = [sapnhap_dbt_models]
