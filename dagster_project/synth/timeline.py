"""Who is where each month: the 30 June 2025 staff (and who of them joined in the first half
of 2025), the Decree 178 leavers before the merger (on the earlier rosters only), where each
goes on 1 July (along the agency lineage), who leaves (Decree 178, Decree 154, retirement,
unexplained), who moves outside the lineage and who is recruited (Decrees 170 and 173); the
leave decisions and their payments, priced by the policy engine from the roster row the
warehouse will hold for the person (the latest delivered one before the leave date, as the
delivery plan says)."""

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from dagster_project.policy import rules
from dagster_project.synth import config, people
from dagster_project.synth.deliveries import Plan
from dagster_project.synth.territory import Territory
from dagster_project.synth.units import UNIT_FIELDS, Units

D = "datetime64[D]"
NEVER = np.datetime64("2100-01-01", "D")
REF_MONTH = 2025 * 12 + 5  # June 2025 (year * 12 + month - 1): the staff's reference month
POST_START = date(2025, 7, 1)


def months_since_ref(d: date) -> int:
    """Months from June 2025 to the month of `d` (negative before)."""
    return d.year * 12 + d.month - 1 - REF_MONTH


@dataclass
class Timeline:
    persons: pl.DataFrame  # one row per person, static attributes and events
    plan: Plan
    decisions: pl.DataFrame  # contract columns + truth + basis (old province, month index)
    leavers: pl.DataFrame
    joiners: pl.DataFrame
    transfers: pl.DataFrame


def _weighted_sample(rng, weights: np.ndarray, k: int) -> np.ndarray:
    """k indices without replacement, probability proportional to weight (A-ES keys)."""
    k = min(k, int((weights > 0).sum()))
    keys = np.where(weights > 0, np.log(rng.random(len(weights))) / np.maximum(weights, 1e-12),
                    -np.inf)
    return np.sort(np.argpartition(-keys, k - 1)[:k]) if k > 0 else np.array([], np.int64)


def _pick_dates(rng, table, n) -> np.ndarray:
    labels = np.array([x for x, _ in table], dtype=object)
    w = np.array([p for _, p in table], float)
    return labels[rng.choice(len(labels), n, p=w / w.sum())]


def _leaver_weights(cat, level, si, months_left, eligible) -> np.ndarray:
    """Who takes Decree 178: bands B and C (2-10 years early) pay far more than band A."""
    w = np.where(np.isin(cat, rules.DECREE_178_CATEGORIES) & eligible, 1.0, 0.0)
    near = (months_left >= 24) & (months_left <= 120) & (si >= 175)
    w = np.where(near, w * 3.0, w)
    w = np.where(level == "district", w * 1.4, w)
    w = np.where(months_left <= 7, 0.0, w)  # retiring anyway within months
    return np.where(si < 12, 0.0, w)  # less than a year of service: nothing to gain


def _month_of(d: np.ndarray) -> np.ndarray:
    """year * 12 + month - 1 of datetime64[D] values."""
    return d.astype("datetime64[M]").astype(np.int64) + 1970 * 12


def _early_policy(pension_start, leave, si_ref, hardship) -> np.ndarray:
    """early_retirement where the person can retire early on that leave date (months early
    within the band, insured months at least the pension minimum of A7), else resignation."""
    mid = _month_of(leave) + (leave != leave.astype("datetime64[M]").astype(D)).astype(np.int64)
    m_early = pension_start - mid
    si_at = si_ref + (mid - REF_MONTH)
    minimum = np.where(leave < np.datetime64(POST_START.isoformat()), 240, 180)
    app2 = hardship >= 15
    er = (m_early >= 1) & (m_early <= np.where(app2, 60, 120)) & (si_at >= minimum)
    return np.where(er, "early_retirement", "resignation").astype(object)


