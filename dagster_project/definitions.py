"""The one Definitions object: gather what each stage defines; apply executor and jobs once."""

from dagster import Definitions, in_process_executor

from dagster_project.assets import ingest, publish, quality, reference, reports, transform
from dagster_project.dbt_project import DBT_EXECUTABLE, dbt_project
from dagster_project.jobs import jobs, schedules, sensors
from dagster_project.resources import DbtCli, Suites, Warehouse

defs = Definitions(
    assets=[
        *reference.assets,
        *ingest.assets,
        *transform.assets,
        *publish.assets,
        *reports.assets,
    ],
    asset_checks=[*ingest.asset_checks, *quality.asset_checks],
    jobs=jobs,
    schedules=schedules,
    sensors=sensors,
    executor=in_process_executor,
    resources={
        # The dbt of this environment, found without relying on PATH.
        "dbt": DbtCli(project_dir=dbt_project, dbt_executable=str(DBT_EXECUTABLE)),
        "warehouse": Warehouse(),
        "suites": Suites(),
    },
)
