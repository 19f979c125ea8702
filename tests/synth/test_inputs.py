"""Arguments: the default selection, `all`, and loud errors."""

import pytest

from dagster_project.synth import generate, territory


def test_default_is_three_new_provinces_with_their_real_old_parts():
    t = territory.load("default")
    assert t.new_provinces == ["04", "33", "37"]
    assert t.old_of_new == {"04": ["04"], "33": ["33", "34"], "37": ["35", "36", "37"]}
    assert t.folder["35"] == "35_ha_nam" and t.folder["36"] == "36_nam_dinh"


def test_all_is_the_34_and_the_63():
    t = territory.load("all")
    assert len(t.new_provinces) == 34 and len(t.old_provinces) == 63
    assert t.n_old_communes == 10_035 and len(t.communes_post) == 3_321
    assert len(t.districts) == 696


@pytest.mark.parametrize("provinces", ["02", "99", "04,xx", ""])
def test_unknown_new_province_codes_are_refused(provinces):
    # 02 (Hà Giang) is an OLD code only: it merged into new 08 Tuyên Quang
    with pytest.raises(ValueError, match="unknown new province"):
        territory.load(provinces)


def test_through_before_the_merger_is_refused(tmp_path):
    with pytest.raises(ValueError, match="2025-07 or later"):
        generate(tmp_path, provinces="12", through="2025-05", progress=False)