def _staff(t: Territory, u: Units, seed: int, progress) -> tuple[list[dict], dict[str, list]]:
    """The 30 June 2025 staff, one attribute dict per old province (in province order)."""
    parts = []
    slots_by_old: dict[str, list] = {}
    for s in u.slots:
        slots_by_old.setdefault(s.old_province, []).append(s)
    for old in t.old_provinces:
        sl = slots_by_old.get(old, [])
        if not sl:
            continue
        rng = np.random.default_rng([seed, int(old), 2])
        levels = np.array([s.level for s in sl], dtype=object)
        cats = np.array([s.category for s in sl], dtype=object)
        lead = np.array([s.lead_coef for s in sl])
        attrs = people.make(rng, old, levels, cats, lead, list(people.ALL_OLD_PROVINCES))
        fields = np.array([s.field for s in sl], dtype=object)
        fields = np.array([UNIT_FIELDS[f] if f in UNIT_FIELDS else f if " " in f else
                           people.FIELD_CHOICES[i % len(people.FIELD_CHOICES)]
                           for i, f in enumerate(fields)], dtype=object)
        # post-merger unit: follow the lineage edges of the pre unit, by share
        post_unit = np.empty(len(sl), dtype=object)
        for i, s in enumerate(sl):
            succ = u.successors[s.unit_code]
            if len(succ) == 1:
                post_unit[i] = succ[0][0]
            else:
                w = np.array([x[1] for x in succ])
                post_unit[i] = succ[int(rng.choice(len(succ), p=w / w.sum()))][0]
        # a few were recruited in the first half of 2025; everyone else is on the rosters from
        # January, so has at least the 5 insured months from January to June
        si = attrs["si_months"]
        position = np.array([s.position for s in sl], dtype=object)
        hired = (rng.random(len(sl)) < config.H1_JOIN_SHARE) & (position == "") & (si >= 6)
        start = np.where(hired, 2025 * 12 + rng.integers(1, 6, len(sl)), 2025 * 12)
        attrs["si_months"] = np.where(~hired & (si < 5), si + 5, si)
        join = np.array([f"{m // 12:04d}-{m % 12 + 1:02d}-01" for m in start.tolist()], dtype=D)
        attrs.update({
            "old_province": np.full(len(sl), old, dtype=object), "level": levels,
            "pre_unit": np.array([s.unit_code for s in sl], dtype=object),
            "post_unit": post_unit, "position": position,
            "leadership_allowance_coefficient": lead, "field": fields, "join_date": join,
        })
        parts.append(attrs)
        if progress:
            progress.update(1)
    return parts, slots_by_old


def _pre_july_leavers(t: Territory, plan: Plan, slots_by_old: dict[str, list], staff: dict,
                      n178: int, seed: int) -> tuple[list[dict], dict[str, np.ndarray]]:
    """Decree 178 leavers before the merger: extra persons (not in the 30 June staff) in the
    old provinces that deliver pre-merger history, who leave after that province's first
    roster. Returns their attribute dicts (per province) and, per province, the leave dates."""
    total_staff = sum(staff.values())
    out, leave_by_old = [], {}
    for old in t.old_provinces:
        history = plan.pre_history[old]
        sl = [s for s in slots_by_old.get(old, [])
              if s.position == "" and s.category in rules.DECREE_178_CATEGORIES]
        n = int(round(config.PRE_JULY_178_SHARE * n178 * staff.get(old, 0) / max(1, total_staff)))
        if history == "june_only" or not sl or n == 0:
            continue
        rng = np.random.default_rng([seed, int(old), 5])
        first = min(plan.parts[(old, mi)].snapshot_date for mi in plan.scheduled(old))
        table = [(d, w) for d, w in config.LEAVE_DATES_178_PRE if date.fromisoformat(d) > first]
        pool = rng.choice(len(sl), size=4 * n, replace=True)
        levels = np.array([sl[i].level for i in pool], dtype=object)
        cats = np.array([sl[i].category for i in pool], dtype=object)
        attrs = people.make(rng, old, levels, cats, np.zeros(len(pool)),
                            list(people.ALL_OLD_PROVINCES))
        leave = _pick_dates(rng, table, len(pool)).astype(D)
        months_left = attrs["pension_start"] - _month_of(leave)
        w = _leaver_weights(cats, levels, attrs["si_months"], months_left,
                            attrs["si_months"] >= 24)
        chosen = _weighted_sample(rng, w, n)
        attrs = {k: v[chosen] for k, v in attrs.items()}
        k = len(chosen)
        attrs.update({
            "old_province": np.full(k, old, dtype=object), "level": levels[chosen],
            "pre_unit": np.array([sl[i].unit_code for i in pool[chosen]], dtype=object),
            "post_unit": np.full(k, "", dtype=object), "position": np.full(k, "", dtype=object),
            "leadership_allowance_coefficient": np.zeros(k),
            "field": np.array([UNIT_FIELDS.get(sl[i].field, people.FIELD_CHOICES[0])
                               for i in pool[chosen]], dtype=object),
            "join_date": np.full(k, np.datetime64("2025-01-01", "D")),
        })
        out.append(attrs)
        leave_by_old[old] = leave[chosen]
    return out, leave_by_old


