"""The command line as a new user meets it: a merged province (Ninh Bình 37 = old 35 + 36 +
37), a relative data folder, a working directory outside the repository, and clocks set to
other days with faketime (the real process clock, as Python, DuckDB and Dagster read it)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SAPNHAP = str(Path(sys.executable).with_name("sapnhap"))
PROVINCE = "37"
THROUGH = "2025-10"


def sapnhap(cwd: Path, *args: str, today: str | None = None, data: str = "data") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "SAPNHAP_DATA_DIR")}
    env["SAPNHAP_DATA_DIR"] = data  # relative: resolved against `cwd`
    argv = [SAPNHAP, *args]
    if today:
        faketime = shutil.which("faketime")
        assert faketime, "faketime is not installed: apt-get install faketime (make test does)"
        argv = [faketime, today, *argv]
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def merged_run(tmp_path_factory):
    """`sapnhap run` a year after the data end, from outside the repository, on a merged
    province; its data folder is relative to the working directory."""
    from dagster_project.synth import generate

    cwd = tmp_path_factory.mktemp("stranger")
    generate(cwd / "data" / "raw", provinces=PROVINCE, through=THROUGH, seed=11, progress=False)
    result = sapnhap(cwd, "run", today="2026-11-01 06:05:00")
    return cwd, result


def test_run_without_a_month_reports_the_latest_month_with_data_a_year_later(merged_run):
    cwd, result = merged_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("Built and published ")
    assert "(replaced)" in last
    assert f"report 10/2025 written to {cwd / 'data' / 'marts' / 'reports' / '2025-10'}" in last
    pack = sorted(p.name for p in (cwd / "data" / "marts" / "reports" / "2025-10").iterdir())
    assert f"bao_cao_2025-10_{PROVINCE}.xlsx" in pack and "bao_cao_2025-10_VN.html" in pack
    # Run history is kept with the data set it describes.
    assert (cwd / "data" / ".dagster" / "dagster.yaml").exists()
    assert not (cwd / "dbt").exists()  # nothing written beside the working directory


def test_report_picks_the_latest_ended_month_on_each_day(merged_run):
    cwd, _ = merged_run
    # The 1st of the month after the data end, before any province delivered November.
    on_1_november = sapnhap(cwd, "report", today="2025-11-01 06:05:00")
    assert on_1_november.returncode == 0, on_1_november.stderr
    assert "Report 10/2025 written" in on_1_november.stdout
    # Mid-October: October's rosters are in the data but the month has not ended.
    mid_october = sapnhap(cwd, "report", today="2025-10-20 09:00:00")
    assert mid_october.returncode == 0, mid_october.stderr
    assert "Report 09/2025 written" in mid_october.stdout


def test_a_month_without_data_is_one_line_and_leaves_no_folder(merged_run):
    cwd, _ = merged_run
    result = sapnhap(cwd, "report", "--month", "2026-03", today="2026-11-01 06:05:00")
    assert result.returncode == 1
    assert result.stderr.strip() == ("sapnhap: no report: no province has a roster for 03/2026 "
                                     "(months with data: 07/2025 to 10/2025).")
    assert result.stdout == ""
    assert not (cwd / "data" / "marts" / "reports" / "2026-03").exists()


@pytest.mark.parametrize("args, message", [
    (("run", "--month", "2026-13"), "sapnhap: '2026-13' is not a month: write it as YYYY-MM, for example 2025-10."),
    (("run", "--month", "2025-05"), "sapnhap: 05/2025 is before the merger: report months start in 07/2025."),
    (("run", "--month", "2027-01"), "sapnhap: no report: 01/2027 has not ended yet (last ended: 10/2026)."),
])
def test_a_wrong_month_is_one_line_before_anything_is_built(tmp_path, args, message):
    result = sapnhap(tmp_path, *args, today="2026-11-01 06:05:00", data=str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip() == message
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing created


def test_a_missing_data_folder_is_one_line_and_is_not_created(tmp_path):
    result = sapnhap(tmp_path, "run", data="no-such-folder")
    assert result.returncode == 1
    assert result.stderr.strip() == (f"sapnhap: the data folder {tmp_path / 'no-such-folder'} does not "
                                     "exist: create it or set SAPNHAP_DATA_DIR to an existing folder.")
    assert not (tmp_path / "no-such-folder").exists()
