"""What the suites skip: only files whose rows passed under the same code and year, the same
Great Expectations version, and with the same rows."""

from dagster_project.quality import validated

BASIS = "code:c1|polars=1;latest:2027-12-31;personnel(national_id):591400:9067"


def test_a_file_is_skipped_only_with_the_same_rows_basis_and_version(tmp_path, monkeypatch):
    files = {"a": "3:111", "b": "2:222"}
    validated.record_passed(tmp_path, "personnel", "soft", BASIS, files)
    assert validated.passed_files(tmp_path, "personnel", "soft", BASIS, files) == {"a", "b"}
    # b's rows changed (a row fixed by hand), c is new: only a is skipped.
    now = {"a": "3:111", "b": "2:999", "c": "5:555"}
    assert validated.passed_files(tmp_path, "personnel", "soft", BASIS, now) == {"a"}
    # Another suite, other code, another year, no basis: nothing is skipped.
    assert validated.passed_files(tmp_path, "personnel", "identity", BASIS, files) == set()
    other_code = BASIS.replace("code:c1", "code:c2")
    assert validated.passed_files(tmp_path, "personnel", "soft", other_code, files) == set()
    next_year = BASIS.replace("latest:2027", "latest:2028")
    assert validated.passed_files(tmp_path, "personnel", "soft", next_year, files) == set()
    assert validated.passed_files(tmp_path, "personnel", "soft", None, files) == set()
    # Other values for the lookups (people added to the rosters) with the same rows: they
    # passed as they are.
    more_people = BASIS.replace(":591400:9067", ":591500:1234")
    assert validated.passed_files(tmp_path, "personnel", "soft", more_people, files) == {"a", "b"}
    # Another Great Expectations version: nothing is skipped.
    monkeypatch.setattr(validated, "version", lambda _: "0.0.1")
    assert validated.passed_files(tmp_path, "personnel", "soft", BASIS, files) == set()


def test_an_unreadable_state_skips_nothing(tmp_path):
    validated.state_path(tmp_path, "units", "soft").write_text("{not json", encoding="utf-8")
    assert validated.passed_files(tmp_path, "units", "soft", "basis", {"a": "1:1"}) == set()
    validated.state_path(tmp_path, "units", "soft").write_text('{"basis": "x", "files": ["a"]}', encoding="utf-8")
    assert validated.passed_files(tmp_path, "units", "soft", "basis", {"a": "1:1"}) == set()