def _ratings(P: dict, years: list[int], seed: int) -> dict[str, np.ndarray]:
    """`rating_<year>` per person: the annual quality rating of that year (None: not rated).
    Drawn from its own stream, so the rest of the story does not move."""
    rng = np.random.default_rng([seed, 97])
    labels = np.array([x for x, _ in config.QUALITY_RATING_SHARES], dtype=object)
    cum = np.cumsum([p for _, p in config.QUALITY_RATING_SHARES])
    n = len(P["national_id"])
    # the staff on the rosters from January 2025 worked before it; later joiners from their date
    since = np.where(P["join_date"] > np.datetime64("2025-01-01"), P["join_date"],
                     np.datetime64("1900-01-01"))
    troubled = np.isin(P["deferral"], ["discipline", "prosecution"])
    out = {}
    for year in years:
        drawn = labels[np.searchsorted(cum / cum[-1], rng.random(n), side="right").clip(0, len(labels) - 1)]
        drawn = np.where(troubled & (rng.random(n) < config.RATING_NOT_COMPLETED_IF_DISCIPLINE),
                         "not_completed", drawn)
        rated = (P["staff_category"] != "contract_worker") & (since < np.datetime64(f"{year}-07-01"))
        out[f"rating_{year}"] = np.where(rated, drawn, None).astype(object)
    return out


