"""People who look real: names, sex, birth dates, national IDs, grades and salary
coefficients, allowances, social-insurance months, deferrals. Vectorised with numpy."""

from datetime import date

import numpy as np

from dagster_project.policy import rules
from dagster_project.synth import config
from dagster_project.synth.names import full_names

EPOCH = np.datetime64("1970-01-01", "D")
SNAP0 = np.datetime64(config.FIRST_SNAPSHOT.isoformat(), "D")

# grade: (first coefficient, step increment, number of steps, years per step)
SCALES = {"A3": (6.20, 0.36, 6, 3), "A2": (4.40, 0.34, 8, 3), "A1": (2.34, 0.33, 9, 3),
          "A0": (2.10, 0.31, 10, 3), "B": (1.86, 0.20, 12, 2)}
GRADE_NAMES = tuple(SCALES)
GRADE_P = {  # (level, category) -> probabilities over GRADE_NAMES
    ("province", "civil_servant"): (0.06, 0.34, 0.55, 0.0, 0.05),
    ("province", "cadre"): (0.5, 0.5, 0.0, 0.0, 0.0),
    ("province", "public_employee"): (0.0, 0.25, 0.65, 0.0, 0.10),
    ("district", "civil_servant"): (0.0, 0.15, 0.72, 0.05, 0.08),
    ("district", "cadre"): (0.0, 0.6, 0.4, 0.0, 0.0),
    ("district", "public_employee"): (0.0, 0.1, 0.7, 0.1, 0.1),
    ("commune", "cadre"): (0.0, 0.0, 0.8, 0.1, 0.1),
    ("commune", "civil_servant"): (0.0, 0.0, 0.78, 0.12, 0.10),
    ("contract_worker",): (0.0, 0.0, 0.3, 0.2, 0.5),
}
EDUCATION = ("Đại học", "Thạc sĩ", "Cao đẳng", "Trung cấp", "Tiến sĩ", "Trung học phổ thông")
EDU_P_STAFF = (0.68, 0.16, 0.05, 0.10, 0.01, 0.0)
EDU_P_PART_TIME = (0.30, 0.0, 0.15, 0.40, 0.0, 0.15)
FIELDS = ("Hành chính", "Luật", "Kinh tế", "Kế toán", "Quản lý đất đai", "Xây dựng",
          "Công nghệ thông tin", "Nông nghiệp", "Văn hóa", "Chính trị")


_pension_cache: dict[tuple[str, int, int, bool], int] = {}


def pension_start_index(female: np.ndarray, dob: np.ndarray, hardship: np.ndarray) -> np.ndarray:
    """Month index (year * 12 + month - 1) the pension starts, from the policy engine's
    Decree 135 ladder (`rules.retirement_month_index`) evaluated once per distinct
    (sex, birth month, Appendix) and mapped back."""
    ym = dob.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    app2 = hardship >= 15
    key = (ym * 2 + app2) * 2 + female
    uniq, inv = np.unique(key, return_inverse=True)
    out = np.empty(len(uniq), dtype=np.int64)
    for i, k in enumerate(uniq.tolist()):
        fem, rest = k % 2, k // 2
        a2, m = rest % 2, rest // 2
        y, mo = 1970 + m // 12, m % 12 + 1
        ck = ("F" if fem else "M", y, mo, bool(a2))
        if ck not in _pension_cache:
            _pension_cache[ck] = rules.retirement_month_index(ck[0], date(y, mo, 1), ck[3]) + 1
        out[i] = _pension_cache[ck]
    return out[inv]


def month_index(d: np.ndarray) -> np.ndarray:
    """datetime64[D] -> year * 12 + month - 1."""
    return d.astype("datetime64[M]").astype(np.int64) + 1970 * 12


def national_ids(rng, birth_prov: np.ndarray, female: np.ndarray, dob: np.ndarray) -> np.ndarray:
    """12 digits: 3-digit province code, century/sex code (1900s: M 0, F 1; 2000s: M 2,
    F 3), the last two digits of the birth year, then 6 random digits."""
    year = dob.astype("datetime64[Y]").astype(np.int64) + 1970
    cs = np.where(year >= 2000, 2, 0) + female.astype(np.int64)
    rand = rng.integers(0, 1_000_000, len(year))
    return np.array([f"0{p}{c}{y % 100:02d}{r:06d}" for p, c, y, r
                     in zip(birth_prov, cs.tolist(), year.tolist(), rand.tolist(), strict=True)],
                    dtype=object)


