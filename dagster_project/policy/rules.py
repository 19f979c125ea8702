"""Decree 178/2024 (as amended by Decree 67/2025) and Decree 154/2025 Art. 9: the reference
implementation of docs/rules.md in plain Python (stdlib only: ``decimal``, ``datetime``).
Every figure and category set comes from the dbt seeds, read by ``parameters.py``: the SQL
and this reference share the data of the rules, not their code.

It is the independent check of the SQL engine (dbt ``fct_policy_entitlement``) and what the
synthetic data generator uses to know what each leaver is owed. Money is exact ``Decimal``;
each component is rounded half-up to whole VND and the total is the sum of the rounded
components (A14).

API
---
- ``retirement_pension_start(sex, date_of_birth, hardship_years) -> date``  (A3)
  First day of the month the pension starts. Appendix I ladder; Appendix II (ladder minus
  5 years, by the year the reduced age is reached) when ``hardship_years >= 15``.
- ``retirement_month_index(sex, date_of_birth, appendix_ii=False) -> int``  (A3: the month,
  as year * 12 + month - 1, in which the retirement age is reached; used by the generator)
- ``months_early(leave_date, pension_start) -> int``  (A4)
- ``round_years(months) -> Decimal``  (A5: whole years + 0 / 0.5 / 1 for the odd months)
- ``current_salary(staff_category, salary_coefficient, ...) -> Decimal``  (A2, exact)
- ``si_months_at(si_months, snapshot_date, leave_date) -> int``  (A5: roster value plus the
  whole months from the snapshot to the leave date)
- ``window_multiplier(leave_date, arrangement_date) -> Decimal``  (A6: 1 or 0.5)
- ``entitlement(person, decision, base_salary=None) -> Entitlement``  (A1-A14; the base
  salary in force the day before the leave date unless given)
- ``audit_status(total_vnd, amount_paid_vnd) -> str``  (A15 for an eligible decision)
- ``decision_status(entitlement, amount_paid_vnd) -> str``  (A15: ``not_computed`` for a
  policy sapnhap does not compute, ``ineligible``, else ``audit_status``)

Failed rules (``Entitlement.failed_rule``), checked in this order; the first that fails wins:

- ``policy_category_mismatch``: the (decree, policy) pair does not fit the person's
  category. Computed pairs: Decree 178 ``early_retirement`` / ``resignation`` for cadre,
  civil_servant, public_employee, contract_worker; Decree 154 ``part_time_leave`` for
  commune_part_time (``DECISION_TYPES``).
- ``unsupported_policy``: a (decree, policy) pair sapnhap computes for no category
  (Decree 177, Decree 154 general streamlining, ``part_time_leave`` under Decree 178).
- ``cut_off``: A13, a Decree 178 decision out of time.
- ``deferred``: A12.
- ``not_early``: A8, ``m <= 0`` (at or past the retirement age). Also used for a
  part-timer at or past the retirement age (Decree 154 Art. 9 covers those not yet there).
- ``too_early``: A8, ``m > 120``, or ``m > 60`` on Appendix II.
- ``pension_minimum``: A7, too few SI months for a pension (compared in whole months:
  240 before 2025-07-01, 180 from then on; unrounded, as the SI law counts full years).
- ``resignation_needs_24_months``: A10, resignation with ``m < 24``.

The SQL engine adds one rule the caller handles here: ``person_not_in_roster``
(``NOT_IN_ROSTER``), a decision whose person has no roster row on or before the leave date.

Readings of Part A made here (documented so the SQL can make the same ones):

- ``m`` for resignation and part-timers is measured against the person's own ladder
  (Appendix II when ``hardship_years >= 15``).
- ``si_months`` at the leave date = roster value + whole months from the snapshot date to
  the leave date (A5: a month runs to the same day of the next month, or to its last day
  when it has no such day, so 31/08 -> 30/09 is one month; never negative).
- ``arrangement_date + 12 months`` keeps the day of month, clamped to the month's end.
- Part-timer groups: G1 ``si_months < 60``; G2 ``si_months >= 60`` and ``m < 60``;
  G3 ``si_months >= 60`` and ``m >= 60`` (low confidence). No window multiplier (Decree 154).
- Components of an ineligible decision are 0; ``months_early``, ``pension_start_date`` and
  ``current_salary_vnd`` are still filled in when they can be computed.
- ``current_salary_vnd`` is the exact S (it can carry a half dong), not rounded.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dagster_project.policy.parameters import load_parameters

MERGER_DATE = date(2025, 7, 1)  # default arrangement date (dbt var merger_date)

# Category sets and parameters come from the seeds (dagster_project/policy/parameters.py).
PARAMETERS = load_parameters()
PART_TIME = "commune_part_time"
DECREE_178_CATEGORIES = tuple(sorted(
    PARAMETERS.decision_types[("178", "early_retirement")]))
VOLUNTARY_DEFERRALS = tuple(sorted(d for d, waived in PARAMETERS.deferrals.items() if waived))
DEFERRALS = tuple(sorted(PARAMETERS.deferrals))
# (decree, policy) -> staff categories it is computed for (seed rules.policy_decision_types).
DECISION_TYPES = {k: tuple(sorted(v)) for k, v in PARAMETERS.decision_types.items()}

FAILED_RULES = (
    "policy_category_mismatch",
    "unsupported_policy",
    "cut_off",
    "deferred",
    "not_early",
    "too_early",
    "pension_minimum",
    "resignation_needs_24_months",
)

NOT_IN_ROSTER = "person_not_in_roster"

_ONE = Decimal(1)
_HALF = Decimal("0.5")


# --- A3: retirement point ----------------------------------------------------------------

def _ladder_months(sex: str, year: int) -> int:
    """Appendix I retirement age in months for the year the age is reached (seed
    policy_retirement_ladder)."""
    for year_from, year_to, months in PARAMETERS.ladder.get(sex, ()):
        if year_from <= year <= year_to:
            return months
    raise ValueError(f"no Appendix I age for sex {sex!r} in {year}")


def appendix_for(hardship_years: float | Decimal | None) -> tuple[str, int]:
    """(appendix, reduction in months) a person is measured against (A3): the row of seed
    policy_retirement_appendix with the highest hardship threshold the person reaches."""
    hardship = Decimal(str(hardship_years or 0))
    chosen = PARAMETERS.appendices[0]
    for appendix in PARAMETERS.appendices:
        if hardship >= appendix[1]:
            chosen = appendix
    return chosen[0], chosen[2]


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _from_month_index(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def retirement_month_index(sex: str, date_of_birth: date, appendix_ii: bool = False) -> int:
    """Month (year * 12 + month - 1) in which the retirement age is reached.

    The first year Y in which birth month + age(Y) falls. For some birth months two
    consecutive years qualify (a man born 10/1960: 60y0m in 10/2020 and 60y3m in 01/2021);
    the earliest is the retirement point, which reproduces docs/rules.md A3's table.
    """
    birth = _month_index(date_of_birth)
    reduction = appendix_for(None)[1]
    if appendix_ii:
        reduction = max(a[2] for a in PARAMETERS.appendices)
    for year in range(date_of_birth.year + 40, date_of_birth.year + 70):
        reached = birth + _ladder_months(sex, year) - reduction
        if reached // 12 == year:
            return reached
    raise ValueError(f"no retirement year found for {sex} born {date_of_birth}")


def retirement_pension_start(sex: str, date_of_birth: date, hardship_years: float = 0) -> date:
    """First day of the month after the retirement age is reached (A3)."""
    appendix_ii = appendix_for(hardship_years)[0] != "I"
    return _from_month_index(retirement_month_index(sex, date_of_birth, appendix_ii) + 1)


# --- A4, A5: time quantities -------------------------------------------------------------

def months_early(leave_date: date, pension_start: date) -> int:
    """Months from the leave month to the pension-start month (A4).

    A leave date on the 1st counts from its own month, any other day from the next month.
    """
    leave = _month_index(leave_date) + (0 if leave_date.day == 1 else 1)
    return _month_index(pension_start) - leave


def round_years(months: int) -> Decimal:
    """Whole years plus 0 (no odd months), 0.5 (1-6 odd months) or 1 (7-11) (A5)."""
    years, odd = divmod(months, 12)
    if odd == 0:
        extra = Decimal(0)
    elif odd <= 6:
        extra = _HALF
    else:
        extra = _ONE
    return Decimal(years) + extra


def whole_months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (A5, Civil Code 2015 Art. 147; 0 if none).

    The largest ``k >= 0`` with ``add_months(start, k) <= end``: a month runs from a date to
    the same day of the next month, or to that month's last day when it has no such day
    (31/08 -> 30/09 and 31/01 -> 28/02 are one month each).
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def si_months_at(si_months: int, snapshot_date: date, leave_date: date) -> int:
    """SI months at the leave date: roster value plus whole months since the snapshot."""
    return si_months + whole_months_between(snapshot_date, leave_date)


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months``, the day clamped to the last day of the target month."""
    index = _month_index(d) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


