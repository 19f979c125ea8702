"""The Python reference of docs/rules.md against the figures printed in docs/rules.md.

Every expected number below is copied from docs/rules.md (A3 and the worked examples of A16), or is
arithmetic on its inputs written out in the test; none comes from the code under test.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from dagster_project.policy.rules import (
    FAILED_RULES,
    Decision,
    Person,
    audit_status,
    current_salary,
    decision_status,
    entitlement,
    months_early,
    retirement_pension_start,
    round_years,
    si_months_at,
    whole_months_between,
    window_multiplier,
)

LEAVE_AUG = date(2025, 8, 1)


def person(**kw) -> Person:
    base = dict(
        sex="F",
        date_of_birth=date(1970, 3, 1),
        staff_category="civil_servant",
        salary_coefficient=Decimal("3.66"),
        si_months=26 * 12,
        snapshot_date=LEAVE_AUG,
    )
    base.update(kw)
    return Person(**base)


def decision(**kw) -> Decision:
    base = dict(
        decree="178",
        policy="early_retirement",
        decision_date=date(2025, 7, 15),
        leave_date=LEAVE_AUG,
    )
    base.update(kw)
    return Decision(**base)


def components(e):
    return (e.allowance_1_vnd, e.allowance_2_vnd, e.allowance_3_vnd, e.total_vnd)


# --- A3 retirement points (Part A examples and docs/rules.md A3) ----------------------------------

@pytest.mark.parametrize(
    "sex, born, hardship, expected",
    [
        ("F", date(1970, 3, 1), 0, date(2027, 8, 1)),  # A3 example
        ("M", date(1966, 1, 15), 0, date(2027, 11, 1)),  # A3 example, MoHA
        ("F", date(1975, 9, 1), 20, date(2028, 6, 1)),  # A3 example, Appendix II
        ("M", date(1970, 6, 1), 0, date(2032, 7, 1)),  # docs/rules.md A3 table: 62y, reached 06/2032
        ("M", date(1960, 5, 1), 0, date(2020, 6, 1)),  # docs/rules.md A3 table: 1960 all 60y0m
        ("M", date(1961, 10, 1), 0, date(2022, 5, 1)),  # docs/rules.md A3 table: 1961 10-12: 60y6m -> 04/2022
        ("F", date(1966, 8, 1), 0, date(2022, 1, 1)),  # docs/rules.md A3 table: 1966 01-08: 55y4m -> 12/2021
    ],
)
def test_retirement_pension_start(sex, born, hardship, expected):
    assert retirement_pension_start(sex, born, hardship) == expected


def test_birth_month_table_women_1970_and_men_1966():
    # docs/rules.md A3 table: women 1970 01-08: 57y4m, 09-12: 57y8m; men 1966 01-03: 61y9m, 04-12: 62y0m.
    assert retirement_pension_start("F", date(1970, 8, 1)) == date(2028, 1, 1)  # 08/1970+57y4m=12/2027
    assert retirement_pension_start("F", date(1970, 9, 1)) == date(2028, 6, 1)  # 09/1970+57y8m=05/2028
    assert retirement_pension_start("M", date(1966, 3, 1)) == date(2028, 1, 1)  # 03/1966+61y9m=12/2027
    assert retirement_pension_start("M", date(1966, 4, 1)) == date(2028, 5, 1)  # 04/1966+62y=04/2028


def test_two_qualifying_years_take_the_first():
    # docs/rules.md A3 table: men born 1960 all retire at 60y0m (10/1960 -> 10/2020), not 60y3m (01/2021);
    # men born 1961 01-09 at 60y3m (09/1961 -> 12/2021), not 60y6m (03/2022).
    assert retirement_pension_start("M", date(1960, 10, 1)) == date(2020, 11, 1)
    assert retirement_pension_start("M", date(1961, 9, 1)) == date(2022, 1, 1)
    # Appendix II, woman born 09/1978: 54y0m (2032 ladder 59y0m - 5y) in 09/2032.
    assert retirement_pension_start("F", date(1978, 9, 1), 16) == date(2032, 10, 1)


def test_appendix_ii_final_ages():
    # docs/rules.md A3: men born from 04/1971 retire at 57y; women born from 05/1980 at 55y.
    assert retirement_pension_start("M", date(1971, 4, 1), 15) == date(2028, 5, 1)
    assert retirement_pension_start("F", date(1980, 5, 1), 15) == date(2035, 6, 1)
    # Below 15 hardship years the person stays on Appendix I.
    assert retirement_pension_start("M", date(1971, 4, 1), 14.9) == date(2033, 5, 1)


# --- A4, A5, A6 -----------------------------------------------------------------------------

def test_months_early_counts_from_leave_month_on_the_first_else_next_month():
    assert months_early(date(2025, 8, 1), date(2027, 8, 1)) == 24
    assert months_early(date(2025, 8, 2), date(2027, 8, 1)) == 23
    assert months_early(date(2025, 7, 31), date(2027, 8, 1)) == 24
    assert months_early(date(2027, 9, 1), date(2027, 8, 1)) == -1


@pytest.mark.parametrize(
    "months, expected",
    [(0, "0"), (24, "2"), (30, "2.5"), (83, "7"), (88, "7.5"), (12 * 7 + 6, "7.5"),
     (12 * 7 + 7, "8"), (1, "0.5")],
)
def test_round_years(months, expected):
    assert round_years(months) == Decimal(expected)


def test_si_months_accrue_whole_months_after_the_snapshot():
    assert si_months_at(100, date(2025, 6, 30), date(2025, 8, 1)) == 101
    assert si_months_at(100, date(2025, 6, 30), date(2025, 8, 30)) == 102
    assert si_months_at(100, date(2025, 8, 1), date(2025, 8, 1)) == 100


def test_window_multiplier_halves_from_the_13th_month():
    assert window_multiplier(date(2026, 6, 30), date(2025, 7, 1)) == 1
    assert window_multiplier(date(2026, 7, 1), date(2025, 7, 1)) == Decimal("0.5")


@pytest.mark.parametrize(
    "start, end, expected",
    [
        # A5 as amended (Civil Code 2015 Art. 147): a month runs to the same day of the next
        # month, or to that month's last day when it has no such day.
        (date(2025, 8, 31), date(2025, 9, 30), 1),  # September has no 31st
        (date(2025, 8, 31), date(2025, 9, 29), 0),
        (date(2025, 1, 31), date(2025, 2, 28), 1),
        (date(2025, 1, 30), date(2025, 2, 28), 1),
        (date(2025, 1, 29), date(2025, 2, 28), 1),
        (date(2025, 1, 29), date(2025, 2, 27), 0),
        (date(2024, 1, 31), date(2024, 2, 28), 0),  # 2024 is a leap year: 29/02 exists
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2025, 2, 28), date(2025, 3, 28), 1),
        (date(2025, 2, 28), date(2025, 3, 27), 0),
        (date(2025, 3, 31), date(2025, 4, 30), 1),
        (date(2025, 3, 31), date(2025, 5, 30), 1),  # 31/05 not reached; 30/04 was month 1
        (date(2025, 3, 31), date(2025, 5, 31), 2),
        (date(2024, 2, 29), date(2025, 2, 28), 12),  # 2025 has no 29/02
        (date(2025, 8, 15), date(2025, 9, 14), 0),
        (date(2025, 8, 15), date(2025, 9, 15), 1),
        (date(2025, 6, 30), date(2025, 7, 31), 1),
        (date(2025, 7, 31), date(2025, 8, 30), 0),
        (date(2025, 8, 31), date(2026, 2, 28), 6),
        (date(2025, 9, 30), date(2025, 8, 31), 0),  # end before start
    ],
)
def test_whole_months_at_month_ends(start, end, expected):
    assert whole_months_between(start, end) == expected


def test_si_months_reach_the_month_end_of_a_shorter_month():
    assert si_months_at(179, date(2025, 8, 31), date(2025, 9, 30)) == 180
    assert si_months_at(59, date(2026, 1, 31), date(2026, 2, 28)) == 60
    assert si_months_at(59, date(2026, 1, 31), date(2026, 2, 27)) == 59


def test_window_end_clamps_to_the_month_end():
    # A6: 29/02/2024 + 12 months = 28/02/2025; 31/08/2024 + 12 months = 31/08/2025.
    assert window_multiplier(date(2025, 2, 27), date(2024, 2, 29)) == 1
    assert window_multiplier(date(2025, 2, 28), date(2024, 2, 29)) == Decimal("0.5")
    assert window_multiplier(date(2025, 8, 30), date(2024, 8, 31)) == 1
    assert window_multiplier(date(2025, 8, 31), date(2024, 8, 31)) == Decimal("0.5")


# --- A2 ---------------------------------------------------------------------------------

def test_current_salary_examples():
    assert current_salary("civil_servant", "3.66") == Decimal("10705500")  # docs/rules.md A16 example 1
    assert current_salary("public_employee", "3.66") == Decimal("8564400")  # docs/rules.md A16 example 1 variant
    assert current_salary("civil_servant", "4.65", "0.6") == Decimal("15356250")  # Ex. 2
    # Beyond-frame seniority: 4.00 x 10 % = 0.4 more coefficient; k = 1 for a contract worker.
    assert current_salary("contract_worker", "4.00", 0, 10, 500_000) == 10_796_000
    # Half a dong is kept exact: (2.35 + 2.35 x 1 %) x 2,340,000 x 1.25 = 6,942,487.5.
    assert current_salary("civil_servant", "2.35", 0, 1) == Decimal("6942487.5")
    assert current_salary("commune_part_time", None, monthly_allowance_vnd=3_510_000) == 3_510_000


# --- docs/rules.md A16 worked examples, to the dong ----------------------------------------------------

def test_example_1_band_b():
    e = entitlement(person(), decision())
    assert (e.eligible, e.band, e.months_early) == (True, "B", 24)
    assert e.pension_start_date == date(2027, 8, 1)
    assert e.current_salary_vnd == 10_705_500
    assert components(e) == (256_932_000, 107_055_000, 101_702_250, 465_689_250)


def test_example_1_public_employee():
    e = entitlement(person(staff_category="public_employee"), decision())
    assert components(e) == (205_545_600, 85_644_000, 81_361_800, 372_551_400)


def test_example_1b_band_a_cliff():
    e = entitlement(person(), decision(leave_date=date(2025, 9, 1)))
    assert (e.band, e.months_early) == ("A", 23)
    assert components(e) == (246_226_500, 0, 0, 246_226_500)


def test_example_2_moha_before_july_uses_20_year_formula():
    p = person(
        sex="M", date_of_birth=date(1966, 1, 15), salary_coefficient=Decimal("4.65"),
        leadership_allowance_coefficient=Decimal("0.6"), si_months=22 * 12,
        snapshot_date=date(2025, 4, 30), arrangement_date=date(2025, 3, 1),
    )
    e = entitlement(p, decision(decision_date=date(2025, 4, 1), leave_date=date(2025, 5, 1)))
    assert (e.band, e.months_early) == ("B", 30)
    assert components(e) == (460_687_500, 191_953_125, 92_137_500, 744_778_125)


def _example_3_person(**kw):
    return person(date_of_birth=date(1985, 5, 1), si_months=15 * 12,
                  snapshot_date=date(2025, 6, 1), **kw)


def test_example_3_moha_resignation():
    e = entitlement(_example_3_person(),
                    decision(policy="resignation", decision_date=date(2025, 5, 1),
                             leave_date=date(2025, 6, 1)))
    assert e.eligible and e.band is None
    assert components(e) == (513_864_000, 240_873_750, 32_116_500, 786_854_250)


def test_example_3_from_the_13th_month_halves_severance():
    # Arrangement effective 2024-03-01: 2025-06-01 is in the 16th month.
    e = entitlement(_example_3_person(arrangement_date=date(2024, 3, 1)),
                    decision(policy="resignation", decision_date=date(2025, 5, 1),
                             leave_date=date(2025, 6, 1)))
    assert components(e) == (256_932_000, 240_873_750, 32_116_500, 529_922_250)


def test_example_4_band_c():
    p = person(sex="M", date_of_birth=date(1970, 6, 1), salary_coefficient=Decimal("4.00"),
               si_months=30 * 12)
    e = entitlement(p, decision())
    assert (e.band, e.months_early) == ("C", 83)
    assert components(e) == (631_800_000, 327_600_000, 134_550_000, 1_093_950_000)


def test_example_5_commune_civil_servant_resigns():
    p = person(sex="M", date_of_birth=date(1990, 1, 1), salary_coefficient=Decimal("2.34"),
               si_months=7 * 12 + 4)
    e = entitlement(p, decision(policy="resignation"))
    assert components(e) == (328_536_000, 77_000_625, 20_533_500, 426_070_125)


def test_example_6_part_timer_g3_low_confidence():
    p = person(sex="M", date_of_birth=date(1985, 8, 1), staff_category="commune_part_time",
               salary_coefficient=None, monthly_allowance_vnd=3_510_000, si_months=8 * 12)
    e = entitlement(p, decision(decree="154", policy="part_time_leave"))
    assert (e.eligible, e.group, e.low_confidence) == (True, "G3", True)
    assert components(e) == (168_480_000, 42_120_000, 10_530_000, 221_130_000)


# --- band edges, window, variants -----------------------------------------------------------

S_EX1 = 10_705_500  # Example 1 salary


@pytest.mark.parametrize(
    "leave, m, band, expected",
    [
        # Woman born 03/1970, pension 2027-08-01; Ysi = 26 -> (3) = 9.5 S after 2025-07-01.
        (date(2025, 9, 1), 23, "A", (23 * S_EX1, 0, 0)),
        (date(2025, 8, 1), 24, "B", (24 * S_EX1, 5 * 2 * S_EX1, 9.5 * S_EX1)),
    ],
)
def test_band_edge_23_24(leave, m, band, expected):
    e = entitlement(person(snapshot_date=leave), decision(leave_date=leave))
    assert (e.months_early, e.band) == (m, band)
    assert (e.allowance_1_vnd, e.allowance_2_vnd, e.allowance_3_vnd) == tuple(
        int(x) for x in expected
    )


def test_band_edge_60_61():
    # Woman born 07/1972: 58y4m (docs/rules.md A3 table, 1972 01-08) -> reached 11/2030, pension 2030-12-01.
    # Decisions dated before 2025-08-01 may schedule leave up to 2025-12-31 (A13).
    p60 = person(date_of_birth=date(1972, 7, 1))
    e60 = entitlement(p60, decision(leave_date=date(2025, 12, 1), decision_date=date(2025, 7, 1)))
    e61 = entitlement(p60, decision(leave_date=date(2025, 11, 1), decision_date=date(2025, 7, 1)))
    assert (e60.months_early, e60.band) == (60, "B")
    assert (e61.months_early, e61.band) == (61, "C")
    assert e60.allowance_1_vnd == 60 * S_EX1
    assert e60.allowance_2_vnd == 5 * 5 * S_EX1
    assert e61.allowance_1_vnd == int(Decimal("0.9") * 60 * S_EX1)
    assert e61.allowance_2_vnd == 4 * 5 * S_EX1 + 2 * S_EX1  # Yearly(61) = 5.5


def test_band_edge_120_121():
    # Man born 07/1973: 62y0m -> reached 07/2035, pension 2035-08-01; S = 11,700,000.
    p = person(sex="M", date_of_birth=date(1973, 7, 1), salary_coefficient=Decimal("4.00"),
               si_months=30 * 12)
    e120 = entitlement(p, decision(leave_date=date(2025, 8, 1)))
    e121 = entitlement(p, decision(leave_date=date(2025, 7, 1), decision_date=date(2025, 6, 1)))
    assert (e120.months_early, e120.band, e120.eligible) == (120, "C", True)
    assert (e121.months_early, e121.eligible, e121.failed_rule) == (121, False, "too_early")
    assert e120.allowance_2_vnd == 4 * 10 * 11_700_000
    assert e121.total_vnd == 0


def test_from_13th_month_halves_early_retirement_multipliers():
    p = person(arrangement_date=date(2024, 7, 1))  # 2025-08-01 is the 14th month
    e = entitlement(p, decision())
    assert e.allowance_1_vnd == 256_932_000 // 2
    assert e.allowance_2_vnd == 107_055_000  # not multiplied
    c = entitlement(
        person(sex="M", date_of_birth=date(1970, 6, 1), salary_coefficient=Decimal("4.00"),
               si_months=30 * 12, arrangement_date=date(2024, 7, 1)),
        decision(),
    )
    assert c.allowance_1_vnd == int(Decimal("0.45") * 60 * 11_700_000)


def test_public_employee_resignation_has_no_job_search_allowance():
    p = person(staff_category="public_employee", date_of_birth=date(1990, 1, 1),
               si_months=7 * 12 + 4)
    e = entitlement(p, decision(policy="resignation"))
    s = 8_564_400
    assert (e.allowance_1_vnd, e.allowance_3_vnd) == (int(Decimal("0.8") * 60 * s), 0)
    assert e.allowance_2_vnd == int(Decimal("1.5") * Decimal("7.5") * s)


def test_resignation_under_60_si_months_uses_actual_months():
    p = person(date_of_birth=date(1995, 1, 1), si_months=40)  # 3y4m -> Ysi 3.5
    e = entitlement(p, decision(policy="resignation"))
    assert e.allowance_1_vnd == int(Decimal("0.8") * 40 * S_EX1)
    assert e.allowance_2_vnd == int(Decimal("1.5") * Decimal("3.5") * S_EX1)
    assert e.allowance_3_vnd == 3 * S_EX1


def test_resignation_needs_24_months():
    e = entitlement(person(), decision(policy="resignation", leave_date=date(2025, 9, 1)))
    assert (e.eligible, e.failed_rule, e.total_vnd) == (False, "resignation_needs_24_months", 0)


def test_appendix_ii_person_measured_against_appendix_ii_and_band_c_closed():
    # Woman born 09/1975 with hardship: pension 2028-06-01 (A3). Leave 2025-08-01: m = 34.
    p = person(date_of_birth=date(1975, 9, 1), hardship_years=16)
    e = entitlement(p, decision())
    assert (e.months_early, e.band) == (34, "B")
    assert e.allowance_1_vnd == 34 * S_EX1
    assert e.allowance_2_vnd == 5 * Decimal("3") * S_EX1  # 34 months: 2y10m -> 3 years
    # Born 09/1978 on Appendix II: 54y0m (2032) -> pension 2032-10-01, m = 86 > 60: band C
    # is closed to Appendix II.
    later = entitlement(replace(p, date_of_birth=date(1978, 9, 1)), decision())
    assert (later.eligible, later.failed_rule) == (False, "too_early")


def test_pension_minimum_15_years_from_july_and_20_before():
    short = person(si_months=179)
    assert entitlement(short, decision()).failed_rule == "pension_minimum"
    assert entitlement(replace(short, si_months=180), decision()).eligible
    before = decision(leave_date=date(2025, 6, 1), decision_date=date(2025, 5, 1))
    p = person(si_months=239, snapshot_date=date(2025, 6, 1))
    assert entitlement(p, before).failed_rule == "pension_minimum"
    assert entitlement(replace(p, si_months=240), before).eligible


def test_179_months_on_the_31_08_roster_reach_180_on_30_09():
    # A5 / A7: 31/08 -> 30/09 is one whole month, so 179 + 1 = 180, the minimum from
    # 2025-07-01. Woman born 09/1970: pension 2028-06-01; leave 30/09/2025 counts from
    # 10/2025, m = 32 (band B, Yearly 2y8m -> 3); Ysi = 15; decided 20/07 (in time, A13).
    p = person(date_of_birth=date(1970, 9, 1), si_months=179, snapshot_date=date(2025, 8, 31))
    e = entitlement(p, decision(decision_date=date(2025, 7, 20), leave_date=date(2025, 9, 30)))
    assert (e.eligible, e.failed_rule, e.band, e.months_early) == (True, None, "B", 32)
    # (1) 32 x 10,705,500; (2) 5 x 10,705,500 x 3; (3) 10,705,500 x (4 + 0.5 x 0).
    assert components(e) == (342_576_000, 160_582_500, 42_822_000, 545_980_500)
    # One day short of the month end is no whole month: 179, refused.
    short = entitlement(p, decision(decision_date=date(2025, 7, 20), leave_date=date(2025, 9, 29)))
    assert short.failed_rule == "pension_minimum"


def test_part_timer_31_01_to_28_02_is_a_whole_month():
    # A5 / A11: 59 months on the 31/01/2026 roster; leaving 28/02/2026 makes 60 (G2, not G1).
    # Man born 01/1968: 62y0m in 01/2030, pension 2030-02-01; m = 03/2026 -> 02/2030 = 47.
    p = person(sex="M", date_of_birth=date(1968, 1, 1), staff_category="commune_part_time",
               salary_coefficient=None, monthly_allowance_vnd=3_510_000, si_months=59,
               snapshot_date=date(2026, 1, 31))
    leave_28 = decision(decree="154", policy="part_time_leave", decision_date=date(2026, 2, 1),
                        leave_date=date(2026, 2, 28))
    e = entitlement(p, leave_28)
    assert (e.group, e.months_early) == ("G2", 47)
    # 0.8 x 3,510,000 x 47; 1.5 x 3,510,000 x 5; 3 x 3,510,000.
    assert components(e) == (131_976_000, 26_325_000, 10_530_000, 168_831_000)
    g1 = entitlement(p, replace(leave_28, leave_date=date(2026, 2, 27)))
    # 59 months: 0.8 x 3,510,000 x 59; Yw = 4y11m -> 5.
    assert (g1.group, components(g1)) == ("G1", (165_672_000, 26_325_000, 10_530_000, 202_527_000))


def test_deferred_person():
    maternity = person(deferral="maternity_leave")
    assert entitlement(maternity, decision(voluntary=False)).failed_rule == "deferred"
    assert entitlement(maternity, decision(voluntary=True)).total_vnd == 465_689_250
    assert entitlement(person(deferral="discipline"), decision()).failed_rule == "deferred"


def test_cut_off():
    late = decision(leave_date=date(2025, 9, 2), decision_date=date(2025, 8, 15))
    assert entitlement(person(), late).failed_rule == "cut_off"
    early_decision = replace(late, decision_date=date(2025, 7, 31))
    assert entitlement(person(), early_decision).failed_rule != "cut_off"
    too_late = replace(early_decision, leave_date=date(2026, 1, 1))
    assert entitlement(person(), too_late).failed_rule == "cut_off"


def test_not_early_and_category_mismatch():
    assert entitlement(person(date_of_birth=date(1960, 1, 1)), decision()).failed_rule == "not_early"
    pt = person(staff_category="commune_part_time", monthly_allowance_vnd=3_510_000)
    assert entitlement(pt, decision()).failed_rule == "policy_category_mismatch"
    assert entitlement(person(), decision(decree="154", policy="part_time_leave")).failed_rule == (
        "policy_category_mismatch"
    )
    assert entitlement(person(), decision(decree="177")).failed_rule == "unsupported_policy"


def test_part_timer_groups_g1_g2():
    p = person(sex="M", date_of_birth=date(1985, 8, 1), staff_category="commune_part_time",
               monthly_allowance_vnd=3_510_000, si_months=40)
    g1 = entitlement(p, decision(decree="154", policy="part_time_leave"))
    assert (g1.group, g1.low_confidence) == ("G1", False)
    assert g1.allowance_1_vnd == int(Decimal("0.8") * 3_510_000 * 40)
    assert g1.allowance_2_vnd == int(Decimal("1.5") * 3_510_000 * Decimal("3.5"))
    # Man born 01/1966: pension 2027-11-01, leave 2025-08-01 -> m = 27.
    g2 = entitlement(replace(p, date_of_birth=date(1966, 1, 1), si_months=120),
                     decision(decree="154", policy="part_time_leave"))
    assert (g2.group, g2.months_early) == ("G2", 27)
    assert g2.total_vnd == int(Decimal("0.8") * 3_510_000 * 27) + 15 * 3_510_000 + 3 * 3_510_000


def test_rounding_half_up_per_component_and_total_is_sum_of_rounded():
    # Contract worker (k = 1) with S = other allowances only; resignation with 5 SI months:
    # Msev = 5, Ysi = 0.5, no job-search allowance.
    p = person(staff_category="contract_worker", salary_coefficient=0,
               date_of_birth=date(2000, 1, 1), si_months=5)
    resign = decision(policy="resignation")
    # S = 1,000,006: (2) = 1.5 x 0.5 x S = 750,004.5 -> 750,005 (half-up, not half-even).
    e = entitlement(replace(p, other_allowances_vnd=1_000_006), resign)
    assert (e.allowance_1_vnd, e.allowance_2_vnd, e.allowance_3_vnd) == (4_000_024, 750_005, 0)
    # S = 1,000,003: 750,002.25 -> 750,002.
    assert entitlement(replace(p, other_allowances_vnd=1_000_003), resign).allowance_2_vnd == 750_002
    # Civil servant with S = 6,942,487.5 and 60 SI months: (1) 48 S = 333,239,400;
    # (2) 7.5 S = 52,068,656.25 -> 52,068,656; (3) 3 S = 20,827,462.5 -> 20,827,463.
    q = person(salary_coefficient=Decimal("2.35"), beyond_frame_pct=1,
               date_of_birth=date(1990, 1, 1), si_months=60)
    e = entitlement(q, resign)
    assert components(e) == (333_239_400, 52_068_656, 20_827_463, 406_135_519)


def test_failed_rule_vocabulary_is_closed():
    assert set(FAILED_RULES) == {
        "policy_category_mismatch", "unsupported_policy", "cut_off", "deferred", "not_early",
        "too_early", "pension_minimum", "resignation_needs_24_months",
    }


def test_resignation_of_a_person_eligible_for_early_retirement_is_flagged():
    # A10: Example 1's woman (m = 24, band B) resigns instead: computed as decided
    # (0.8 x 60 x S + 1.5 x 26 x S + 3 x S, S = 10,705,500) and flagged.
    resigns = entitlement(person(), decision(policy="resignation"))
    assert resigns.eligible and resigns.total_vnd == 963_495_000
    assert resigns.early_retirement_passed_over
    # Born 05/1969: pension 2026-06-01, m = 10 (band A): too close to resign, still flagged.
    near = entitlement(person(date_of_birth=date(1969, 5, 1)), decision(policy="resignation"))
    assert near.failed_rule == "resignation_needs_24_months" and near.early_retirement_passed_over
    # Born 1990: no band for early retirement, so a resignation is the path: not flagged.
    young = entitlement(person(date_of_birth=date(1990, 1, 1), si_months=88),
                        decision(policy="resignation"))
    assert young.eligible and not young.early_retirement_passed_over
    # An early retirement is never flagged.
    assert not entitlement(person(), decision()).early_retirement_passed_over


def test_part_timer_at_or_past_the_retirement_point_is_not_eligible():
    # A11: a man born 11/1964 reaches 61y6m in 05/2026 (pension 2026-06-01).
    pt = person(sex="M", date_of_birth=date(1964, 11, 1), staff_category="commune_part_time",
                monthly_allowance_vnd=3_510_000, si_months=96, snapshot_date=date(2025, 7, 1))
    leave = dict(decree="154", policy="part_time_leave", decision_date=date(2026, 4, 15))
    at = entitlement(pt, decision(**leave, leave_date=date(2026, 6, 1)))
    assert (at.months_early, at.failed_rule, at.total_vnd) == (0, "not_early", 0)
    past = entitlement(pt, decision(**leave, leave_date=date(2026, 9, 1)))
    assert past.months_early < 0 and past.failed_rule == "not_early"
    before = entitlement(pt, decision(**leave, leave_date=date(2026, 5, 1)))
    # 0.8 x P x 1 + 1.5 x P x 9 (106 months: 8 years 10 months) + 3 x P
    assert (before.group, before.total_vnd) == ("G2", 60_723_000)


def test_blank_voluntary_means_voluntary():
    # A12: a blank `voluntary` (None) is the contract's default, true: a pregnant person's
    # decision is not deferred; an explicit false is.
    pregnant = person(deferral="pregnant")
    assert entitlement(pregnant, decision(voluntary=None)).eligible
    assert entitlement(pregnant, decision(voluntary=True)).eligible
    assert entitlement(pregnant, decision(voluntary=False)).failed_rule == "deferred"
    assert entitlement(person(deferral="discipline"), decision(voluntary=None)).failed_rule == "deferred"


def test_decree_177_is_not_computed_not_ineligible():
    # A15: a paid Decree 177 decision is not judged (not_computed), while a decision that
    # fails a rule (cut-off: leaves 2025-10-01, decided 2025-09-15) and is paid is ineligible.
    decree_177 = entitlement(person(), decision(decree="177"))
    assert decision_status(decree_177, 500_000_000) == "not_computed"
    late = entitlement(person(), decision(decision_date=date(2025, 9, 15), leave_date=date(2025, 10, 1)))
    assert late.failed_rule == "cut_off"
    assert decision_status(late, 500_000_000) == "ineligible"
    assert decision_status(entitlement(person(), decision()), None) == "unpaid"


def test_audit_status():
    assert audit_status(465_689_250, None) == "unpaid"
    assert audit_status(465_689_250, 465_690_250) == "paid_matches"
    assert audit_status(465_689_250, 465_688_250) == "paid_matches"
    assert audit_status(465_689_250, 465_690_251) == "overpaid"
    assert audit_status(465_689_250, 465_688_249) == "underpaid"
