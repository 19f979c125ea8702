"""End to end in a real browser: the Dagster UI serves the asset graph and its checks."""

import re

import pytest
from dagster import AssetKey
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STAGES = ("reference", "staging", "marts", "publish")


def _page(browser):
    return browser.new_page(viewport={"width": 1600, "height": 1000})


def test_the_asset_graph_shows_every_stage(dagster_ui, browser, tmp_path):
    page = _page(browser)
    page.goto(f"{dagster_ui}/asset-groups", wait_until="networkidle", timeout=120_000)
    for group in STAGES:
        page.get_by_text(group, exact=True).first.wait_for(timeout=120_000)
    page.goto(f"{dagster_ui}/locations/sapnhap/asset-groups/marts", wait_until="networkidle",
              timeout=120_000)
    # The graph draws only the nodes in view (which ones depends on the group's size): wait
    # for any mart's node to be drawn.
    page.get_by_text(re.compile(r"^(bridge|dim|fct|rpt)_[a-z_]+$")).first.wait_for(timeout=120_000)
    page.screenshot(path=str(tmp_path / "marts_graph.png"))
    assert (tmp_path / "marts_graph.png").stat().st_size > 10_000
    page.close()


def test_an_asset_page_lists_all_its_checks(dagster_ui, browser):
    from dagster_project.definitions import defs

    expected = sum(
        1 for c in defs.resolve_asset_graph().asset_check_keys
        if c.asset_key == AssetKey(["marts", "dim_commune"])
    )
    page = _page(browser)
    page.goto(f"{dagster_ui}/assets/marts/dim_commune?view=checks", wait_until="networkidle",
              timeout=120_000)
    heading = page.get_by_text(re.compile(r"^Checks \(\d+\)$")).first
    heading.wait_for(timeout=120_000)
    assert heading.inner_text() == f"Checks ({expected})"
    page.get_by_placeholder("Filter checks").fill("not_null_dim_commune_district_code")
    # A long name is drawn shortened in the middle; its whole text is in the row, hidden.
    page.get_by_text("not_null_dim_commune_district_code", exact=True).first.wait_for(
        state="attached", timeout=60_000)
    # The filter leaves out the other checks (waited for: the list is drawn again after typing).
    expect(page.get_by_text("unique_combination_dim_commune_period__commune_code", exact=True)).to_have_count(
        0, timeout=60_000)
    page.get_by_text("blocking", exact=True).first.wait_for(timeout=60_000)
    page.close()


def test_the_schedule_and_the_sensor_are_listed(dagster_ui, browser):
    page = _page(browser)
    page.goto(f"{dagster_ui}/automation", wait_until="networkidle", timeout=120_000)
    page.get_by_text("monthly_report_schedule").first.wait_for(timeout=120_000)
    page.get_by_text("raw_files_sensor").first.wait_for(timeout=120_000)
    page.get_by_text(re.compile("06:00 AM GMT\\+7, on day 1 of the month")).first.wait_for(timeout=60_000)
    page.close()


def test_a_monthly_mart_shows_its_months_as_partitions(dagster_ui, browser, tmp_path):
    from dagster_project.partitions import all_months

    months = all_months()
    page = _page(browser)
    page.goto(f"{dagster_ui}/assets/marts/fct_staffing_balance?view=partitions",
              wait_until="networkidle", timeout=120_000)
    # The months of the partition set, first and last, each with its status (missing on this
    # scratch instance).
    page.get_by_text(months[-1], exact=True).first.wait_for(timeout=120_000)
    page.screenshot(path=str(tmp_path / "partitions.png"))
    page.get_by_text(months[0], exact=True).first.wait_for(timeout=60_000)
    page.close()