# --- A2, A6: salary and window -----------------------------------------------------------

def current_salary(
    staff_category: str,
    salary_coefficient: Decimal | float | str | None = 0,
    leadership_allowance_coefficient: Decimal | float | str | None = 0,
    beyond_frame_pct: int | None = 0,
    other_allowances_vnd: int | None = 0,
    monthly_allowance_vnd: int | None = None,
    base_salary: int | None = None,
) -> Decimal:
    """Current monthly salary S (A2), exact; P for a commune part-timer. `base_salary`
    defaults to the first row of seed policy_base_salary; k is the category's
    public_service_factor (seed policy_staff_categories)."""
    if staff_category == PART_TIME:
        return Decimal(monthly_allowance_vnd or 0)
    if base_salary is None:
        base_salary = PARAMETERS.base_salaries[0][1]
    coef = Decimal(str(salary_coefficient or 0))
    lead = Decimal(str(leadership_allowance_coefficient or 0))
    pct = Decimal(beyond_frame_pct or 0)
    k = PARAMETERS.staff_categories[staff_category].public_service_factor
    return (coef + lead + coef * pct / 100) * Decimal(base_salary) * k + Decimal(
        other_allowances_vnd or 0
    )


def base_salary_at(leave_date: date) -> int:
    """A1: the base salary in force the day before the leave date (seed policy_base_salary;
    a leave date before the first row takes the first row)."""
    rows = PARAMETERS.base_salaries
    value = rows[0][1]
    for valid_from, vnd in rows:
        if valid_from <= leave_date - timedelta(days=1):
            value = vnd
    return value


