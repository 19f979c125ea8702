"""The uniqueness test over several columns (dbt/tests/generic/unique_combination.sql) groups
rows by a hash of the columns first: it must still report every repeated combination with
its number of rows, take nulls as values, and pass when no combination repeats."""

from tests.dbt.data_tests import run_data_test

DECISION_TYPES = "unique_combination_policy_decision_types_decree__policy__staff_category"


def _test(tmp_path, rows: list[tuple]) -> str:
    """dbt test of DECISION_TYPES on a warehouse whose rules.policy_decision_types holds
    `rows` (decree, policy, staff_category): its output."""
    return run_data_test(tmp_path, DECISION_TYPES, "rules.policy_decision_types",
                         "decree varchar, policy varchar, staff_category varchar", rows)


def test_each_repeated_combination_fails_the_test(tmp_path):
    rows = [("178", "resignation", "cadre"), ("178", "resignation", "cadre"), ("178", "resignation", "cadre"),
            ("178", "early_retirement", "cadre"), ("178", "early_retirement", "cadre"),
            ("178", "early_retirement", "civil_servant"), ("154", None, None), ("154", None, None)]
    out = _test(tmp_path, rows)
    assert f"Failure in test {DECISION_TYPES}" in out, out
    assert "Got 3 results" in out, out  # three combinations repeat, one of them with nulls


def test_no_repeated_combination_passes(tmp_path):
    rows = [("178", "resignation", "cadre"), ("178", "resignation", "civil_servant"),
            ("178", "early_retirement", "cadre"), ("154", None, None), ("154", "part_time_leave", None)]
    out = _test(tmp_path, rows)
    assert "PASS=1" in out and "ERROR=0" in out, out
