"""The ingest assets and their checks, materialised with Dagster on a temporary data folder."""

import duckdb
from dagster import AssetCheckSeverity, AssetKey, materialize

from dagster_project.assets import ingest, quality, reference
from dagster_project.resources import Suites, Warehouse
from dagster_project.settings import get_settings
from tests.ingest.conftest import PERSONNEL_HEADER, PERSONNEL_ROWS, deliver_clean, write_csv


def run_all():
    return materialize([*reference.assets, *ingest.assets, *quality.asset_checks],
                       resources={"warehouse": Warehouse(), "suites": Suites()}, raise_on_error=False)


def check_named(table: str, name: str):
    key = AssetKey(["raw", table])
    for check in quality.asset_checks:
        if any(k.asset_key == key and k.name == name for k in check.check_keys):
            return check
    raise KeyError((table, name))


def test_ingest_assets_report_counts_and_all_checks_pass(data_dir):
    rows = list(PERSONNEL_ROWS)
    rows[2] = rows[2].replace("004201111111", "004301111111")  # 4th digit 3 = female: mismatch
    deliver_clean(data_dir / "raw", rows)
    result = run_all()
    assert result.success
    mats = {m.asset_key: m.metadata for m in result.asset_materializations_for_node("raw__personnel")}
    personnel = mats[AssetKey(["raw", "personnel"])]
    assert (personnel["rows_read"].value, personnel["rows_loaded"].value,
            personnel["rows_quarantined"].value) == (3, 2, 1)
    assert personnel["dagster/row_count"].value == 2
    assert "national_id_mismatch" in personnel["top_quarantine_reasons"].value
    evaluations = [e for e in result.get_asset_check_evaluations()
                   if e.asset_key.path[-1] in ("units", "lineage", "personnel", "decisions")]
    assert len(evaluations) == 16  # 4 tables x (reconcile + 3 suites)
    assert all(e.passed for e in evaluations), [(e.asset_key, e.check_name) for e in evaluations if not e.passed]


def test_asset_graph_follows_the_ingest_order():
    deps = {a.key.path[-1]: {k.path[-1] for k in a.asset_deps[a.key]} for a in ingest.assets}
    assert deps == {"units": {"ref_units_pre", "ref_units_post"}, "lineage": {"units"},
                    "personnel": {"lineage"}, "decisions": {"personnel"}}
    for a in ingest.assets:
        assert a.group_names_by_key[a.key] == "ingest"
        assert a.specs_by_key[a.key].owners == ["team:sapnhap"]


def test_checks_fail_on_a_tampered_table_and_soft_rules_only_warn(data_dir):
    deliver_clean(data_dir / "raw", PERSONNEL_ROWS)
    assert run_all().success
    con = duckdb.connect(str(get_settings().working_path))
    con.execute("delete from raw.personnel where source_row = 2")
    con.execute("update raw.personnel set salary_coefficient = 12 where source_row = 3")
    con.close()
    reconciled = check_named("personnel", "rows_reconcile")(Warehouse())
    assert not reconciled.passed and reconciled.metadata["files_failing"].value == 1
    soft = check_named("personnel", "gx_soft")(Warehouse(), Suites())
    assert not soft.passed and soft.severity == AssetCheckSeverity.WARN
    identity = check_named("personnel", "gx_identity")(Warehouse(), Suites())
    assert identity.passed
    assert check_named("personnel", "gx_identity").check_specs_by_output_name
    assert [s.blocking for s in check_named("personnel", "gx_soft").check_specs] == [False]
    assert [s.blocking for s in check_named("personnel", "gx_identity").check_specs] == [True]



def test_reconcile_sees_a_source_row_twice_in_a_file_the_identity_suite_passed(data_dir):
    """The reconcile counts the distinct source rows only of files whose rows changed since the
    identity suite passed them: a row renumbered by hand onto another (same counts, one source
    row twice) is such a change, and fails it."""
    deliver_clean(data_dir / "raw", PERSONNEL_ROWS)
    assert run_all().success
    reconciled = check_named("personnel", "rows_reconcile")
    assert reconciled(Warehouse()).passed
    con = duckdb.connect(str(get_settings().working_path))
    con.execute("update raw.personnel set source_row = 2 where source_row = 3")
    con.close()
    result = reconciled(Warehouse())
    assert not result.passed and result.metadata["files_failing"].value == 1


def _evaluation(result, table: str, name: str):
    [e] = [e for e in result.get_asset_check_evaluations()
           if e.asset_key == AssetKey(["raw", table]) and e.check_name == name]
    return e


def test_suites_validate_only_the_rows_of_files_they_have_not_passed(data_dir):
    """A month's new file is validated, not the whole table again; rows changed in a passed
    file are validated again, and a failure stays while the rows are there."""
    raw = data_dir / "raw"
    deliver_clean(raw, PERSONNEL_ROWS)
    first = run_all()
    assert first.success
    for name in ("gx_identity", "gx_soft"):
        assert _evaluation(first, "personnel", name).metadata["rows_validated"].value == 3

    # July's roster arrives (the two people now in post-merger units): only its rows are read.
    july = [PERSONNEL_ROWS[0].replace("P04-PRE", "P04-POST"),
            PERSONNEL_ROWS[1].replace("D040-PRE", "C01273-POST")]
    write_csv(raw / "personnel" / "roster_2025-07-31.csv", PERSONNEL_HEADER, july)
    second = run_all()
    assert second.success
    for name in ("gx_identity", "gx_soft"):
        metadata = _evaluation(second, "personnel", name).metadata
        assert (metadata["rows_validated"].value, metadata["files_passed_before"].value) == (2, 1)
    soft = check_named("personnel", "gx_soft")
    assert soft(Warehouse(), Suites()).metadata["rows_validated"].value == 0
    # The units and the lineage did not change: no suite of theirs is built or run (the
    # structure suite's layout passed before too), so none of them needs Great Expectations.
    for table in ("units", "lineage"):
        for name in ("gx_structure", "gx_identity", "gx_soft"):
            metadata = _evaluation(second, table, name).metadata
            assert (metadata["expectations"].value, metadata["rows_validated"].value) == (0, 0), (table, name)
            assert "Nothing new to validate" in metadata["failures"].value
    assert _evaluation(second, "personnel", "gx_structure").metadata["expectations"].value == 0
    assert _evaluation(second, "personnel", "gx_identity").metadata["expectations"].value > 0

    # A value out of bounds written into June's rows: that file is read again, and the suite
    # warns as long as the row is there.
    con = duckdb.connect(str(get_settings().working_path))
    con.execute("update raw.personnel set salary_coefficient = 12 "
                "where snapshot_date = date '2025-06-30' and source_row = 2")
    con.close()
    for _ in range(2):
        result = soft(Warehouse(), Suites())
        assert not result.passed
        assert (result.metadata["rows_validated"].value, result.metadata["files_passed_before"].value) == (3, 1)

    # A row outside every file, and a column added by hand: the suites that passed before see them.
    con = duckdb.connect(str(get_settings().working_path))
    con.execute("insert into raw.units (unit_code, period) values ('X', 'post')")
    con.close()
    identity = check_named("units", "gx_identity")(Warehouse(), Suites())
    assert not identity.passed and identity.metadata["rows_validated"].value == 1
    con = duckdb.connect(str(get_settings().working_path))
    con.execute("alter table raw.lineage add column note varchar")
    con.close()
    structure = check_named("lineage", "gx_structure")(Warehouse(), Suites())
    assert not structure.passed and structure.metadata["expectations"].value == 1