def window_multiplier(leave_date: date, arrangement_date: date = MERGER_DATE) -> Decimal:
    """Full before ``arrangement_date + 12 months``, half from the 13th month on (A6; seed
    policy_window)."""
    if leave_date < add_months(arrangement_date, PARAMETERS.window_months):
        return PARAMETERS.full_multiplier
    return PARAMETERS.late_multiplier


def round_vnd(amount: Decimal) -> int:
    """Half-up to whole VND (A14)."""
    return int(amount.quantize(_ONE, rounding=ROUND_HALF_UP))


# --- A8-A13: entitlement -----------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    sex: str  # "M" / "F"
    date_of_birth: date
    staff_category: str
    si_months: int  # at the snapshot date
    snapshot_date: date
    salary_coefficient: Decimal | float | str | None = 0
    leadership_allowance_coefficient: Decimal | float | str | None = 0
    beyond_frame_pct: int | None = 0
    other_allowances_vnd: int | None = 0
    monthly_allowance_vnd: int | None = None
    hardship_years: float = 0
    deferral: str | None = None
    arrangement_date: date = MERGER_DATE


@dataclass(frozen=True)
class Decision:
    decree: str  # "178", "154", "177"
    policy: str  # "early_retirement", "resignation", "part_time_leave"
    decision_date: date
    leave_date: date
    voluntary: bool | None = True  # None (blank) means true: the contract's default (A12)