def make(rng, old_province: str, levels: np.ndarray, categories: np.ndarray,
         lead: np.ndarray, all_old: list[str], age_range: tuple[int, int] | None = None,
         ref_date: np.datetime64 = SNAP0) -> dict[str, np.ndarray]:
    """Attributes of n people of the given level and category, as at `ref_date`."""
    n = len(categories)
    cat = categories
    part = cat == "commune_part_time"
    female = rng.random(n) < np.array([config.FEMALE_SHARE[c] for c in cat])
    # ages: a normal bell by category, clipped to the working range; re-drawn until the
    # person is below their Decree 135 pension age on the reference date
    mean = np.array([config.AGE_MEAN[c] for c in cat])
    lo, hi = age_range or (config.AGE_MIN, config.AGE_MAX)
    hardship = np.zeros(n)
    mountain = old_province in config.MOUNTAIN_PROVINCES
    hs = config.HARDSHIP_SHARE_MOUNTAIN if mountain else config.HARDSHIP_SHARE
    hmask = rng.random(n) < hs
    hardship[hmask] = np.round(rng.uniform(15, 25, hmask.sum()) * 2) / 2
    small = (~hmask) & (rng.random(n) < 0.08)
    hardship[small] = np.round(rng.uniform(1, 14, small.sum()) * 2) / 2
    todo = np.ones(n, bool)
    dob = np.empty(n, dtype="datetime64[D]")
    ref_m = month_index(np.array([ref_date]))[0]
    for attempt in range(8):
        k = int(todo.sum())
        if k == 0:
            break
        if attempt < 6:
            age = np.clip(rng.normal(mean[todo], config.AGE_SD), lo, hi + 0.99)
        else:
            age = rng.uniform(lo, lo + 10, k)
        days = (age * 365.25).astype(np.int64)
        dob[todo] = ref_date - days
        ok = pension_start_index(female[todo], dob[todo], hardship[todo]) > ref_m + 1
        idx = np.flatnonzero(todo)
        todo[idx[ok]] = False
    age_months = (ref_date - dob).astype(np.int64) // 30.4375
    # hardship years cannot exceed working years
    # social insurance: start work at 21-28 (part-timers 22-45, with gaps)
    start = np.where(part, rng.uniform(22, 45, n), rng.uniform(21, 28, n)) * 12
    si = np.maximum(0, age_months - start).astype(np.int64)
    gap = np.where(rng.random(n) < 0.2, rng.integers(0, 36, n), 0)
    si = np.maximum(0, si - gap)
    si = np.where(part, (si * rng.uniform(0.3, 1.0, n)).astype(np.int64), si)
    hardship = np.minimum(hardship, np.floor(si / 6) / 2)
    # grade, step, coefficient, beyond-frame allowance
    grade = np.empty(n, dtype=object)
    for key, p in GRADE_P.items():
        if len(key) == 1:
            m = cat == key[0]
        else:
            m = (levels == key[0]) & (cat == key[1])
        if m.any():
            grade[m] = np.asarray(GRADE_NAMES, dtype=object)[rng.choice(5, m.sum(), p=p)]
    grade[(lead >= 0.9) & ~part] = "A3"
    grade[(lead >= 0.6) & (lead < 0.9) & ~part] = "A2"
    grade[part] = ""
    coef = np.zeros(n)
    step = np.zeros(n, np.int64)
    bf = np.zeros(n, np.int64)
    raise_in = np.full(n, 10_000, np.int64)  # months from ref_date to the next step rise
    inc = np.zeros(n)
    for g, (first, step_inc, steps, yps) in SCALES.items():
        m = grade == g
        if not m.any():
            continue
        served = si[m]
        st = np.minimum(1 + served // (12 * yps), steps)
        step[m] = st
        coef[m] = np.round(first + step_inc * (st - 1), 2)
        inc[m] = step_inc
        extra_years = served // 12 - yps * (steps - 1)
        bf[m] = np.where((st == steps) & (extra_years >= yps),
                         np.minimum(30, 5 + np.maximum(0, extra_years - yps)), 0)
        raise_in[m] = np.where(st < steps, 12 * yps - served % (12 * yps), 10_000)
    other = np.where((rng.random(n) < config.OTHER_ALLOWANCE_SHARE) & ~part,
                     np.round(config.BASE_SALARY_VND * rng.uniform(0.05, 0.5, n), -3), 0
                     ).astype(np.int64)
    monthly = np.where(part, (config.BASE_SALARY_VND * rng.choice(
        config.PART_TIME_ALLOWANCE_B, n)).round().astype(np.int64), 0)
    # deferrals
    deferral = np.full(n, "", dtype=object)
    u = rng.random(n)
    acc = 0.0
    young_f = female & (age_months < 45 * 12)
    for kind, share in config.DEFERRAL_SHARE.items():
        family = kind in rules.VOLUNTARY_DEFERRALS
        eff = share * (4 if family else 1)  # family deferrals only among younger women
        pick = (u >= acc) & (u < acc + eff)
        if family:
            pick &= young_f
        deferral[pick] = kind
        acc += eff
    # names, IDs
    birth_prov = np.full(n, old_province, dtype=object)
    other_born = rng.random(n) < config.ID_OTHER_PROVINCE_SHARE
    birth_prov[other_born] = np.asarray(all_old, dtype=object)[
        rng.integers(0, len(all_old), other_born.sum())]
    names = full_names(rng, female, upland=mountain)
    nid = national_ids(rng, birth_prov, female, dob)
    edu = np.asarray(EDUCATION, dtype=object)[np.where(
        part, rng.choice(6, n, p=EDU_P_PART_TIME), rng.choice(6, n, p=EDU_P_STAFF))]
    return {
        "national_id": nid, "full_name": np.asarray(names, dtype=object),
        "sex": np.where(female, "F", "M").astype(object), "date_of_birth": dob,
        "staff_category": cat, "salary_coefficient": np.where(part, np.nan, coef),
        "step_inc": inc, "raise_in": raise_in,
        "beyond_frame_pct": bf, "other_allowances_vnd": other,
        "monthly_allowance_vnd": monthly, "si_months": si, "hardship_years": hardship,
        "deferral": deferral, "education_level": edu,
        "pension_start": pension_start_index(female, dob, hardship),
        "grade": grade,
    }


ALL_OLD_PROVINCES = (
    "01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "22", "24",
    "25", "26", "27", "30", "31", "33", "34", "35", "36", "37", "38", "40", "42", "44", "45",
    "46", "48", "49", "51", "52", "54", "56", "58", "60", "62", "64", "66", "67", "68", "70",
    "72", "74", "75", "77", "79", "80", "82", "83", "84", "86", "87", "89", "91", "92", "93",
    "94", "95", "96",
)
FIELD_CHOICES = np.asarray(FIELDS, dtype=object)
