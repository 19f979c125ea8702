"""The dbt resource: dagster-dbt's, without its version query and in-process adapter."""

import subprocess

from dagster_dbt import DbtCliResource

from dagster_project.dbt_project import DBT_EXECUTABLE
from dagster_project.definitions import defs
from dagster_project.resources import DbtCli


def test_the_replaced_methods_are_dagster_dbts_own():
    # DbtCli overrides two private methods; if dagster-dbt renames them, the override would
    # silently do nothing and every dbt command would pay for them again.
    for name in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert name in vars(DbtCliResource), name
        assert name in vars(DbtCli), name
    assert defs.resources["dbt"]._initialize_dbt_core_adapter(["build"]) is None


def test_the_dbt_resource_knows_the_dbt_version_without_asking_the_executable():
    resource = defs.resources["dbt"]
    assert isinstance(resource, DbtCli)
    printed = subprocess.run([str(DBT_EXECUTABLE), "--version"], capture_output=True, text=True,
                             check=True).stdout
    assert f"installed: {resource._cli_version}" in printed
