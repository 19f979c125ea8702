"""The parameters of the rules, read from the dbt seeds (dbt/seeds/policy_*.csv,
staffing_framework.csv): the one place every figure of a decree lives. The SQL engine reads
the same files as the `rules` schema, so a changed seed changes the SQL and the Python
reference alike; nothing here repeats a number.

`load_parameters()` reads them once per process (cached); `load_parameters(seed_dir)` reads
another folder (a test that changes a seed).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR

SEED_DIR = DBT_PROJECT_DIR / "seeds"


@dataclass(frozen=True)
class Band:
    band: str
    min_months_early: int
    max_months_early: int
    is_open_to_appendix_ii: bool
    pension_allowance_factor: Decimal
    pension_allowance_max_months: int
    months_per_year_early: Decimal
    has_service_allowance: bool


@dataclass(frozen=True)
class ServiceAllowance:
    leave_from: date
    leave_to: date
    ysi_min: Decimal
    ysi_below: Decimal
    base_months: Decimal
    base_years: Decimal
    months_per_extra_year: Decimal


@dataclass(frozen=True)
class StaffCategory:
    public_service_factor: Decimal
    has_job_search_allowance: bool
    quota_kind: str | None  # "civil_servant", "public_employee" or None (no quota)


@dataclass(frozen=True)
class CutOff:
    last_leave_date: date
    extended_decision_before: date
    extended_last_leave_date: date


@dataclass(frozen=True)
class Parameters:
    base_salaries: tuple[tuple[date, int], ...]  # (valid_from, VND), by valid_from
    ladder: dict[str, tuple[tuple[int, int, int], ...]]  # sex -> (year_from, year_to, months)
    appendices: tuple[tuple[str, Decimal, int], ...]  # (appendix, min hardship, reduction)
    bands: tuple[Band, ...]
    window_months: int
    full_multiplier: Decimal
    late_multiplier: Decimal
    pension_minimum: tuple[tuple[date, date, int], ...]  # (leave_from, leave_to, months)
    service_allowance: tuple[ServiceAllowance, ...]
    resignation: dict[str, Decimal]
    staff_categories: dict[str, StaffCategory]
    decision_types: dict[tuple[str, str], frozenset[str]]  # (decree, policy) -> categories
    not_computed: frozenset[tuple[str, str]]  # (decree, policy) sapnhap does not compute
    part_time: dict[str, Decimal | bool]
    cut_off: dict[str, CutOff]
    deferrals: dict[str, bool]  # deferral -> waived if voluntary
    audit_tolerance_vnd: int

    def categories(self, **flags) -> tuple[str, ...]:
        """Staff categories whose attributes equal `flags`, e.g. quota_kind="civil_servant"."""
        return tuple(sorted(
            name for name, c in self.staff_categories.items()
            if all(getattr(c, k) == v for k, v in flags.items())
        ))


def _rows(seed_dir: Path, name: str) -> list[dict[str, str]]:
    with open(seed_dir / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _bool(value: str) -> bool:
    return value.strip().lower() == "true"


@cache
def load_parameters(seed_dir: Path = SEED_DIR) -> Parameters:
    """Every policy parameter, from the seed CSVs in `seed_dir`."""
    ladder: dict[str, list[tuple[int, int, int]]] = {}
    for r in _rows(seed_dir, "policy_retirement_ladder"):
        ladder.setdefault(r["sex"], []).append(
            (int(r["year_from"]), int(r["year_to"]), int(r["age_months"])))
    window = _rows(seed_dir, "policy_window")[0]
    types: dict[tuple[str, str], set[str]] = {}
    not_computed = set()
    for r in _rows(seed_dir, "policy_decision_types"):
        if r["staff_category"]:
            types.setdefault((r["decree"], r["policy"]), set()).add(r["staff_category"])
        else:
            not_computed.add((r["decree"], r["policy"]))
    cut_off = {
        r["decree"]: CutOff(date.fromisoformat(r["last_leave_date"]),
                            date.fromisoformat(r["extended_decision_before"]),
                            date.fromisoformat(r["extended_last_leave_date"]))
        for r in _rows(seed_dir, "policy_cut_off")
    }
    part_time = _rows(seed_dir, "policy_part_time")[0]
    return Parameters(
        base_salaries=tuple(sorted(
            (date.fromisoformat(r["valid_from"]), int(r["base_salary_vnd"]))
            for r in _rows(seed_dir, "policy_base_salary"))),
        ladder={sex: tuple(sorted(rows)) for sex, rows in ladder.items()},
        appendices=tuple(sorted(
            ((r["appendix"], Decimal(r["min_hardship_years"]), int(r["reduction_months"]))
             for r in _rows(seed_dir, "policy_retirement_appendix")),
            key=lambda a: a[1])),
        bands=tuple(
            Band(r["band"], int(r["min_months_early"]), int(r["max_months_early"]),
                 _bool(r["is_open_to_appendix_ii"]), Decimal(r["pension_allowance_factor"]),
                 int(r["pension_allowance_max_months"]), Decimal(r["months_per_year_early"]),
                 _bool(r["has_service_allowance"]))
            for r in _rows(seed_dir, "policy_early_retirement_bands")),
        window_months=int(window["window_months"]),
        full_multiplier=Decimal(window["full_multiplier"]),
        late_multiplier=Decimal(window["late_multiplier"]),
        pension_minimum=tuple(
            (date.fromisoformat(r["leave_from"]), date.fromisoformat(r["leave_to"]),
             int(r["min_si_months"]))
            for r in _rows(seed_dir, "policy_pension_minimum")),
        service_allowance=tuple(
            ServiceAllowance(date.fromisoformat(r["leave_from"]), date.fromisoformat(r["leave_to"]),
                             Decimal(r["ysi_min"]), Decimal(r["ysi_below"]),
                             Decimal(r["base_months"]), Decimal(r["base_years"]),
                             Decimal(r["months_per_extra_year"]))
            for r in _rows(seed_dir, "policy_service_allowance")),
        resignation={
            k: Decimal(v) for k, v in _rows(seed_dir, "policy_resignation")[0].items()
            if k not in ("source_article", "source_url")},
        staff_categories={
            r["staff_category"]: StaffCategory(Decimal(r["public_service_factor"]),
                                               _bool(r["has_job_search_allowance"]),
                                               r["quota_kind"] or None)
            for r in _rows(seed_dir, "policy_staff_categories")},
        decision_types={k: frozenset(v) for k, v in types.items()},
        not_computed=frozenset(not_computed),
        part_time={
            k: (_bool(v) if k.startswith("is_") else Decimal(v))
            for k, v in part_time.items() if k not in ("source_article", "source_url")},
        cut_off=cut_off,
        deferrals={r["deferral"]: _bool(r["is_waived_if_voluntary"])
                   for r in _rows(seed_dir, "policy_deferrals")},
        audit_tolerance_vnd=int(_rows(seed_dir, "policy_audit")[0]["tolerance_vnd"]),
    )
