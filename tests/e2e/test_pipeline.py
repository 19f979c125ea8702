"""Tier 3: materialise everything into a temporary SAPNHAP_DATA_DIR and check the facts."""

import hashlib
import json
import shutil

import duckdb
import pytest

from dagster_project.dbt_project import MANIFEST_PATH
from dagster_project.partitions import month_start
from dagster_project.runner import run_month
from dagster_project.settings import get_settings
from tests.e2e.conftest import E2E_THROUGH, dbt_invocations


def _query(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.e2e
def test_the_published_warehouse_holds_the_real_units(published):
    counts = dict(_query(published, """
        select period || ':' || coalesce(commune_type, '*'), count(*) from (
            select period, commune_type from marts.dim_commune
            union all select period, null from marts.dim_commune
        ) group by all
    """))
    assert counts["pre:*"] == 10035
    assert counts["post:*"] == 3321
    assert counts["post:xã"] == 2621
    assert counts["post:phường"] == 687
    assert counts["post:đặc khu"] == 13
    provinces = dict(_query(published, "select period, count(*) from marts.dim_province group by 1"))
    assert provinces == {"pre": 63, "post": 34}
    assert _query(published, "select count(*) from marts.dim_district") == [(696,)]
    assert _query(published, "select count(*) from marts.bridge_province_lineage") == [(63,)]


@pytest.mark.e2e
def test_every_old_commune_has_a_successor_and_every_new_one_a_predecessor(published):
    orphans_old = _query(published, """
        select count(*) from marts.dim_commune c
        where c.period = 'pre' and not exists (
            select 1 from marts.bridge_commune_lineage b where b.old_commune_code = c.commune_code)
    """)
    orphans_new = _query(published, """
        select count(*) from marts.dim_commune c
        where c.period = 'post' and not exists (
            select 1 from marts.bridge_commune_lineage b where b.new_commune_code = c.commune_code)
    """)
    assert orphans_old == [(0,)]
    assert orphans_new == [(0,)]


@pytest.mark.e2e
def test_names_and_national_ids_do_not_reach_the_published_file(published):
    columns = {r[0] for r in _query(published, "select column_name from information_schema.columns")}
    # Dates of birth too: with the keyed person hash they would identify a person.
    assert not {"national_id", "full_name", "date_of_birth"} & columns
    schemas = {r[0] for r in _query(published, "select schema_name from information_schema.schemata")}
    # Analysts read marts (with the rules and the audit): the working models stay private.
    assert schemas.isdisjoint({"raw", "staging", "intermediate"})
    # No 12-digit national ID in the quarantine's values or messages (masked at publish).
    assert _query(published, "select count(*) from audit.quarantine where column_name = 'national_id'")[0][0] > 0
    leaks = _query(published, r"""
        select count(*) from audit.quarantine
        where regexp_matches(coalesce(value, '') || ' ' || message_vi || ' ' || message_en,
                             '(^|[^0-9])[0-9]{12}([^0-9]|$)')
    """)
    assert leaks == [(0,)]


@pytest.mark.e2e
def test_a_failing_blocking_check_leaves_the_published_warehouse_unchanged(e2e_run, tmp_path, monkeypatch):
    assert e2e_run.success
    # A copy of the good data folder, with one new commune removed from the reference
    # registry: dim_commune no longer has 3,321 rows and its blocking test fails.
    data_dir = tmp_path / "data"
    shutil.copytree(e2e_run.settings.data_dir, data_dir)
    monkeypatch.setenv("SAPNHAP_DATA_DIR", str(data_dir))
    settings = get_settings()
    registry = settings.reference_dir / "units_post_2025.csv"
    lines = registry.read_text(encoding="utf-8").splitlines(keepends=True)
    registry.write_text("".join(lines[:-1]), encoding="utf-8")
    before = hashlib.sha256(settings.published_path.read_bytes()).hexdigest()
    reader = duckdb.connect(str(settings.published_path), read_only=True)  # an analyst
    try:
        outcome = run_month(month_start(E2E_THROUGH))
    finally:
        reader.close()
    # The first words say what failed: the dbt test on the number of new communes.
    assert not outcome.ok
    assert outcome.line.startswith("Build failed (blocking check expect_row_count_dim_commune_")
    assert " failed on marts/dim_commune; details in " in outcome.line
    assert "the published warehouse was left as it was" in outcome.line
    assert hashlib.sha256(settings.published_path.read_bytes()).hexdigest() == before
    assert _query(settings.published_path,
                  "select count(*) from marts.dim_commune where period = 'post'") == [(3321,)]


@pytest.mark.e2e
def test_backfill_writes_every_month_while_an_analyst_holds_the_warehouse(e2e_run, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dagster_project.cli import main
    from tests.e2e.conftest import E2E_PROVINCES, E2E_THROUGH, raise_one_count

    data_dir = tmp_path / "data"
    shutil.copytree(e2e_run.settings.data_dir, data_dir)
    monkeypatch.setenv("SAPNHAP_DATA_DIR", str(data_dir))
    settings = get_settings()
    # One province's report of the last month was issued with another figure.
    province = sorted(E2E_PROVINCES.split(","))[0]
    [issued] = (settings.reports_dir / E2E_THROUGH).glob(f"*_{province}.xlsx")
    raise_one_count(issued)
    # An analyst holds the published warehouse open, read-only, through the whole backfill
    # (nothing new to build: one report run a month): no run may fail on it. (A publish
    # under a reader is tested in tests/foundation/test_publish.py.)
    reader = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        result = CliRunner().invoke(main, ["backfill", "--from", "2025-07", "--to", E2E_THROUGH])
        assert reader.execute("select count(*) from marts.dim_province").fetchone() == (97,)
    finally:
        reader.close()
    assert result.exit_code == 0, result.output
    assert "lock" not in result.output.lower()
    assert "Building" not in result.output  # the copy is current: nothing to build
    with_data = {f"{m:%Y-%m}" for (m,) in _query(
        settings.published_path, "select distinct report_month from marts.fct_staffing_balance")}
    assert len(with_data) >= 2
    months = sorted(p.name for p in settings.reports_dir.iterdir())
    assert months == sorted(with_data)
    assert f"reported {len(months)} months" in result.output
    last = f"{E2E_THROUGH[5:]}/{E2E_THROUGH[:4]}"
    assert f"; restated: {last} ({province}): figures changed since the reports issued before." in result.output
    for month in months:
        assert (settings.reports_dir / month / f"bao_cao_{month}_VN.xlsx").exists()


@pytest.mark.e2e
def test_the_ui_metadata_carries_row_counts_and_quarantine_counts(e2e_run):
    from dagster import AssetKey, DagsterInstance

    assert e2e_run.success
    with DagsterInstance.from_config(str(e2e_run.dagster_home)) as instance:
        communes = instance.get_latest_materialization_event(AssetKey(["marts", "dim_commune"]))
        personnel = instance.get_latest_materialization_event(AssetKey(["raw", "personnel"]))
        cohort = instance.get_latest_materialization_event(AssetKey(["marts", "fct_policy_cohort"]))
        balance = instance.get_latest_materialization_event(AssetKey(["marts", "rpt_staffing_balance_national"]))
    meta = communes.asset_materialization.metadata
    assert meta["dagster/row_count"].value == 10035 + 3321
    # Counted after dbt ended, in the working file: the published copy holds the same rows.
    published = e2e_run.settings.published_path
    for event, table in ((cohort, "fct_policy_cohort"), (balance, "rpt_staffing_balance_national")):
        rows = _query(published, f"select count(*) from marts.{table}")[0][0]
        assert rows > 0 and event.asset_materialization.metadata["dagster/row_count"].value == rows
    raw_meta = personnel.asset_materialization.metadata
    read, loaded, quarantined = (raw_meta[k].value for k in ("rows_read", "rows_loaded", "rows_quarantined"))
    assert read == loaded + quarantined and quarantined > 0


def test_the_docs_page_is_written_again_only_when_the_project_or_the_tables_change(e2e_run, tmp_path):
    """dbt docs take seconds to minutes; a month changes rows, not the project or the columns."""
    from dagster_project.dbt_project import generate_docs

    assert e2e_run.success, e2e_run.result.stdout + e2e_run.result.stderr
    docs = tmp_path / "docs"
    shutil.copytree(e2e_run.settings.docs_dir, docs)
    working = tmp_path / "warehouse.duckdb"
    shutil.copyfile(e2e_run.settings.working_path, working)
    page = docs / "index.html"
    before = page.stat().st_mtime_ns, page.read_bytes()

    assert generate_docs(working, docs) == (page, False)
    assert (page.stat().st_mtime_ns, page.read_bytes()) == before

    con = duckdb.connect(str(working))
    con.execute("alter table marts.fct_staffing_balance add column review_note varchar")
    con.close()
    assert generate_docs(working, docs) == (page, True)
    text = page.read_text(encoding="utf-8")
    assert "review_note" in text
    # The project as it is (its manifest): every model, with its description.
    manifest = json.loads(MANIFEST_PATH.read_text())
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert len(models) > 50
    for node in models:
        assert json.dumps(node["unique_id"]) in text
        assert json.dumps(node["description"])[1:-1][:60] in text, node["unique_id"]


def test_dbt_parses_the_project_whole_for_no_call_of_a_run(e2e_run):
    """The run's dbt calls (models; monthly marts and rollups; docs) share the data folder's
    target folder, and the first starts from the project's parse state (the first build of a
    new data folder, as here): none parses the project whole (each did, about 7 s a call; then
    the first did)."""
    assert e2e_run.success, e2e_run.result.stdout + e2e_run.result.stderr
    logs = sorted(e2e_run.settings.dbt_target_dir.glob("dbt.log*"),  # dbt.log.2, dbt.log.1, dbt.log
                  key=lambda p: -int(p.suffix[1:]) if p.suffix[1:].isdigit() else 0)
    full_parse: list[bool] = []
    for line in "\n".join(p.read_text(encoding="utf-8") for p in logs).splitlines():
        if "Running with dbt=" in line:
            full_parse.append(False)
        elif "Unable to do partial parsing" in line and full_parse:
            full_parse[-1] = True
    assert full_parse == [False, False, False], full_parse


def test_a_full_build_of_a_small_set_runs_two_dbt_nodes_at_a_time(e2e_run):
    """A full build of few roster rows (the e2e set) runs two dbt nodes side by side, as a run
    of some months does (test_incremental_build.py); a full build of the national set (7.3
    million rows) runs one at a time: two large models side by side share DuckDB's memory
    limit and run out of it (dbt/profiles.yml; tests/orchestration/test_partitions.py). The
    two builds (the models; the monthly marts and rollups): the docs call compiles no node
    (`--no-compile`), so it runs none."""
    assert e2e_run.success, e2e_run.result.stdout + e2e_run.result.stderr
    calls = list(dbt_invocations(e2e_run.settings.dbt_target_dir).values())
    assert len(calls) == 2 and all(c.threads == 2 and c.overlapped for c in calls), calls