def build(t: Territory, u: Units, plan: Plan, seed: int, scale: float,
          progress=None) -> Timeline:  # noqa: C901 - the story in order
    y, m = plan.months[-1]
    end = np.datetime64(date(y + (m == 12), m % 12 + 1, 1).isoformat(), "D") - 1
    post_firsts = [date(yy, mm, 1) for yy, mm in plan.months if (yy, mm) >= (2025, 7)]

    # ---- the 30 June 2025 staff, then the leavers before the merger, per old province -----
    parts, slots_by_old = _staff(t, u, seed, progress)
    staff = {p["old_province"][0]: len(p["national_id"]) for p in parts}
    share = t.n_old_communes / config.NATIONAL_OLD_COMMUNES
    n178 = int(round(config.TARGETS["decree_178_leavers"] * share * scale))
    early_parts, early_leave = _pre_july_leavers(t, plan, slots_by_old, staff, n178, seed)
    n_june = sum(staff.values())
    parts = parts + early_parts

    def concat(key):
        return np.concatenate([p[key] for p in parts]) if parts else np.array([])

    keys = list(parts[0].keys())
    P = {k: concat(k) for k in keys}
    n = len(P["national_id"])
    rng = np.random.default_rng([seed, 3])
    # ---- recruits after 1 July 2025 (Decree 170 civil servants, Decree 173 contracts) ------
    join_months = [d for d in post_firsts if d >= date(2025, 8, 1)]
    n_post = n_june
    joiners_rows = []
    if join_months:
        commune_units = [code for c in sorted(u.post_commune_units)
                         for suf, code in u.post_commune_units[c].items()
                         if suf in ("VP", "PKT", "PVHXH")]
        n170 = int(round(config.RECRUIT_170_SHARE * n_post))
        n173 = int(round(config.RECRUIT_173_SHARE * n_post))
        cats = np.array(["civil_servant"] * n170 + ["contract_worker"] * n173, dtype=object)
        if len(cats) and commune_units:
            rng_r = np.random.default_rng([seed, 4])
            attrs = people.make(rng_r, t.old_provinces[0], np.full(len(cats), "commune", object),
                                cats, np.zeros(len(cats)), list(people.ALL_OLD_PROVINCES),
                                age_range=(23, 35))
            units_r = np.asarray(commune_units, dtype=object)[
                rng_r.integers(0, len(commune_units), len(cats))]
            firsts = np.array([d.isoformat() for d in join_months], dtype=D)
            jd = firsts[rng_r.integers(0, len(firsts), len(cats))]  # 1st of a month
            newprov = np.array([code[2:7] for code in units_r], dtype=object)
            keeper = np.array([t.communes_post[c]["province_code"] for c in newprov], dtype=object)
            # most recruits were born in the province that recruits them
            local = rng_r.random(len(cats)) >= config.ID_OTHER_PROVINCE_SHARE
            attrs["national_id"] = np.array(
                [f"0{k}{nid[3:]}" if loc else nid for k, nid, loc
                 in zip(keeper, attrs["national_id"], local, strict=True)], dtype=object)
            attrs.update({
                "old_province": keeper, "level": np.full(len(cats), "commune", object),
                "pre_unit": np.full(len(cats), "", object), "post_unit": units_r,
                "position": np.full(len(cats), "", object),
                "leadership_allowance_coefficient": np.zeros(len(cats)),
                "field": people.FIELD_CHOICES[rng_r.integers(0, len(people.FIELD_CHOICES), len(cats))],
                "join_date": jd,
                "si_months": np.minimum(attrs["si_months"], rng_r.integers(0, 60, len(cats))),
            })
            for k in keys:
                P[k] = np.concatenate([P[k], attrs[k]])
            reasons = np.where(cats == "civil_servant", "decree_170", "decree_173")
            joiners_rows = list(zip(attrs["national_id"].tolist(),
                                    [str(x)[:7] for x in jd], reasons.tolist(), strict=True))
    n_all = len(P["national_id"])

    # ---- unique national IDs (re-draw the random tail of any repeat) ----------------------
    ids = P["national_id"]
    for _ in range(20):
        _, first = np.unique(ids, return_index=True)
        dup = np.setdiff1d(np.arange(n_all), first)
        if len(dup) == 0:
            break
        tails = rng.integers(0, 1_000_000, len(dup))
        for i, tail in zip(dup.tolist(), tails.tolist(), strict=True):
            ids[i] = f"{ids[i][:6]}{tail:06d}"
    P["national_id"] = ids

    # ---- exits ------------------------------------------------------------------------------
    pension_date = np.array([f"{i // 12:04d}-{i % 12 + 1:02d}-01" for i in P["pension_start"]],
                            dtype=D)
    leave = np.where(pension_date > np.datetime64("2025-07-01"), pension_date, NEVER)
    reason = np.where(leave < NEVER, "retirement", "").astype(object)
    cat = P["staff_category"]
    is_june = np.arange(n_all) < n_june  # the 30 June staff (recruits come later)
    is_existing = P["join_date"] < np.datetime64("2025-06-30")
    # the early leavers (after the June staff) leave on their dates
    early = np.arange(n_june, n)
    early_ld = (np.concatenate([early_leave[o] for o in t.old_provinces if o in early_leave])
                if early_leave else np.array([], dtype=D))
    leave[early] = early_ld
    reason[early] = "decree_178"
    early_dd = early_ld - rng.integers(10, 46, len(early))
    early_policy = _early_policy(P["pension_start"][early], early_ld, P["si_months"][early],
                                 P["hardship_years"][early])
    months_left = P["pension_start"] - (2025 * 12 + 6)
    w = _leaver_weights(cat, P["level"], P["si_months"], months_left, is_existing & is_june)
    chosen = _weighted_sample(rng, w, n178 - len(early))
    labels = _pick_dates(rng, config.LEAVE_DATES_178, len(chosen))
    ld = np.empty(len(chosen), dtype=D)
    dd = np.empty(len(chosen), dtype=D)
    for i, lab in enumerate(labels):
        if lab == "late_in_time":
            ld[i] = np.datetime64(("2025-10-01", "2025-11-01", "2025-12-01")[rng.integers(0, 3)])
            dd[i] = np.datetime64("2025-07-01") + rng.integers(0, 30)
        elif lab == "out_of_time":
            ld[i] = np.datetime64(("2025-10-01", "2025-11-01")[rng.integers(0, 2)])
            dd[i] = np.datetime64("2025-08-05") + rng.integers(0, 50)
        else:
            ld[i] = np.datetime64(lab)
            dd[i] = ld[i] - rng.integers(10, 45)
    policy178 = _early_policy(P["pension_start"][chosen], ld, P["si_months"][chosen],
                              P["hardship_years"][chosen])
    before = ld < leave[chosen]
    leave[chosen] = np.where(before, ld, leave[chosen])
    reason[chosen] = np.where(before, "decree_178", reason[chosen])

    # Decree 154: part-timers leave by 1 June 2026 (first day without work)
    pt = np.flatnonzero((cat == "commune_part_time") & is_existing & is_june)
    pt_ld = _pick_dates(rng, config.PART_TIME_LEAVE, len(pt)).astype(D)
    no_dec = rng.random(len(pt)) < config.PART_TIME_NO_DECISION
    before = pt_ld < leave[pt]
    leave[pt] = np.where(before, pt_ld, leave[pt])
    reason[pt] = np.where(before, np.where(no_dec, "unexplained", "decree_154"), reason[pt])
    dec154 = pt[before & ~no_dec]
    dec154_ld = pt_ld[before & ~no_dec]

    # a few vanish without explanation
    others = np.flatnonzero((reason == "") | (reason == "retirement"))
    vanish = others[rng.random(len(others)) < config.UNEXPLAINED_SHARE]
    firsts_np = np.array([d.isoformat() for d in post_firsts], dtype=D)
    if len(post_firsts) > 1:  # the first of a month from August on
        vd = firsts_np[rng.integers(1, len(post_firsts), len(vanish))]
        earlier = vd < leave[vanish]
        leave[vanish] = np.where(earlier, vd, leave[vanish])
        reason[vanish] = np.where(earlier, "unexplained", reason[vanish])

    # ---- transfers between new units outside the lineage ----------------------------------
    transfer_date = np.full(n_all, NEVER)
    transfer_unit = np.full(n_all, "", dtype=object)
    tr_rows = []
    cand = np.flatnonzero(np.array([str(x).startswith("XM") for x in P["post_unit"]]))
    if len(post_firsts) > 2 and len(cand):
        mover = cand[rng.random(len(cand)) < config.TRANSFER_SHARE]
        by_prov: dict[str, list[str]] = {}
        for c in sorted(u.post_commune_units):
            by_prov.setdefault(t.communes_post[c]["province_code"], []).append(c)
        for i in mover.tolist():
            src = P["post_unit"][i]
            prov = t.communes_post[src[2:7]]["province_code"]
            choices = [c for c in by_prov[prov] if c != src[2:7]]
            if not choices:
                continue
            dest_c = choices[int(rng.integers(0, len(choices)))]
            suffix = src.split("-", 1)[1]
            td = firsts_np[int(rng.integers(2, len(post_firsts)))]  # from September on
            if td >= leave[i] or td <= P["join_date"][i]:
                continue
            transfer_date[i] = td
            transfer_unit[i] = u.post_commune_units[dest_c][suffix]
            tr_rows.append((P["national_id"][i], str(td)[:7], src, transfer_unit[i]))

    P["leave_date"] = leave
    P["leave_reason"] = reason
    P["transfer_date"] = transfer_date
    P["transfer_unit"] = transfer_unit
    P["arrangement_date"] = np.array([u.arrangement.get(x, config.MERGER.isoformat())
                                      for x in P["pre_unit"]], dtype=object)
    P.update(_ratings(P, sorted({y - 1 for y, _m in plan.months}), seed))
    persons = pl.DataFrame({k: (v.tolist() if v.dtype == object else v) for k, v in P.items()
                            if k not in ("grade",)})
    persons = persons.with_columns(pl.col(r"^rating_\d{4}$").cast(pl.String))

    # ---- decisions and payments -------------------------------------------------------------
    specs = [(int(i), "178", str(pol), ld[j], dd[j]) for j, (i, pol) in
             enumerate(zip(chosen.tolist(), policy178.tolist(), strict=True))]
    specs += [(int(i), "178", str(pol), early_ld[j], early_dd[j]) for j, (i, pol) in
              enumerate(zip(early.tolist(), early_policy.tolist(), strict=True))]
    for j, i in enumerate(dec154.tolist()):
        lday = dec154_ld[j]
        specs.append((int(i), "154", "part_time_leave", lday, lday - rng.integers(10, 40)))
    decisions = _decisions(P, specs, plan, t.new_of_old, end, rng, progress)

    in_range = leave <= end
    lv = persons.filter(pl.Series(in_range & (reason != ""))).select(
        "national_id", "old_province",
        pl.col("leave_date").dt.strftime("%Y-%m").alias("leave_month"),
        "leave_date", pl.col("leave_reason").alias("reason"))
    h1 = np.flatnonzero(is_june & (P["join_date"] > np.datetime64("2025-01-01")))
    joiners_rows = [(P["national_id"][i], str(P["join_date"][i])[:7], "recruited_2025h1")
                    for i in h1.tolist()] + joiners_rows
    joiners = pl.DataFrame(joiners_rows, schema=["national_id", "join_month", "reason"],
                           orient="row")
    transfers = pl.DataFrame(tr_rows, schema=["national_id", "month", "from_unit", "to_unit"],
                             orient="row")
    return Timeline(persons, plan, decisions, lv, joiners, transfers)


