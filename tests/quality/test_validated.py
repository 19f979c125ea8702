"""What the suites skip: only files whose rows passed under the same basis, the same Great
Expectations version, and with the same rows."""

from dagster_project.quality import validated


def test_a_file_is_skipped_only_with_the_same_rows_basis_and_version(tmp_path, monkeypatch):
    files = {"a": "3:111", "b": "2:222"}
    validated.record_passed(tmp_path, "personnel", "soft", "basis-1", files)
    assert validated.passed_files(tmp_path, "personnel", "soft", "basis-1", files) == {"a", "b"}
    # b's rows changed (a row fixed by hand), c is new: only a is skipped.
    now = {"a": "3:111", "b": "2:999", "c": "5:555"}
    assert validated.passed_files(tmp_path, "personnel", "soft", "basis-1", now) == {"a"}
    # Another suite, another basis, no basis: nothing is skipped.
    assert validated.passed_files(tmp_path, "personnel", "identity", "basis-1", files) == set()
    assert validated.passed_files(tmp_path, "personnel", "soft", "basis-2", files) == set()
    assert validated.passed_files(tmp_path, "personnel", "soft", None, files) == set()
    # Another Great Expectations version: nothing is skipped.
    monkeypatch.setattr(validated, "version", lambda _: "0.0.1")
    assert validated.passed_files(tmp_path, "personnel", "soft", "basis-1", files) == set()


def test_an_unreadable_state_skips_nothing(tmp_path):
    validated.state_path(tmp_path, "units", "soft").write_text("{not json", encoding="utf-8")
    assert validated.passed_files(tmp_path, "units", "soft", "basis", {"a": "1:1"}) == set()
    validated.state_path(tmp_path, "units", "soft").write_text('{"basis": "x", "files": ["a"]}', encoding="utf-8")
    assert validated.passed_files(tmp_path, "units", "soft", "basis", {"a": "1:1"}) == set()
