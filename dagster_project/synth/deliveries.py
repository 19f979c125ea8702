"""The delivery plan: which roster each province sends for which month, dated which day,
and what goes wrong with it. Pure (no files, no persons): the timeline reads it to know
which roster a decision can rest on, the file planner to know what to write, and the
ground truth `_manifest/deliveries.csv` is derived from it.

- Months run from January 2025 (Decree 178 in force) through `through`.
- Before July 2025 each OLD province sends its own history (`config.PRE_HISTORY`: only June,
  March and June, or every month) in its own date style (`config.DATE_STYLES`); from July
  the NEW province's Department of Home Affairs delivers for all its old parts, in its style.
  Now and then one month is dated a day or two off (`config.DATE_DEVIATION_SHARE`).
- Incidents, per new province and post-merger month (`config.INCIDENT_RATES`): a supplement
  file, a copy of a file under a second name, a month not delivered, a month incomplete (an
  old part missing, or a file cut at about half); and exactly one file rejected (a required
  column missing). Never in July 2025 nor in the last month, one per province-month.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from dagster_project.synth import config

PRE_MONTHS = {"june_only": (6,), "quarterly": (3, 6), "monthly": (1, 2, 3, 4, 5, 6)}
INCIDENTS = ("supplement", "copy", "not_delivered", "incomplete")
POST_MODES = ("csv_monthly", "parquet_yearly", "xlsx_quarterly")


def months_through(through: str) -> list[tuple[int, int]]:
    """(year, month) from January 2025 through `through` (YYYY-MM, 2025-07 or later)."""
    y, m = (int(x) for x in through.split("-"))
    if (y, m) < (2025, 7):
        raise ValueError(f"--through must be 2025-07 or later, got {through}")
    out, cy, cm = [], 2025, 1
    while (cy, cm) <= (y, m):
        out.append((cy, cm))
        cy, cm = (cy + 1, 1) if cm == 12 else (cy, cm + 1)
    return out


def usual_day(style: str, year: int, month: int) -> int:
    """The day a style dates a month's roster: `last`, `30`/`29`/`28` (the last day when the
    month is shorter) or `15`."""
    last = calendar.monthrange(year, month)[1]
    if style == "last":
        return last
    return min(int(style), last)


def _choice(rng, table) -> str:
    labels = [x for x, _ in table]
    w = np.array([p for _, p in table], float)
    return labels[int(rng.choice(len(labels), p=w / w.sum()))]


def _guaranteed(rng, keys: list[str], must: list[str], table) -> dict[str, str]:
    """A value per key drawn from `table`; with 3+ keys the first ones in a seeded order take
    the values of `must`, so a selection always shows them."""
    order = [keys[i] for i in rng.permutation(len(keys))]
    out = {}
    for i, k in enumerate(order):
        out[k] = must[i] if len(keys) >= 3 and i < len(must) else _choice(rng, table)
    return {k: out[k] for k in keys}


@dataclass
class PartMonth:
    """What one OLD province's part of the rosters looks like for one month."""

    snapshot_date: date
    status: str = "full"  # full | missing | rejected | truncated
    keep: float = 1.0  # truncated: the share of rows the file keeps (the first ones)
    supplement: tuple[float, int] | None = None  # (share of rows moved out, persons in both)
    copy: bool = False  # the file covering this month is sent twice
    deviation: bool = False  # dated off the province's usual day


@dataclass
class Plan:
    months: list[tuple[int, int]]
    pre_history: dict[str, str]  # old province -> june_only | quarterly | monthly
    pre_style: dict[str, str]  # old province -> date style before July 2025
    post_style: dict[str, str]  # new province -> date style from July 2025
    post_mode: dict[str, str]  # old province -> csv_monthly | parquet_yearly | xlsx_quarterly
    parts: dict[tuple[str, int], PartMonth] = field(default_factory=dict)  # (old, month index)
    incidents: list[tuple[str, int, str]] = field(default_factory=list)  # (new, month index, kind)
    rejected: tuple[str, int] | None = None  # (old, month index) of the file missing a column

    def month_key(self, mi: int) -> str:
        y, m = self.months[mi]
        return f"{y:04d}-{m:02d}"

    def is_post(self, mi: int) -> bool:
        return self.months[mi] >= (2025, 7)

    def scheduled(self, old: str) -> list[int]:
        """Month indices for which `old` has a part (delivered or not), in order."""
        return sorted(mi for (o, mi) in self.parts if o == old)


def post_modes(old_provinces: list[str], seed: int) -> dict[str, str]:
    """Each old province delivers post-merger rosters one way; a selection of 3+ shows all
    three ways, and one old province always sends monthly CSV (the file that can miss a
    column)."""
    rng = np.random.default_rng([seed, 21])
    order = list(rng.permutation(old_provinces))
    modes = {}
    for i, o in enumerate(order):
        modes[o] = POST_MODES[i] if i < len(POST_MODES) and len(order) >= 3 else _choice(
            rng, config.POST_MODES)
    if "csv_monthly" not in modes.values():
        modes[order[0]] = "csv_monthly"
    return modes


def _deviate(rng, style: str, y: int, m: int) -> int:
    day = usual_day(style, y, m)
    if style == "15":
        return day + (1 if rng.random() < 0.5 else -1)
    return day - (1 if rng.random() < 0.7 else 2)


