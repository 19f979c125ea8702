"""The manifest the pipeline loads is rebuilt when a hand-run dbt left one behind that names
another DuckDB file: Dagster would then look for row counts in a catalog that does not exist
(it printed a traceback per model in `sapnhap run`)."""

import json

from dagster_project.dbt_project import MANIFEST_PATH, manifest_is_stale, prepare_manifest


def _manifest(tmp_path, catalog: str):
    real = json.loads(prepare_manifest().read_text())
    for node in real["nodes"].values():
        if node.get("resource_type") == "model":
            node["database"] = catalog
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(real))
    return path


def test_a_manifest_parsed_for_the_pipeline_is_current(tmp_path):
    assert not manifest_is_stale(_manifest(tmp_path, "warehouse"))


def test_a_manifest_left_by_dbt_run_on_another_file_is_stale(tmp_path):
    assert manifest_is_stale(_manifest(tmp_path, "work"))


def test_the_project_manifest_names_the_pipeline_catalog():
    prepare_manifest()
    assert not manifest_is_stale(MANIFEST_PATH)
