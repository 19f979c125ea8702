"""Who is where each month: the 30 June 2025 staff, where each goes on 1 July (along the
agency lineage), who leaves (Decree 178, Decree 154, retirement, unexplained), who moves
outside the lineage and who is recruited (Decrees 170 and 173); the leave decisions and
their payments, priced by the policy engine."""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from dagster_project.policy import rules
from dagster_project.synth import config, people
from dagster_project.synth.territory import Territory
from dagster_project.synth.units import UNIT_FIELDS, Units

D = "datetime64[D]"
NEVER = np.datetime64("2100-01-01", "D")


def month_ends(through: str) -> list[date]:
    """2025-06-30, then every month end from 2025-07 through `through` (YYYY-MM)."""
    y, m = (int(x) for x in through.split("-"))
    if (y, m) < (2025, 7):
        raise ValueError(f"--through must be 2025-07 or later, got {through}")
    out = [config.FIRST_SNAPSHOT]
    cy, cm = 2025, 7
    while (cy, cm) <= (y, m):
        ny, nm = (cy + 1, 1) if cm == 12 else (cy, cm + 1)
        out.append(date(ny, nm, 1) - timedelta(days=1))
        cy, cm = ny, nm
    return out


@dataclass
class Timeline:
    persons: pl.DataFrame  # one row per person, static attributes and events
    snapshots: list[date]
    decisions: pl.DataFrame  # contract columns + truth
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


def build(t: Territory, u: Units, seed: int, scale: float, through: str,
          progress=None) -> Timeline:  # noqa: C901 - the story in order
    snaps = month_ends(through)
    snap_np = np.array([s.isoformat() for s in snaps], dtype=D)
    end = snap_np[-1]

    # ---- the 30 June 2025 staff, per old province ------------------------------------------
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
        attrs.update({
            "old_province": np.full(len(sl), old, dtype=object), "level": levels,
            "pre_unit": np.array([s.unit_code for s in sl], dtype=object),
            "post_unit": post_unit,
            "position": np.array([s.position for s in sl], dtype=object),
            "leadership_allowance_coefficient": lead, "field": fields,
            "join_date": np.full(len(sl), np.datetime64("2025-01-01", "D")),
        })
        parts.append(attrs)
        if progress:
            progress.update(1)

    def concat(key):
        return np.concatenate([p[key] for p in parts]) if parts else np.array([])

    keys = list(parts[0].keys())
    P = {k: concat(k) for k in keys}
    n = len(P["national_id"])
    rng = np.random.default_rng([seed, 3])

    # ---- recruits after 1 July 2025 (Decree 170 civil servants, Decree 173 contracts) ------
    join_months = [d for d in snaps[1:] if d >= date(2025, 8, 31)]
    n_post = n
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
            firsts = np.array([d.isoformat()[:7] for d in join_months], dtype="datetime64[M]")
            jd = firsts.astype(D)[rng_r.integers(0, len(firsts), len(cats))]  # 1st of a month
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
    is_existing = P["join_date"] < np.datetime64("2025-06-30")
    share = t.n_old_communes / config.NATIONAL_OLD_COMMUNES
    n178 = int(round(config.TARGETS["decree_178_leavers"] * share * scale))
    elig_cat = np.isin(cat, rules.DECREE_178_CATEGORIES) & is_existing
    months_left = P["pension_start"] - (2025 * 12 + 6)
    w = np.where(elig_cat, 1.0, 0.0)
    # bands B and C (2-10 years early) pay far more than band A: those are the takers
    near = (months_left >= 24) & (months_left <= 120) & (P["si_months"] >= 175)
    w = np.where(near, w * 3.0, w)
    w = np.where(P["level"] == "district", w * 1.4, w)
    w = np.where(months_left <= 7, 0.0, w)  # retiring anyway in 2025
    w = np.where(P["si_months"] < 12, 0.0, w)  # less than a year of service: nothing to gain
    chosen = _weighted_sample(rng, w, n178)
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
    mid = ld.astype("datetime64[M]").astype(np.int64) + 1970 * 12
    mid = mid + (ld != ld.astype("datetime64[M]").astype(D)).astype(np.int64)
    m_early = P["pension_start"][chosen] - mid
    si_at = P["si_months"][chosen] + (mid - (2025 * 12 + 6))
    app2 = P["hardship_years"][chosen] >= 15
    er = (m_early >= 1) & (m_early <= np.where(app2, 60, 120)) & (si_at >= 180)
    policy178 = np.where(er, "early_retirement", "resignation").astype(object)
    before = ld < leave[chosen]
    leave[chosen] = np.where(before, ld, leave[chosen])
    reason[chosen] = np.where(before, "decree_178", reason[chosen])

    # Decree 154: part-timers leave by 1 June 2026 (first day without work)
    pt = np.flatnonzero((cat == "commune_part_time") & is_existing)
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
    if len(snaps) > 2:
        vd = snap_np[rng.integers(1, len(snaps) - 1, len(vanish))] + 1
        earlier = vd < leave[vanish]
        leave[vanish] = np.where(earlier, vd, leave[vanish])
        reason[vanish] = np.where(earlier, "unexplained", reason[vanish])

    # ---- transfers between new units outside the lineage ----------------------------------
    transfer_date = np.full(n_all, NEVER)
    transfer_unit = np.full(n_all, "", dtype=object)
    tr_rows = []
    cand = np.flatnonzero(np.array([str(x).startswith("XM") for x in P["post_unit"]]))
    if len(snaps) > 3 and len(cand):
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
            td = snap_np[int(rng.integers(2, len(snaps) - 1))] + 1  # first of a month
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
    persons = pl.DataFrame({k: (v.tolist() if v.dtype == object else v) for k, v in P.items()
                            if k not in ("grade",)})

    # ---- decisions and payments -------------------------------------------------------------
    decisions = _decisions(P, chosen, ld, dd, policy178, dec154, dec154_ld, snaps, snap_np,
                           end, rng, progress)

    in_range = leave <= end
    lv = persons.filter(pl.Series(in_range & (reason != ""))).select(
        "national_id", "old_province",
        pl.col("leave_date").dt.strftime("%Y-%m").alias("leave_month"),
        "leave_date", pl.col("leave_reason").alias("reason"))
    joiners = pl.DataFrame(joiners_rows, schema=["national_id", "join_month", "reason"],
                           orient="row")
    transfers = pl.DataFrame(tr_rows, schema=["national_id", "month", "from_unit", "to_unit"],
                             orient="row")
    return Timeline(persons, snaps, decisions, lv, joiners, transfers)