@dataclass(frozen=True)
class Entitlement:
    eligible: bool
    failed_rule: str | None
    band: str | None  # "A" / "B" / "C" for early retirement
    months_early: int
    current_salary_vnd: Decimal
    allowance_1_vnd: int
    allowance_2_vnd: int
    allowance_3_vnd: int
    total_vnd: int
    pension_start_date: date
    group: str | None = None  # "G1" / "G2" / "G3" for part-timers
    low_confidence: bool = False
    # A10: a resignation of a person eligible for early retirement on the leave date
    early_retirement_passed_over: bool = False


def is_cut_off(decision: Decision) -> bool:
    """A13: a decision out of time (seed policy_cut_off; a decree without a row has none)."""
    rule = PARAMETERS.cut_off.get(decision.decree)
    if rule is None or decision.leave_date <= rule.last_leave_date:
        return False
    return not (
        decision.decision_date < rule.extended_decision_before
        and decision.leave_date <= rule.extended_last_leave_date
    )


def is_deferred(person: Person, decision: Decision) -> bool:
    """A12: a deferral blocks the decision unless the decision is voluntary and the deferral
    is waived if voluntary (seed policy_deferrals; an unlisted deferral is never waived). A
    blank ``voluntary`` (None) means true: decisions are made on the person's application."""
    if not person.deferral:
        return False
    voluntary = decision.voluntary is not False
    return not (voluntary and PARAMETERS.deferrals.get(person.deferral, False))


def _category_check(person: Person, decision: Decision) -> str | None:
    categories = DECISION_TYPES.get((decision.decree, decision.policy))
    if categories is None:
        return "unsupported_policy"
    return None if person.staff_category in categories else "policy_category_mismatch"


def _service_allowance(s: Decimal, ysi: Decimal, leave_date: date) -> Decimal:
    """A9: the variant of seed policy_service_allowance for the leave date and Ysi."""
    for v in PARAMETERS.service_allowance:
        if v.leave_from <= leave_date <= v.leave_to and v.ysi_min <= ysi < v.ysi_below:
            return s * (v.base_months + v.months_per_extra_year * (ysi - v.base_years))
    raise ValueError(f"no service allowance variant for {leave_date} and {ysi} years")


def _pension_minimum(leave_date: date) -> int:
    """A7: whole SI months needed for a pension on the leave date (seed policy_pension_minimum)."""
    for leave_from, leave_to, months in PARAMETERS.pension_minimum:
        if leave_from <= leave_date <= leave_to:
            return months
    raise ValueError(f"no pension minimum for a leave on {leave_date}")


def _band(m: int, appendix_ii: bool):
    """A8: the early-retirement band of seed policy_early_retirement_bands, or None."""
    for band in PARAMETERS.bands:
        if band.min_months_early <= m <= band.max_months_early and (
                not appendix_ii or band.is_open_to_appendix_ii):
            return band
    return None


def entitlement(
    person: Person, decision: Decision, base_salary: int | None = None
) -> Entitlement:
    """What the decision is owed under docs/rules.md (parameters from the seeds; the base
    salary in force the day before the leave date unless `base_salary` is given). A
    resignation of a person who would have been eligible for early retirement on the same
    leave date is computed as decided and flagged (``early_retirement_passed_over``, A10)."""
    result = _entitlement(person, decision, base_salary)
    if decision.policy == "resignation":
        early = _entitlement(
            person, replace(decision, policy="early_retirement"), base_salary)
        if early.eligible:
            result = replace(result, early_retirement_passed_over=True)
    return result


