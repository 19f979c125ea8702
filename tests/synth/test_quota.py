"""The docs/rules.md S2 framework on real populations, hand-computed."""

import csv

import pytest

from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.synth.units import commune_quota_norm
from tests.synth.conftest import NEW_PROVINCES


def _post_communes() -> dict[str, dict]:
    with (SHIPPED_REFERENCE_DIR / "units_post_2025.csv").open(encoding="utf-8") as f:
        return {r["code"]: r for r in csv.DictReader(f) if r["level"] == "commune"}


@pytest.mark.parametrize(
    ("code", "population", "kind", "expected"),
    [
        # Phường Ba Đình: 65,023 residents -> 32 + (65,023 - 16,000) // 2,000 = 32 + 24
        ("00004", 65_023, "phường", 56),
        # Phường Hồng Hà: 123,282 -> 32 + 53 = 85, capped at 70 for a ward
        ("00097", 123_282, "phường", 70),
    ],
)
def test_quota_norm_on_real_wards(code, population, kind, expected):
    row = _post_communes()[code]
    assert int(row["population"]) == population and row["type"] == kind
    assert commune_quota_norm(population, kind) == expected


def test_quota_norm_thresholds_and_caps():
    assert commune_quota_norm(9_000, "xã") == 32  # below 16,000: the base 32
    assert commune_quota_norm(17_999, "xã") == 32  # not yet a full 2,000 above
    assert commune_quota_norm(18_000, "xã") == 33
    assert commune_quota_norm(60_000, "xã") == 50  # 32 + 22 = 54, capped at 50 for a xã
    assert commune_quota_norm(60_000, "phường") == 54
    assert commune_quota_norm(200_000, "đặc khu") == 70


def test_generated_quotas_follow_the_norm(generated, bench):
    """Government quotas of each new commune add up to the norm computed here from the real
    population, except the communes listed as deviating, which stay within 2 posts."""
    out, _ = generated
    communes = _post_communes()
    totals: dict[str, int] = {}
    for _rel, _sheet, _row, r in bench.read_table(out, "units"):
        if r.get("period", "").strip() in ("post", "sau") and r.get("commune_code") and \
                r.get("unit_kind") == "government":
            c = r["commune_code"].strip()
            totals[c] = totals.get(c, 0) + int(r["staffing_quota"])
    with (out / "_manifest" / "quota_deviations.csv").open(encoding="utf-8") as f:
        deviating = {r["commune_code"]: int(r["quota_minus_norm"]) for r in csv.DictReader(f)}
    selected = {c for c, r in communes.items() if r["province_code"] in NEW_PROVINCES}
    assert set(totals) == selected  # every new commune of the selection, nothing else
    for c, total in totals.items():
        row = communes[c]
        pop = int(row["population"])
        base = 32 + max(0, (pop - 16_000) // 2_000)
        norm = min(base, 50 if row["type"] == "xã" else 70)
        if c in deviating:
            assert total - norm == deviating[c] and 1 <= abs(total - norm) <= 2
        else:
            assert total == norm, c
    assert len(deviating) <= 0.15 * len(totals)
