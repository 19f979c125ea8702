"""The manifest the pipeline loads is rebuilt when a hand-run dbt left one behind that names
another DuckDB file: Dagster would then look for row counts in a catalog that does not exist
(it printed a traceback per model in `sapnhap run`)."""

import json
import tempfile
from pathlib import Path

from dagster_project.dbt_project import MANIFEST_PATH, manifest_is_stale, prepare_manifest, run_dbt


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


def test_a_dbt_command_leaves_the_project_manifest_alone():
    # dbt rewrites the manifest of its target folder in place: another process reading it
    # meanwhile (a test worker, Dagster loading its definitions) read half a file.
    prepare_manifest()
    before = MANIFEST_PATH.stat()
    run_dbt(["ls", "--quiet", "--select", "stg_deliveries__units"], capture_output=True)
    after = MANIFEST_PATH.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)


def test_parsing_again_replaces_the_manifest_whole(monkeypatch):
    old = prepare_manifest().read_bytes()
    # The scratch folders this parse makes (other test workers make theirs beside them).
    made: list[Path] = []
    real = tempfile.TemporaryDirectory

    def recorded(*args, **kwargs):
        scratch = real(*args, **kwargs)
        made.append(Path(scratch.name))
        return scratch

    monkeypatch.setattr(tempfile, "TemporaryDirectory", recorded)
    with MANIFEST_PATH.open("rb") as reader:
        prepare_manifest(force=True)
        # What was open before reads as it was (each parse stamps its own invocation id): the
        # new manifest is another file renamed over it, never the old one written over.
        assert reader.read() == old
    assert MANIFEST_PATH.read_bytes() != old
    assert not manifest_is_stale(MANIFEST_PATH)
    assert made and all(p.parent == MANIFEST_PATH.parent for p in made)
    assert not [p for p in made if p.exists()]
