from pathlib import Path

from dagster_project.settings import get_settings


def test_data_dir_defaults_to_data_in_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("SAPNHAP_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = get_settings()
    assert settings.data_dir == tmp_path / "data"
    assert settings.published_path == tmp_path / "data" / "marts" / "warehouse.duckdb"


def test_data_dir_moves_raw_and_marts_together(monkeypatch, tmp_path):
    monkeypatch.setenv("SAPNHAP_DATA_DIR", str(tmp_path / "elsewhere"))
    settings = get_settings()
    assert settings.raw_dir == tmp_path / "elsewhere" / "raw"
    assert settings.marts_dir == tmp_path / "elsewhere" / "marts"
    # The working file lives apart from the published one, so readers never see a build.
    assert settings.working_path != settings.published_path
    assert settings.working_path.name == "warehouse.duckdb"
    assert Path(settings.working_path).parent.parent == settings.marts_dir
