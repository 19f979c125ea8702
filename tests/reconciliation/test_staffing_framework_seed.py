"""The staffing framework seed says what docs/rules.md S2-S5 says, and cites it row by row.

The expected numbers are copied by hand from docs/rules.md S2 (Dispatch 09/CV-BCĐ: 32 posts,
+1 per 2,000 residents above 16,000, caps 50 and 70; the one-source mountainous 1,000) and
S5 (Resolution 332/NQ-CP: on average 2 deputies per department or centre).
"""

import re
from pathlib import Path

import polars as pl

from dagster_project.settings import DBT_PROJECT_DIR

SEED = DBT_PROJECT_DIR / "seeds" / "staffing_framework.csv"


def _rows() -> dict[tuple[str, str | None], dict]:
    frame = pl.read_csv(SEED, infer_schema=False)
    return {(r["parameter"], r["commune_type"]): r for r in frame.iter_rows(named=True)}


def test_framework_values_are_policy_7_2():
    rows = _rows()
    expected = {
        ("base_posts", None): "32",
        ("population_threshold", None): "16000",
        ("residents_per_extra_post", None): "2000",
        ("max_posts", "xã"): "50",
        ("max_posts", "phường"): "70",
        ("max_posts", "đặc khu"): "70",
        ("leaders_per_commune_agency", None): "3",
        ("streamlining_horizon_year", None): "2030",
    }
    for key, value in expected.items():
        assert rows[key]["value"] == value, key
        assert rows[key]["is_active"] == "true", key


def test_one_source_mountainous_rule_is_kept_but_inactive():
    row = _rows()[("residents_per_extra_post_mountainous", None)]
    assert row["value"] == "1000"
    assert row["is_active"] == "false"
    assert row["confidence"] == "low"


def test_leaders_allowed_is_dated_from_resolution_332():
    # docs/rules.md S5: Resolution 332/NQ-CP took effect on 15 October 2025.
    assert _rows()[("leaders_per_commune_agency", None)]["valid_from"] == "2025-10-15"


def test_every_row_cites_policy_and_a_source_url():
    rules = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text()
    for key, row in _rows().items():
        cited = re.search(r"docs/rules\.md (S\d)", row["source"])
        assert cited, key
        assert f"**{cited.group(1)}." in rules, key
        assert row["url"].startswith("https://"), key
        assert row["note"], key