def si_at(si_months: int, join_date: date, s: date) -> int:
    """Insured months on the roster dated `s` (what `roster` writes): the 30 June value moved
    by whole calendar months; for a person recruited from July, counted from the join month."""
    if join_date < POST_START:
        return si_months + months_since_ref(s)
    return si_months + (s.year * 12 + s.month) - (join_date.year * 12 + join_date.month)


class Basis:
    """The roster row a decision rests on: the person's latest row, dated before the leave
    date, in a roster the warehouse will hold (not missing, not rejected, not cut off)."""

    def __init__(self, P: dict, plan: Plan):
        self.P, self.plan = P, plan
        self.old = P["old_province"]
        self.months = {o: [(mi, np.datetime64(plan.parts[(o, mi)].snapshot_date.isoformat(), "D"),
                            plan.parts[(o, mi)]) for mi in plan.scheduled(o)[::-1]]
                       for o in set(self.old.tolist())}
        self.kept: dict[tuple[str, int], np.ndarray] = {}

    def _kept(self, o: str, mi: int) -> np.ndarray:
        if (o, mi) not in self.kept:
            part = self.plan.parts[(o, mi)]
            d = np.datetime64(part.snapshot_date.isoformat(), "D")
            mine = self.old == o
            present = mine & (self.P["join_date"] <= d) & (self.P["leave_date"] > d)
            rank = np.cumsum(present) - 1
            self.kept[(o, mi)] = present & (rank < kept_rows(int(present.sum()), part.keep))
        return self.kept[(o, mi)]

    def find(self, i: int, leave: np.datetime64) -> tuple[int, date]:
        o = self.old[i]
        join = self.P["join_date"][i]
        for mi, d, part in self.months[o]:
            if d >= leave or part.status in ("missing", "rejected") or join > d:
                continue
            if part.status == "truncated" and not self._kept(o, mi)[i]:
                continue
            return mi, part.snapshot_date
        raise RuntimeError(f"no roster before {leave} for person {i} of {o}")


