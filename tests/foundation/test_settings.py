import os
from pathlib import Path

from dagster_project.settings import DEFAULT_DATA_DIR, PROJECT_ROOT, get_settings


def test_data_dir_defaults_to_the_checkouts_data_folder_from_any_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("SAPNHAP_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = get_settings()
    assert settings.data_dir == PROJECT_ROOT / "data" == DEFAULT_DATA_DIR
    assert settings.published_path == PROJECT_ROOT / "data" / "marts" / "warehouse.duckdb"
    assert settings.is_default


def test_a_relative_data_dir_is_resolved_once_not_after_a_step_changes_directory(monkeypatch, tmp_path):
    # `sapnhap run` from the repository root with SAPNHAP_DATA_DIR=<relative>: dbt later runs
    # with dbt/ as working directory, and publish must still find the same folder.
    (tmp_path / "dbt").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAPNHAP_DATA_DIR", "rel-data-folder")
    first = get_settings()
    os.chdir(tmp_path / "dbt")
    later = get_settings()
    assert first.data_dir == tmp_path / "rel-data-folder"
    assert later.working_path == first.working_path == tmp_path / "rel-data-folder" / "marts" / ".build" / "warehouse.duckdb"


def test_data_dir_moves_raw_and_marts_together(monkeypatch, tmp_path):
    monkeypatch.setenv("SAPNHAP_DATA_DIR", str(tmp_path / "elsewhere"))
    settings = get_settings()
    assert settings.raw_dir == tmp_path / "elsewhere" / "raw"
    assert settings.marts_dir == tmp_path / "elsewhere" / "marts"
    # The working file lives apart from the published one, so readers never see a build.
    assert settings.working_path != settings.published_path
    assert settings.working_path.name == "warehouse.duckdb"
    assert Path(settings.working_path).parent.parent == settings.marts_dir
    assert not settings.is_default
