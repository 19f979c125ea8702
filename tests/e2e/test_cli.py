"""The command line as a new user meets it (see conftest: a merged and an unchanged province,
a relative data folder, a working directory outside the repository, clocks set to other
days with faketime: the real process clock, as Python, DuckDB and Dagster read it)."""

import duckdb
import pytest

from tests.e2e.conftest import E2E_PROVINCES, E2E_THROUGH, REJECTED_FILE, raise_one_count, sapnhap

pytestmark = pytest.mark.e2e

LAST = f"{E2E_THROUGH[5:]}/{E2E_THROUGH[:4]}"  # "10/2025"


def test_run_without_a_month_reports_the_latest_month_with_data_a_year_later(e2e_run):
    result = e2e_run.result
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    reports = e2e_run.cwd / "data" / "marts" / "reports" / E2E_THROUGH
    assert last.startswith(f"Built: published {e2e_run.cwd / 'data' / 'marts' / 'warehouse.duckdb'} (replaced); "
                           f"report {LAST} written to {reports}.")
    pack = sorted(p.name for p in reports.iterdir())
    for scope in ("VN", "04", "37"):
        assert f"bao_cao_{E2E_THROUGH}_{scope}.xlsx" in pack and f"bao_cao_{E2E_THROUGH}_{scope}.html" in pack
    # Run history is kept with the data set it describes; nothing is written beside the
    # working directory.
    assert (e2e_run.dagster_home / "dagster.yaml").exists()
    assert sorted(p.name for p in e2e_run.cwd.iterdir()) == ["data"]


def test_the_console_names_the_rejected_files_and_the_quarantined_rows_per_rule(e2e_run):
    out = e2e_run.result.stdout
    assert "Files rejected whole: " in out
    assert f"  {REJECTED_FILE}  missing_required_column (si_months)" in out
    con = duckdb.connect(str(e2e_run.settings.published_path), read_only=True)
    try:
        per_rule = con.execute("""select rule, count(*) from audit.quarantine
                                  where row_number is not null group by rule""").fetchall()
    finally:
        con.close()
    assert f"Rows quarantined: {sum(n for _, n in per_rule):,} (audit.quarantine)" in out
    table = out[out.index("Rows quarantined: "):].splitlines()[2:2 + len(per_rule)]
    assert {line.split()[0]: int(line.split()[1].replace(",", "")) for line in table} == dict(per_rule)


def test_a_second_run_with_nothing_new_says_so_and_builds_nothing(e2e_run):
    before = e2e_run.settings.published_path.stat().st_mtime_ns
    reports = e2e_run.settings.reports_dir / E2E_THROUGH
    pack_before = {p.name: p.stat().st_mtime_ns for p in reports.iterdir()}
    again = sapnhap(e2e_run.cwd, "run", today="2026-11-02 07:00:00")
    assert again.returncode == 0, again.stderr
    # The report pack of the same build is not written again (at national scale 25 s of a
    # run that should end in seconds).
    assert again.stdout.strip().splitlines()[-1].startswith(
        f"Nothing new since the last build: the published warehouse is current "
        f"({e2e_run.settings.published_path}); report {LAST} is current ({reports}). (")
    assert "Building" not in again.stdout
    assert e2e_run.settings.published_path.stat().st_mtime_ns == before
    assert {p.name: p.stat().st_mtime_ns for p in reports.iterdir()} == pack_before
    # Without its national workbook the pack is written again.
    (reports / f"bao_cao_{E2E_THROUGH}_VN.xlsx").unlink()
    third = sapnhap(e2e_run.cwd, "run", today="2026-11-02 07:05:00")
    assert third.returncode == 0, third.stderr
    assert f"; report {LAST} written to {reports}. (" in third.stdout.strip().splitlines()[-1]
    assert (reports / f"bao_cao_{E2E_THROUGH}_VN.xlsx").exists()


def test_report_picks_the_latest_ended_month_on_each_day(e2e_run):
    # The 1st of the month after the data end, before any province delivered November.
    on_1_november = sapnhap(e2e_run.cwd, "report", today="2025-11-01 06:05:00")
    assert on_1_november.returncode == 0, on_1_november.stderr
    assert f"Report {LAST} written" in on_1_november.stdout
    # Mid-October: October's rosters are in the data but the month has not ended.
    mid_october = sapnhap(e2e_run.cwd, "report", today="2025-10-20 09:00:00")
    assert mid_october.returncode == 0, mid_october.stderr
    assert "Report 09/2025 written" in mid_october.stdout


def test_a_month_without_data_is_one_line_and_leaves_no_folder(e2e_run):
    result = sapnhap(e2e_run.cwd, "report", "--month", "2026-03", today="2026-11-01 06:05:00")
    assert result.returncode == 1
    assert result.stderr.strip() == ("sapnhap: no report: no province has a roster for 03/2026 "
                                     f"(months with data: 07/2025 to {LAST}).")
    assert result.stdout == ""
    assert not (e2e_run.settings.reports_dir / "2026-03").exists()


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


def test_the_report_jobs_partitions_in_dagster_are_the_packs_on_disk(e2e_run):
    """`sapnhap run` and `sapnhap report` write the pack as a run of the monthly_report job in
    the data set's Dagster instance, tagged with its month: the partitions the UI shows as
    materialised are the months with a pack on disk, whichever commands ran before."""
    from dagster import AssetKey, DagsterInstance, RunsFilter

    from dagster_project.jobs import MONTH_TAG, REPORT_JOB

    assert e2e_run.success
    # One more month by the command line, so that `sapnhap report` itself is seen.
    result = sapnhap(e2e_run.cwd, "report", "--month", "2025-07", today="2026-11-01 06:05:00")
    assert result.returncode == 0, result.stderr
    on_disk = {p.name for p in e2e_run.settings.reports_dir.iterdir() if p.is_dir()}
    assert {"2025-07", E2E_THROUGH} <= on_disk
    with DagsterInstance.from_config(str(e2e_run.dagster_home)) as instance:
        materialized = instance.get_materialized_partitions(AssetKey(["reports", "monthly_report_pack"]))
        runs = instance.get_runs(RunsFilter(job_name=REPORT_JOB))
    assert materialized == on_disk
    months = [r.tags.get(MONTH_TAG) for r in runs]
    assert "2025-07" in months and all(r.tags.get("dagster/partition") == r.tags.get(MONTH_TAG) for r in runs)


def test_a_report_written_again_with_other_figures_says_it_is_restated(run_copy, tmp_path):
    """The operator who writes a month's report again learns from its last line which reports
    restate the ones issued before, and only those (the packs say so too: test_reports.py)."""
    reports = run_copy.reports_dir / E2E_THROUGH
    province = sorted(E2E_PROVINCES.split(","))[0]
    [issued] = reports.glob(f"*_{province}.xlsx")
    raise_one_count(issued)
    result = sapnhap(tmp_path, "report", "--month", E2E_THROUGH, today="2026-11-01 06:05:00",
                     data=str(run_copy.data_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith(
        f"Report {LAST} written to {reports}; restated for {province}: figures changed since the "
        "report issued before. ("), result.stdout