def _numbers(rows: list[dict], new_of_old: dict[str, str], seed: int) -> list[str]:
    """Decision numbers: one quyết định per authority (the old province's People's Committee
    before 1 July, the new province's from then on), decree and day, split into lists of
    1 or 2-30 persons; numbers rise through the days with gaps."""
    rng = np.random.default_rng([seed, 71])
    groups: dict[tuple, list[int]] = {}
    for j, r in enumerate(rows):
        o = r["old_province"]
        authority = o if r["decision_date"] < POST_START else new_of_old[o]
        groups.setdefault((authority, r["decree"], r["decision_date"]), []).append(j)
    out = [""] * len(rows)
    counter: dict[tuple[str, str], int] = {}
    for (authority, decree, _day), members in sorted(groups.items()):
        members = sorted(members, key=lambda j: (rows[j]["old_province"], rows[j]["national_id"]))
        key = (authority, decree)
        pos = 0
        while pos < len(members):
            size = 1 if rng.random() < config.DECISION_SINGLE_SHARE else int(
                rng.integers(2, config.DECISION_GROUP_MAX + 1))
            counter[key] = counter.get(key, int(rng.integers(100, 600))) + int(rng.integers(1, 25))
            suffix = "QĐ-UBND" if decree == "178" else "QĐ-CT"
            for j in members[pos:pos + size]:
                out[j] = f"{counter[key]}/{suffix}"
            pos += size
    return out


