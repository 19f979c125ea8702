"""Jobs: the main job materialises every asset and publishes."""

from dagster import AssetSelection, define_asset_job

BUILD_AND_PUBLISH = "build_and_publish"

build_and_publish = define_asset_job(
    BUILD_AND_PUBLISH,
    selection=AssetSelection.all(),
    description="Load reference and deliveries, build the marts, run the checks, publish.",
)

jobs = [build_and_publish]
