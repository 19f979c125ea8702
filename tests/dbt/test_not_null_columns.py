"""The columns' not_null tests of a model are one test (dbt/tests/generic/not_null_columns.sql):
it must fail on a null in any of its columns, count the null values, and pass without."""

import pytest

from tests.dbt.data_tests import run_data_test

FRAMEWORK = "not_null_columns_staffing_framework_parameter__value__is_active__source__url"


def _test(tmp_path, rows: list[tuple]) -> str:
    """dbt test of FRAMEWORK on a warehouse whose rules.staffing_framework holds `rows`: its output."""
    return run_data_test(tmp_path, FRAMEWORK, "rules.staffing_framework",
                         "parameter varchar, value double, is_active boolean, source varchar, url varchar", rows)


@pytest.mark.parametrize(("rows", "nulls"), [
    ([("a", None, True, "s", "u"), ("b", 1.0, True, "s", None), ("c", 2.0, True, "s", None)], 3),
    ([("a", 1.0, None, "s", "u")], 1),
])
def test_a_null_in_any_column_fails_with_the_number_of_nulls(tmp_path, rows, nulls):
    out = _test(tmp_path, rows)
    assert f"Failure in test {FRAMEWORK}" in out, out
    assert f"Got {nulls} result" in out, out


def test_no_null_passes(tmp_path):
    out = _test(tmp_path, [("a", 1.0, True, "s", "u"), ("b", 0.0, False, "s", "u")])
    assert "PASS=1" in out and "ERROR=0" in out, out