def _decisions(P, chosen, ld, dd, policy178, dec154, dec154_ld, snaps, snap_np, end, rng,
               progress):  # noqa: C901
    rows = []
    specs = [(int(i), "178", str(p), ld[j], dd[j]) for j, (i, p) in
             enumerate(zip(chosen.tolist(), policy178.tolist(), strict=True))]
    for j, i in enumerate(dec154.tolist()):
        lday = dec154_ld[j]
        specs.append((int(i), "154", "part_time_leave", lday, lday - rng.integers(10, 40)))
    seq: dict[str, int] = {}
    u_truth = rng.random(len(specs))
    u_amt = rng.uniform(0.005, 0.2, len(specs))
    delay = np.clip(rng.lognormal(np.log(config.PAY_DELAY_MEDIAN_DAYS), 0.6, len(specs)), 3, 240)
    early_pay = rng.random(len(specs)) < 0.1
    u_vol = rng.random(len(specs))
    for j, (i, decree, policy, lday, dday) in enumerate(specs):
        if dday > end:
            continue
        k = int(np.searchsorted(snap_np, lday, side="left")) - 1  # latest snapshot before
        k = max(k, 0)
        snap = snaps[k]
        months = k if P["join_date"][i] < snap_np[0] else 0
        coef = P["salary_coefficient"][i]
        if P["raise_in"][i] <= k:
            coef = round(coef + P["step_inc"][i], 2)
        voluntary = not (decree == "178" and u_vol[j] < config.INVOLUNTARY_SHARE)
        person = rules.Person(
            sex=P["sex"][i], date_of_birth=P["date_of_birth"][i].astype(date),
            staff_category=P["staff_category"][i], si_months=int(P["si_months"][i]) + months,
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
        seq[old] = seq.get(old, 0) + 1
        no = f"{seq[old]}/QĐ-UBND.{old}" if decree == "178" else f"{seq[old]}/QĐ-CT.{old}"
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
            "decision_no": no, "decision_date": dday.astype(date), "leave_date": lday.astype(date),
            "voluntary": voluntary, "amount_paid_vnd": paid,
            "paid_date": pday.astype(date) if paid is not None else None,
            "old_province": old, "truth": truth, "expected_total_vnd": total,
            "failed_rule": ent.failed_rule or "",
        })
        if progress and j % 2000 == 0:
            progress.set_postfix_str(f"decisions {j}")
    schema = {"national_id": pl.Utf8, "decree": pl.Utf8, "policy": pl.Utf8,
              "decision_no": pl.Utf8, "decision_date": pl.Date, "leave_date": pl.Date,
              "voluntary": pl.Boolean, "amount_paid_vnd": pl.Int64, "paid_date": pl.Date,
              "old_province": pl.Utf8, "truth": pl.Utf8, "expected_total_vnd": pl.Int64,
              "failed_rule": pl.Utf8}
    return pl.DataFrame(rows, schema=schema)


def roster(persons: pl.DataFrame, snaps: list[date], k: int) -> pl.DataFrame:
    """The roster at snapshot k (contract columns, typed), for the persons given."""
    s = snaps[k]
    months = k  # month ends after 2025-06-30
    present = (pl.col("join_date") <= s) & (pl.col("leave_date") > s)
    unit = (pl.when(k == 0).then(pl.col("pre_unit"))
            .when(pl.col("transfer_date") <= s).then(pl.col("transfer_unit"))
            .otherwise(pl.col("post_unit")))
    joined_before = pl.col("join_date") < date(2025, 6, 30)
    join_month = (pl.col("join_date").dt.year() * 12 + pl.col("join_date").dt.month() - 1)
    since = pl.when(joined_before).then(months).otherwise(
        (s.year * 12 + s.month - 1) - join_month)
    # after 1 July district leaders hold the matching post of the new unit (title without
    # "huyện"); they keep their allowance coefficient (the 6-month retention, POLICY §5.1)
    position = pl.col("position") if k == 0 else (
        pl.col("position").str.replace("Huyện ủy", "Đảng ủy", literal=True)
        .str.replace(" huyện", "", literal=True))
    coef = pl.when(pl.col("raise_in") <= months).then(
        (pl.col("salary_coefficient") + pl.col("step_inc")).round(2)
    ).otherwise(pl.col("salary_coefficient"))
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
    )
