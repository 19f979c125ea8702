"""A decision's person is on some roster: the relationships test on
stg_deliveries__decisions.person_key reads the roster's rows with their key already computed
(int_roster_snapshots_deduplicated, every row of the staging view), and must fail on a
decision whose person is on none."""

from tests.dbt.data_tests import run_data_test

ON_A_ROSTER = "relationships_stg_deliveries__decisions_person_key__person_key__ref_int_roster_snapshots_deduplicated_"
ROSTER = {"intermediate.int_roster_snapshots_deduplicated": (
    "person_key varchar, snapshot_date date",
    [("a1", "2025-06-30"), ("a1", "2025-07-31"), ("b2", "2025-07-31")])}


def _test(tmp_path, people: list[str]) -> str:
    """The test on decisions of `people` (one decision each): dbt's output."""
    return run_data_test(tmp_path, ON_A_ROSTER, "staging.stg_deliveries__decisions",
                         "decision_no varchar, person_key varchar",
                         [(f"QD-{i}", person) for i, person in enumerate(people)], ROSTER)


def test_a_decision_of_a_person_on_no_roster_fails(tmp_path):
    out = _test(tmp_path, ["a1", "c3", "b2", "d4"])
    assert f"Failure in test {ON_A_ROSTER}" in out, out
    assert "Got 2 results" in out, out


def test_decisions_of_people_on_a_roster_pass(tmp_path):
    out = _test(tmp_path, ["a1", "b2", "a1"])
    assert "PASS=1" in out and "ERROR=0" in out, out
