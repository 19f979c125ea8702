"""A month knows what it is missing: 37's August roster from old Nam Định was rejected and its
September roster never came (conftest.break_deliveries), and whatever the generator's ground
truth says of the other months (its _manifest/deliveries.csv: e.g. a quarter workbook of 04
without its September sheet). Each is flagged in the marts, the report and the UI, and none is
presented as a shortage or as people leaving."""

import csv

import duckdb
import openpyxl
import pytest

from dagster_project.partitions import month_start
from dagster_project.reports.build import write_pack
from tests.e2e.conftest import REJECTED_FILE
from tests.reports.workbook import head_text, read_table

pytestmark = pytest.mark.e2e

AUGUST, SEPTEMBER, OCTOBER = "2025-08-01", "2025-09-01", "2025-10-01"


def _query(path, sql, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def expected_statuses(e2e_run) -> dict[tuple[str, str], str]:
    """(month, province) -> status: the generator's ground truth, then the fixture's breaks."""
    with open(e2e_run.settings.raw_dir / "_manifest" / "deliveries.csv", encoding="utf-8") as f:
        truth = {(f"{r['report_month']}-01", r["province_code"]): r["status"]
                 for r in csv.DictReader(f) if r["period"] == "post"}
    return truth | {(AUGUST, "37"): "rejected", (SEPTEMBER, "37"): "incomplete"}


def test_the_marts_say_which_province_month_is_missing_and_why(published, e2e_run):
    status = {(str(m), p): (s, files) for m, p, s, files in _query(published, """
        select report_month, province_code, delivery_status, rejected_files
        from marts.fct_delivery_status where is_expected""")}
    assert {k: v[0] for k, v in status.items()} == expected_statuses(e2e_run)
    assert status[(AUGUST, "37")] == ("rejected", REJECTED_FILE)
    # Provinces that never delivered anything are outside the data set, not late.
    assert _query(published, """select count(distinct province_code) from marts.fct_delivery_status
                                where not is_expected""") == [(32,)]


def test_a_missing_month_is_never_a_shortage(published):
    rows = {str(m): (s, surplus, quota) for m, s, surplus, quota in _query(published, """
        select report_month, delivery_status, surplus, staffing_quota
        from marts.rpt_staffing_balance_province where province_code = '37'""")}
    for month in (AUGUST, SEPTEMBER):
        assert rows[month][0] != "delivered" and rows[month][1] is None and rows[month][2] is None
    assert rows[OCTOBER][1] is not None
    # The nation counts only complete provinces, quota included, and names the others.
    national = {str(m): (n, which, quota) for m, n, which, quota in _query(published, """
        select report_month, n_provinces_not_delivered, provinces_not_delivered, staffing_quota
        from marts.rpt_staffing_balance_national""")}
    quota_04 = _query(published, """select sum(staffing_quota) from marts.fct_staffing_balance
                                    where report_month = ? and province_code = '04'""", [AUGUST])[0][0]
    assert national[AUGUST] == (1, "37", quota_04)
    assert national[OCTOBER][:2] == (0, None)
    # No unit of 37 shows a full shortage in September: its figures are unknown.
    assert _query(published, """select count(*) from marts.fct_staffing_balance
                                where province_code = '37' and report_month = ? and surplus is not null""",
                  [SEPTEMBER]) == [(0,)]


def test_people_of_a_missing_month_are_not_reported_not_leavers(published):
    flows = {str(m): (left, not_reported, before, stayed, moved) for m, left, not_reported, before, stayed, moved
             in _query(published, """
                select report_month, left_total, not_reported, persons_before, stayed_out, moved_out
                from marts.rpt_person_flows_province where province_code = '37'""")}
    assert flows[SEPTEMBER][1] > 0 and flows[AUGUST][1] > 0
    assert flows[OCTOBER][1] == 0
    # Nobody "leaves" in September to come back in October: the leavers only grow.
    assert flows[SEPTEMBER][0] <= flows[OCTOBER][0]
    for left, not_reported, before, stayed, moved in flows.values():
        assert before == stayed + moved + left + not_reported


def test_the_report_of_a_missing_month_is_provisional_and_flags_the_province(published, tmp_path):
    pack = write_pack(published, month_start("2025-08"), tmp_path)
    book = openpyxl.load_workbook(pack.folder / "bao_cao_2025-08_VN.xlsx")
    # On every sheet, above the figures.
    for ws in book.worksheets:
        assert ("SỐ LIỆU TẠM TÍNH: tháng 08/2025 thiếu dữ liệu của 1 tỉnh: 37 Tỉnh Ninh Bình (bị từ chối)"
                in head_text(ws)), ws.title
    balance = read_table(book["Cân đối biên chế"], "Mã tỉnh").by_first_column()
    assert balance["37"]["Số liệu tháng"] == "Bị từ chối"
    assert balance["37"]["Dôi dư (+) / thiếu (−)"] is None  # no surplus, no shortage
    assert "37" in pack.scopes
    september = write_pack(published, month_start("2025-09"), tmp_path)
    page = (september.folder / "bao_cao_2025-09_37.html").read_text(encoding="utf-8")
    assert ("<p class='warning' role='alert'>SỐ LIỆU TẠM TÍNH: tháng 09/2025 thiếu dữ liệu của tỉnh: "
            "37 Tỉnh Ninh Bình (gửi thiếu: ") in page
    october = write_pack(published, month_start("2025-10"), tmp_path)
    page = (october.folder / "bao_cao_2025-10_VN.html").read_text(encoding="utf-8")
    assert "TẠM TÍNH" not in page
    assert "Dữ liệu gồm 2/34 tỉnh, thành phố" in page


def test_the_ui_check_names_the_province(e2e_run):
    from dagster import AssetCheckKey, AssetKey, DagsterInstance

    key = AssetCheckKey(AssetKey(["published", "warehouse"]), "every_province_delivered")
    with DagsterInstance.from_config(str(e2e_run.dagster_home)) as instance:
        record = instance.event_log_storage.get_latest_asset_check_execution_by_key([key])[key]
        evaluation = record.event.dagster_event.event_specific_data
    assert evaluation.passed is False
    missing = evaluation.metadata["missing"].value
    assert "08/2025 | 37 Tỉnh Ninh Bình | Bị từ chối (rejected)" in missing
    assert "09/2025 | 37 Tỉnh Ninh Bình | Gửi thiếu (incomplete)" in missing
    missing_expected = sum(1 for s in expected_statuses(e2e_run).values() if s != "delivered")
    assert evaluation.metadata["province_months_missing"].value == missing_expected