def _entitlement(person: Person, decision: Decision, base_salary: int | None) -> Entitlement:
    if base_salary is None:
        base_salary = base_salary_at(decision.leave_date)
    appendix_ii = appendix_for(person.hardship_years)[0] != "I"
    pension_start = retirement_pension_start(
        person.sex, person.date_of_birth, person.hardship_years
    )
    m = months_early(decision.leave_date, pension_start)
    s = current_salary(
        person.staff_category,
        person.salary_coefficient,
        person.leadership_allowance_coefficient,
        person.beyond_frame_pct,
        person.other_allowances_vnd,
        person.monthly_allowance_vnd,
        base_salary,
    )
    si = si_months_at(person.si_months, person.snapshot_date, decision.leave_date)
    ysi = round_years(si)

    def fail(rule: str) -> Entitlement:
        return Entitlement(False, rule, None, m, s, 0, 0, 0, 0, pension_start)

    def pay(a1: Decimal, a2: Decimal, a3: Decimal, band=None, group=None,
            low_confidence=False) -> Entitlement:
        r1, r2, r3 = round_vnd(a1), round_vnd(a2), round_vnd(a3)
        return Entitlement(
            True, None, band, m, s, r1, r2, r3, r1 + r2 + r3, pension_start,
            group, low_confidence,
        )

    mismatch = _category_check(person, decision)
    if mismatch:
        return fail(mismatch)
    if is_cut_off(decision):
        return fail("cut_off")
    if is_deferred(person, decision):
        return fail("deferred")

    if decision.policy == "part_time_leave":  # A11, Decree 154 Art. 9
        pt = PARAMETERS.part_time
        if m <= 0:
            return fail("not_early")
        if si < pt["min_work_months"]:
            group, months = "G1", si
        elif m < pt["near_retirement_months"]:
            group, months = "G2", m
        else:
            group, months = "G3", pt["g3_fixed_months"]
        return pay(
            pt["severance_factor"] * s * months, pt["months_per_work_year"] * s * ysi,
            pt["job_search_months"] * s, group=group,
            low_confidence=group == "G3" and pt["is_g3_low_confidence"],
        )

    w = window_multiplier(decision.leave_date, person.arrangement_date)

    if decision.policy == "resignation":  # A10
        r = PARAMETERS.resignation
        if m < r["min_months_early"]:
            return fail("resignation_needs_24_months")
        category = PARAMETERS.staff_categories[person.staff_category]
        job_search = r["job_search_months"] * s if category.has_job_search_allowance else 0
        return pay(
            r["severance_factor"] * w * s * min(r["severance_max_months"], si),
            r["months_per_si_year"] * s * ysi, Decimal(job_search)
        )

    # A7, A8, A9: early retirement
    if m <= 0:
        return fail("not_early")
    band = _band(m, appendix_ii)
    if band is None:
        return fail("too_early")
    if si < _pension_minimum(decision.leave_date):
        return fail("pension_minimum")
    yearly = round_years(m)
    a1 = w * band.pension_allowance_factor * s * min(m, band.pension_allowance_max_months)
    a2 = band.months_per_year_early * s * yearly
    a3 = _service_allowance(s, ysi, decision.leave_date) if band.has_service_allowance else 0
    return pay(a1, a2, Decimal(a3), band=band.band)


# --- A15: audit --------------------------------------------------------------------------

def audit_status(total_vnd: int, amount_paid_vnd: int | None) -> str:
    """``unpaid``, ``paid_matches`` (within the tolerance of seed policy_audit), ``overpaid``
    or ``underpaid``."""
    if amount_paid_vnd is None:
        return "unpaid"
    difference = amount_paid_vnd - total_vnd
    if abs(difference) <= PARAMETERS.audit_tolerance_vnd:
        return "paid_matches"
    return "overpaid" if difference > 0 else "underpaid"


NOT_COMPUTED = "unsupported_policy"  # the failed rule of a policy sapnhap does not compute


def decision_status(ent: Entitlement, amount_paid_vnd: int | None) -> str:
    """A15 for any decision: ``not_computed`` when its policy is one sapnhap does not
    compute (Decree 177, Decree 154 general streamlining): nothing is judged, its payment
    is reported on its own line; ``ineligible`` when a rule failed; else ``audit_status``."""
    if ent.failed_rule == NOT_COMPUTED:
        return "not_computed"
    if not ent.eligible:
        return "ineligible"
    return audit_status(ent.total_vnd, amount_paid_vnd)