def _decisions(P, specs, plan: Plan, new_of_old, end, rng, progress):  # noqa: C901
    rows = []
    seed = int(rng.integers(0, 2**31))
    basis = Basis(P, plan)
    u_truth = rng.random(len(specs))
    u_amt = rng.uniform(0.005, 0.2, len(specs))
    delay = np.clip(rng.lognormal(np.log(config.PAY_DELAY_MEDIAN_DAYS), 0.6, len(specs)), 3, 240)
    early_pay = rng.random(len(specs)) < 0.1
    u_vol = rng.random(len(specs))
    for j, (i, decree, policy, lday, dday) in enumerate(specs):
        if dday > end:
            continue
        mi, snap = basis.find(i, lday)
        coef = P["salary_coefficient"][i]
        if P["raise_in"][i] <= months_since_ref(snap):
            coef = round(coef + P["step_inc"][i], 2)
        voluntary = not (decree == "178" and u_vol[j] < config.INVOLUNTARY_SHARE)
        person = rules.Person(
            sex=P["sex"][i], date_of_birth=P["date_of_birth"][i].astype(date),
            staff_category=P["staff_category"][i],
            si_months=si_at(int(P["si_months"][i]), P["join_date"][i].astype(date), snap),
            snapshot_date=snap,
            salary_coefficient=None if np.isnan(coef) else f"{coef:.2f}",
            leadership_allowance_coefficient=f"{P['leadership_allowance_coefficient'][i]:.2f}",
            beyond_frame_pct=int(P["beyond_frame_pct"][i]),
            other_allowances_vnd=int(P["other_allowances_vnd"][i]),
            monthly_allowance_vnd=int(P["monthly_allowance_vnd"][i]) or None,
            hardship_years=float(P["hardship_years"][i]),
            deferral=P["deferral"][i] or None,
            arrangement_date=date.fromisoformat(P["arrangement_date"][i])
            if "arrangement_date" in P else config.MERGER,
        )
        dec = rules.Decision(decree=decree, policy=policy, decision_date=dday.astype(date),
                             leave_date=lday.astype(date), voluntary=voluntary)
        ent = rules.entitlement(person, dec)
        old = P["old_province"][i]
        pday = (dday + rng.integers(3, 20)) if early_pay[j] else lday + int(delay[j])
        pday = max(pday, dday)
        total = ent.total_vnd if ent.eligible else 0
        u = u_truth[j]
        if not ent.eligible:
            truth = "ineligible"
            paid = (int(round(float(ent.current_salary_vnd) * rng.uniform(8, 40), -3))
                    if u < config.PAY_INELIGIBLE_PAID else None)
        elif total == 0:
            truth, paid = "correct", 0
        elif u < config.PAY_UNPAID:
            truth, paid = "unpaid", None
        elif u < config.PAY_UNPAID + config.PAY_OVERPAID:
            truth, paid = "overpaid", total + max(2_000, int(round(total * u_amt[j])))
        elif (u < config.PAY_UNPAID + config.PAY_OVERPAID + config.PAY_UNDERPAID
              and total > max(2_000, int(round(total * u_amt[j])))):
            # never a negative payment: a total too small to underpay is paid correctly
            truth, paid = "underpaid", total - max(2_000, int(round(total * u_amt[j])))
        else:
            truth, paid = "correct", total
        if paid is not None and pday > end:  # not paid yet at the end of the data
            paid = None
            if truth != "ineligible":
                truth = "unpaid"
        rows.append({
            "national_id": P["national_id"][i], "decree": decree, "policy": policy,
            "decision_no": "", "decision_date": dday.astype(date), "leave_date": lday.astype(date),
            "voluntary": voluntary, "amount_paid_vnd": paid,
            "paid_date": pday.astype(date) if paid is not None else None,
            "old_province": old, "truth": truth, "expected_total_vnd": total,
            "failed_rule": ent.failed_rule or "", "basis_month": mi,
            "basis_snapshot_date": snap,
        })
        if progress and j % 2000 == 0:
            progress.set_postfix_str(f"decisions {j}")
    for r, no in zip(rows, _numbers(rows, new_of_old, seed), strict=True):
        r["decision_no"] = no
    schema = {"national_id": pl.Utf8, "decree": pl.Utf8, "policy": pl.Utf8,
              "decision_no": pl.Utf8, "decision_date": pl.Date, "leave_date": pl.Date,
              "voluntary": pl.Boolean, "amount_paid_vnd": pl.Int64, "paid_date": pl.Date,
              "old_province": pl.Utf8, "truth": pl.Utf8, "expected_total_vnd": pl.Int64,
              "failed_rule": pl.Utf8, "basis_month": pl.Int64, "basis_snapshot_date": pl.Date}
    return pl.DataFrame(rows, schema=schema)


