import yaml

from dagster_project.dagster_home import ensure_dagster_home


def test_dagster_home_turns_telemetry_off_and_limits_pools_to_one(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = ensure_dagster_home(tmp_path / "home")
    config = yaml.safe_load((home / "dagster.yaml").read_text())
    assert config["telemetry"]["enabled"] is False
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert home.is_absolute()
