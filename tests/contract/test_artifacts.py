"""The files generated from the delivery descriptions are checked in up to date, and the
comparison notices when they are not."""

import shutil
import subprocess
import sys

import yaml

from dagster_project.contract import DELIVERIES, ENUM, artifacts


def test_every_generated_file_is_up_to_date():
    assert artifacts.drifted() == [], f"run: {artifacts.COMMAND}"


def test_the_comparison_notices_a_hand_edit_and_write_repairs_it(tmp_path):
    for rel in artifacts.expected():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(artifacts.ROOT / rel, tmp_path / rel)
    assert artifacts.drifted(tmp_path) == []
    models = tmp_path / artifacts.MODELS
    models.write_text(models.read_text().replace("values: [M, F]", "values: [M, F, X]"))
    doc = tmp_path / artifacts.DOC
    doc.write_text(doc.read_text().replace("| Giới tính | `sex` |", "| Giới tính | `gender` |"))
    (tmp_path / artifacts.SOURCES).unlink()
    assert sorted(artifacts.drifted(tmp_path)) == sorted([artifacts.MODELS, artifacts.DOC, artifacts.SOURCES])
    assert sorted(artifacts.write(tmp_path)) == sorted([artifacts.MODELS, artifacts.DOC, artifacts.SOURCES])
    assert artifacts.drifted(tmp_path) == []
    assert "values: [M, F]}" in models.read_text()


def test_the_doc_keeps_its_prose_and_needs_every_block(tmp_path):
    text = (artifacts.ROOT / artifacts.DOC).read_text()
    assert "## 4. Ngày báo cáo của danh sách cán bộ" in artifacts.render_doc(text)
    without = text.replace("<!-- generated: reasons -->", "<!-- removed -->", 1)
    try:
        artifacts.render_doc(without)
    except ValueError as exc:
        assert "reasons" in str(exc)
    else:
        raise AssertionError("a doc without the reasons block must not render")


def _models() -> dict:
    return {m["name"]: m for m in yaml.safe_load((artifacts.ROOT / artifacts.MODELS).read_text())["models"]}


def _tests_of(column: dict) -> list:
    return column.get("data_tests", [])


def test_staging_tests_carry_every_enumeration_as_text():
    models = _models()
    for d in DELIVERIES.values():
        columns = {c["name"]: c for c in models[d.staging.model]["columns"]}
        for c in d.columns:
            if c.kind != ENUM:
                continue
            name = artifacts.staged_name(d, c.name)
            accepted = [t["accepted_values"]["arguments"]["values"] for t in _tests_of(columns[name])
                        if isinstance(t, dict) and "accepted_values" in t]
            assert accepted == [list(c.values)], f"{d.name}.{c.name}"


def test_staging_keys_and_references_follow_the_descriptions():
    models = _models()
    personnel = models["stg_deliveries__personnel"]
    assert {"unique_combination": {"arguments": {"columns": ["snapshot_date", "person_key"]}}} in personnel["data_tests"]
    columns = {c["name"]: c for c in personnel["columns"]}
    assert "full_name" not in columns and "national_id" not in columns
    assert {"relationships": {"arguments": {"to": "ref('stg_deliveries__units')", "field": "unit_code"}}} \
        in _tests_of(columns["unit_code"])
    decisions = {c["name"]: c for c in models["stg_deliveries__decisions"]["columns"]}
    # A decision's person among the roster rows with their key computed once (not the view).
    assert {"relationships": {"arguments": {"to": "ref('int_roster_snapshots_deduplicated')", "field": "person_key"}}} \
        in _tests_of(decisions["person_key"])
    # The columns that may not be null, in one test of the model: voluntary has a default.
    not_null = [t["not_null_columns"]["arguments"]["columns"]
                for t in models["stg_deliveries__decisions"]["data_tests"] if "not_null_columns" in t]
    assert len(not_null) == 1 and {"is_voluntary", "person_key", "source_file"} <= set(not_null[0])
    assert "not_null" not in [t for c in decisions.values() for t in _tests_of(c)]
    # Its key is not enforced by ingest: no unique_combination, only the columns' not_null.
    assert [list(t) for t in models["stg_deliveries__lineage"]["data_tests"]] == [["not_null_columns"]]


def test_the_module_command_checks_and_writes():
    check = subprocess.run([sys.executable, "-m", "dagster_project.contract", "--check"],
                           capture_output=True, text=True, cwd=artifacts.ROOT)
    assert check.returncode == 0, check.stdout + check.stderr
    wrong = subprocess.run([sys.executable, "-m", "dagster_project.contract", "--nonsense"],
                           capture_output=True, text=True, cwd=artifacts.ROOT)
    assert wrong.returncode == 2