def kept_rows(n: int, keep: float) -> int:
    """Rows a file cut at share `keep` holds (the first ones)."""
    return n if keep >= 1 else int(math.floor(keep * n))


def roster(persons: pl.DataFrame, s: date) -> pl.DataFrame:
    """The roster dated `s` (contract columns, typed), for the persons given, in their order."""
    months = months_since_ref(s)
    present = (pl.col("join_date") <= s) & (pl.col("leave_date") > s)
    pre = s < POST_START
    unit = (pl.when(pl.lit(pre)).then(pl.col("pre_unit"))
            .when(pl.col("transfer_date") <= s).then(pl.col("transfer_unit"))
            .otherwise(pl.col("post_unit")))
    joined_before = pl.col("join_date") < POST_START
    join_month = (pl.col("join_date").dt.year() * 12 + pl.col("join_date").dt.month() - 1)
    since = pl.when(joined_before).then(months).otherwise(
        (s.year * 12 + s.month - 1) - join_month)
    # after 1 July district leaders hold the matching post of the new unit (title without
    # "huyện"); they keep their allowance coefficient (the 6-month retention, the leadership retention of Letter 4832/BNV)
    position = pl.col("position") if pre else (
        pl.col("position").str.replace("Huyện ủy", "Đảng ủy", literal=True)
        .str.replace(" huyện", "", literal=True))
    coef = pl.when(pl.col("raise_in") <= months).then(
        (pl.col("salary_coefficient") + pl.col("step_inc")).round(2)
    ).otherwise(pl.col("salary_coefficient"))
    # the last annual rating: the previous year's
    rated = f"rating_{s.year - 1}"
    rating = pl.col(rated) if rated in persons.columns else pl.lit(None, pl.String)
    return persons.filter(present).select(
        pl.lit(s).alias("snapshot_date"),
        "national_id", "full_name", "sex", "date_of_birth",
        unit.alias("unit_code"), "staff_category", position.alias("position"),
        coef.fill_nan(None).alias("salary_coefficient"),
        pl.col("leadership_allowance_coefficient").round(2),
        "beyond_frame_pct", "other_allowances_vnd",
        pl.when(pl.col("monthly_allowance_vnd") > 0).then(pl.col("monthly_allowance_vnd"))
        .alias("monthly_allowance_vnd"),
        (pl.col("si_months") + since).alias("si_months"),
        "hardship_years", "deferral", "education_level", "field",
        rating.alias("quality_rating"),
        pl.when(rating.is_not_null()).then(pl.lit(s.year - 1, pl.Int64)).alias("rating_year"),
    )