def build(old_of_new: dict[str, list[str]], old_communes: dict[str, int], seed: int,
          through: str, clean: bool = False) -> Plan:
    """The plan for a selection: `old_of_new` maps each new province to its old parts,
    `old_communes` each old province to its number of communes (a proxy for its rows)."""
    months = months_through(through)
    new_provinces = sorted(old_of_new)
    olds = sorted(o for n in new_provinces for o in old_of_new[n])
    new_of = {o: n for n in new_provinces for o in old_of_new[n]}
    rng = np.random.default_rng([seed, 61])
    plan = Plan(
        months=months,
        pre_history=_guaranteed(rng, olds, ["monthly", "quarterly", "june_only"], config.PRE_HISTORY),
        pre_style=_guaranteed(rng, olds, ["last", "15", "28"], config.DATE_STYLES),
        post_style=_guaranteed(rng, new_provinces, ["last", "28", "15"], config.DATE_STYLES),
        post_mode=post_modes(olds, seed),
    )
    # dates: pre per old province, post per new province (shared by its old parts)
    for o in olds:
        for mi, (y, m) in enumerate(months):
            if plan.is_post(mi) or m not in PRE_MONTHS[plan.pre_history[o]]:
                continue
            style, dev = plan.pre_style[o], rng.random() < config.DATE_DEVIATION_SHARE
            day = _deviate(rng, style, y, m) if dev else usual_day(style, y, m)
            plan.parts[(o, mi)] = PartMonth(date(y, m, day), deviation=dev)
    post = [mi for mi in range(len(months)) if plan.is_post(mi)]
    for n in new_provinces:
        for mi in post:
            y, m = months[mi]
            style, dev = plan.post_style[n], rng.random() < config.DATE_DEVIATION_SHARE
            day = _deviate(rng, style, y, m) if dev else usual_day(style, y, m)
            for o in old_of_new[n]:
                plan.parts[(o, mi)] = PartMonth(date(y, m, day), deviation=dev)
    if not any(p.deviation for p in plan.parts.values()) and len(post) >= 3:
        n = new_provinces[int(rng.integers(0, len(new_provinces)))]
        mi = post[1 + int(rng.integers(0, len(post) - 2))]
        y, m = months[mi]
        day = _deviate(rng, plan.post_style[n], y, m)
        for o in old_of_new[n]:
            plan.parts[(o, mi)] = PartMonth(date(y, m, day), deviation=True)
    if clean:
        return plan
    # incidents: never July 2025 (the first post-merger month) nor the last month
    slots = [(n, mi) for n in new_provinces for mi in post[1:-1]]
    if not slots:
        return plan
    taken: dict[tuple[str, int], str] = {}
    # the one file that misses a required column: a monthly CSV part, in the middle months
    csv_parts = [o for o in olds if plan.post_mode[o] == "csv_monthly"]
    o = csv_parts[int(rng.integers(0, len(csv_parts)))]
    mids = post[1:-1]
    mi = mids[len(mids) // 2]
    plan.rejected = (o, mi)
    taken[(new_of[o], mi)] = "rejected"
    wanted = {k: int(rng.binomial(len(slots), r)) for k, r in config.INCIDENT_RATES.items()}
    if len(new_provinces) >= 2 and len(mids) >= 2:
        wanted = {k: max(1, v) for k, v in wanted.items()}
    merged = [n for n in new_provinces if len(old_of_new[n]) > 1]
    for kind in INCIDENTS:
        for _ in range(wanted[kind]):
            free = [s for s in slots if s not in taken]
            if kind == "incomplete" and merged and not any(
                    k == "incomplete" and n in merged for (n, _m), k in taken.items()):
                free = [s for s in free if s[0] in merged] or free  # the first: merged
            if not free:
                break
            taken[free[int(rng.integers(0, len(free)))]] = kind
    for (n, mi), kind in sorted(taken.items(), key=lambda x: (x[0][1], x[0][0])):
        plan.incidents.append((n, mi, kind))
        parts = old_of_new[n]
        if kind == "rejected":
            plan.parts[plan.rejected].status = "rejected"
        elif kind == "not_delivered":
            for o in parts:
                plan.parts[(o, mi)].status = "missing"
        elif kind == "incomplete":
            if len(parts) > 1:  # the biggest old part's roster is missing
                big = max(parts, key=lambda o: (old_communes.get(o, 0), o))
                plan.parts[(big, mi)].status = "missing"
                left = 1 - old_communes.get(big, 0) / max(1, sum(old_communes.get(o, 0) for o in parts))
                if left > 0.7:  # still most of the rows: the others are cut too
                    for o in parts:
                        if o != big:
                            plan.parts[(o, mi)].status = "truncated"
                            plan.parts[(o, mi)].keep = 0.5
            else:
                lo, hi = config.INCOMPLETE_KEEP
                plan.parts[(parts[0], mi)].status = "truncated"
                plan.parts[(parts[0], mi)].keep = round(float(rng.uniform(lo, hi)), 3)
        elif kind == "supplement":
            o = parts[int(rng.integers(0, len(parts)))]
            lo, hi = config.SUPPLEMENT_SHARE
            a, b = config.SUPPLEMENT_OVERLAP
            plan.parts[(o, mi)].supplement = (round(float(rng.uniform(lo, hi)), 4),
                                              int(rng.integers(a, b + 1)))
        elif kind == "copy":
            csv_first = sorted(parts, key=lambda o: (plan.post_mode[o] != "csv_monthly", o))
            plan.parts[(csv_first[0], mi)].copy = True
    return plan


def status_of(plan: Plan, olds: list[str], mi: int) -> str:
    """The expected status of a province's month from the states of its parts."""
    states = [plan.parts[(o, mi)].status for o in olds if (o, mi) in plan.parts]
    if "rejected" in states:
        return "rejected"
    if all(s == "missing" for s in states):
        return "not_delivered"
    if any(s in ("missing", "truncated") for s in states):
        return "incomplete"
    return "delivered"
