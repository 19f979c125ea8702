"""What the data says: calibration, age and sex, lineage, leavers, payments, clean mode."""

import csv
from collections import defaultdict
from datetime import date

from dagster_project.policy import rules
from dagster_project.synth import generate
from tests.synth.conftest import NEW_PROVINCES, SCALE


def _csv(path):
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_calibration_on_a_province_subset(generated, bench):
    """Counts read back from the files within 10 % of docs/rules.md key figures national figures scaled by
    the number of old communes (the same check bench/bench_generate.py runs nationally)."""
    out, _ = generated
    table = bench.check_calibration(out, NEW_PROVINCES, SCALE, verbose=False)
    assert {r["metric"] for r in table} == set(bench.NATIONAL_TARGETS)
    assert all(r["target"] > 0 and r["generated"] > 0 for r in table)


def test_age_and_sex_shape(generated, tables, bench):
    june = bench.june_rosters(generated[0])
    ages, female, cadres_f, civil_f = [], [], [], []
    for rel, _s, _r, r in tables["personnel"]:
        if rel not in june:
            continue
        born = bench.parse_date(r["date_of_birth"])
        age = (date(2025, 6, 30) - born).days / 365.25
        f = r["sex"] in ("F", "Nữ")
        ages.append(age)
        female.append(f)
        if f:  # nobody on the roster is past the Decree 135 age reached in 2025 (56y8m)
            assert age < 56 + 8 / 12 + 1 / 12
        else:  # men: 61y3m in 2025
            assert age < 61 + 3 / 12 + 1 / 12
        if r["staff_category"] in ("cadre", "cán bộ"):
            cadres_f.append(f)
        if r["staff_category"] in ("civil_servant", "công chức"):
            civil_f.append(f)
    n = len(ages)
    assert n > 10_000
    assert min(ages) >= 21.9 and max(ages) < 62
    mean = sum(ages) / n
    assert 38 <= mean <= 46
    assert 0.04 <= sum(a < 30 for a in ages) / n <= 0.25
    assert 0.15 <= sum(a >= 50 for a in ages) / n <= 0.45
    assert 0.30 <= sum(female) / n <= 0.50
    assert sum(cadres_f) / len(cadres_f) < sum(civil_f) / len(civil_f)


def test_split_communes_feed_every_successor():
    """Ninh Bình's old communes: each split one feeds all its successors (event split),
    and every old agency's shares add up to 1."""
    from dagster_project.synth import territory, units
    t = territory.load("37")
    u = units.build(t, seed=1)
    split = {r["old_code"] for r in t.lineage if r["is_split"] == "1"}
    succ = defaultdict(set)
    for r in t.lineage:
        succ[r["old_code"]].add(r["new_code"])
    assert split
    edges = defaultdict(list)
    for e in u.edges:
        edges[e["old_unit_code"]].append(e)
    for c in split:
        es = edges[f"X{c}-HDND"]
        assert {e["new_unit_code"][2:7] for e in es} == succ[c]
        assert {e["event"] for e in es} == {"split"}
    assert all(abs(sum(e["share"] for e in es) - 1) < 1e-9 for es in edges.values())


def test_lineage_follows_the_units(tables):
    pre, post = set(), set()
    for _rel, _s, _r, u in tables["units"]:
        (pre if u["period"].strip() in ("pre", "trước") else post).add(u["unit_code"].strip())
    shares = defaultdict(float)
    events = set()
    for _rel, _s, _r, e in tables["lineage"]:
        old, new = e["old_unit_code"].strip(), e["new_unit_code"].strip()
        assert old in pre and new in post
        shares[old] += float(e["share"].replace(",", "."))
        events.add(e["event"])
    assert all(abs(s - 1) < 1e-6 for s in shares.values())
    assert {"transfer", "rename"} <= events <= {"merge", "split", "transfer", "rename"}
    district_units = {c for c in pre if c.startswith("H")}
    assert district_units and district_units <= set(shares)  # every district agency goes


def test_leavers_leave_the_roster(generated, tables, flagged, bench):
    """A leaver is on no roster dated on or after the leave date (provinces date their
    rosters differently, some mid-month); one who left with a decision is on an earlier one,
    and those who left before the merger (Decree 178 from February 2025) only on rosters
    before it. (A row whose ID was falsified on purpose hides the person: skipped.)"""
    out, _ = generated
    dates = defaultdict(set)  # national_id -> snapshot dates
    for rel, s, rowno, r in tables["personnel"]:
        if flagged.get((rel, s, rowno), set()) & {"id_sex_mismatch", "id_birth_year_mismatch"}:
            continue
        dates[r["national_id"]].add(bench.snapshot_of(rel, r))
    leavers = _csv(out / "_manifest" / "leavers.csv")
    decided = {r["national_id"] for r in _csv(out / "_manifest" / "payments.csv")}
    reasons = {r["reason"] for r in leavers}
    assert {"decree_178", "decree_154", "unexplained"} <= reasons
    before_july = 0
    for lv in leavers:
        left = date.fromisoformat(lv["leave_date"])
        seen = dates[lv["national_id"]]
        assert not [d for d in seen if d >= left], lv
        if lv["national_id"] in decided:
            assert [d for d in seen if d < left], lv
        if lv["reason"] == "decree_178" and left < date(2025, 7, 1):
            before_july += 1
            assert max(seen) < date(2025, 7, 1)
    assert len(leavers) > 1000 and before_july > 100


def test_payments_match_the_rules(generated, tables, bench):
    """Truth labels agree with the amounts in the decision files; for a sample, the
    expected total is recomputed here from the roster rows in the files."""
    out, _ = generated
    pay = {(r["decision_no"], r["national_id"]): r for r in _csv(out / "_manifest" / "payments.csv")}
    dup = {(m["file"], m["sheet"], int(m["row"])) for m in _csv(out / "_manifest" / "defects.csv")
           if m["kind"] == "duplicate_decision"}
    decisions = {(r["decision_no"].strip(), r["national_id"]): r for f, s, n, r in tables["decisions"]
                 if (f, s, n) not in dup}
    assert set(pay) == set(decisions)
    assert len({no for no, _nid in pay}) < 0.9 * len(pay)  # many decisions list several people
    truths = defaultdict(int)
    for no, p in pay.items():
        d = decisions[no]
        raw = d.get("amount_paid_vnd", "").strip().replace(".", "").replace(",", "")
        paid = int(raw) if raw else None
        expected = int(p["expected_total_vnd"])
        truths[p["truth"]] += 1
        if p["truth"] == "correct":
            assert paid == expected
        elif p["truth"] == "unpaid":
            assert paid is None
        elif p["truth"] == "overpaid":
            assert paid - expected > 1_000 and paid <= expected * 1.2 + 2_000
        elif p["truth"] == "underpaid":
            assert expected - paid > 1_000 and paid >= expected * 0.8 - 2_000
        else:
            assert p["truth"] == "ineligible" and expected == 0
    assert truths["correct"] > 0.8 * len(pay)
    assert all(truths[k] > 0 for k in ("overpaid", "underpaid", "unpaid", "ineligible"))
    # recompute 200 eligible decisions (and every one before the merger) from the latest
    # clean roster row before leaving
    rows = defaultdict(list)
    for rel, _s, _r, r in tables["personnel"]:
        if "si_months" in r:  # not the one rejected file
            rows[r["national_id"]].append((bench.snapshot_of(rel, r), r))
    arrangement = {}
    for _f, _s, _r, u in tables["units"]:
        if u.get("arrangement_date", "").strip():
            arrangement[u["unit_code"].strip()] = bench.parse_date(u["arrangement_date"])
    checked = pre_merger = 0
    for no, p in sorted(pay.items(), key=lambda x: (x[1]["leave_date"] >= "2025-07-01", x[0])):
        if p["truth"] == "ineligible" or checked >= 200 + pre_merger:
            continue
        d = decisions[no]
        leave = bench.parse_date(d["leave_date"])
        before = sorted(((s, r) for s, r in rows[d["national_id"]] if s < leave),
                        key=lambda x: x[0])
        if not before:
            continue
        snap, r = before[-1]
        first = min(rows[d["national_id"]], key=lambda x: x[0])[1]
        num = {k: (r.get(k) or "").strip().replace(",", ".") for k in r}
        if any(not (num[k] or "0").replace(".", "").isdigit() for k in
               ("si_months", "beyond_frame_pct", "other_allowances_vnd")):
            continue  # a defective cell: ingest would normalise it; skip in this sample
        person = rules.Person(
            sex="F" if r["sex"] in ("F", "Nữ") else "M",
            date_of_birth=bench.parse_date(r["date_of_birth"]),
            staff_category=r["staff_category"], si_months=int(num["si_months"]),
            snapshot_date=snap, salary_coefficient=num["salary_coefficient"] or None,
            leadership_allowance_coefficient=num["leadership_allowance_coefficient"] or "0",
            beyond_frame_pct=int(num["beyond_frame_pct"] or 0),
            other_allowances_vnd=int(num["other_allowances_vnd"].replace(".", "") or 0),
            monthly_allowance_vnd=int(num["monthly_allowance_vnd"].replace(".", "") or 0) or None,
            hardship_years=float(num["hardship_years"] or 0), deferral=r["deferral"] or None,
            arrangement_date=arrangement.get(first["unit_code"].strip(), date(2025, 7, 1)),
        )
        dec = rules.Decision(d["decree"], d["policy"], bench.parse_date(d["decision_date"]),
                             leave, d.get("voluntary", "true").strip().lower() != "false")
        assert rules.entitlement(person, dec).total_vnd == int(p["expected_total_vnd"]), no
        checked += 1
        if leave < date(2025, 7, 1):
            pre_merger += 1
            months = (leave.year - snap.year) * 12 + leave.month - snap.month - (leave.day < snap.day)
            if d["policy"] == "early_retirement":  # docs/rules.md A7: 240 insured months before July
                assert int(num["si_months"]) + max(0, months) >= 240, no
    assert checked >= 150 and pre_merger >= 20


def test_part_timers_gone_by_june_2026(tmp_path, bench):
    out = tmp_path / "pt"
    generate(out, provinces="12", through="2026-07", scale=0.3, seed=11, progress=False)
    by_month = defaultdict(int)
    for rel, _s, _r, r in bench.read_table(out, "personnel"):
        if r.get("staff_category") == "commune_part_time":
            by_month[bench.snapshot_of(rel, r).strftime("%Y-%m")] += 1
    assert by_month["2025-06"] > 200
    assert by_month["2026-05"] > 0
    assert by_month["2026-06"] == 0 and by_month["2026-07"] == 0
    leavers = {r["national_id"]: r for r in _csv(out / "_manifest" / "leavers.csv")}
    decided = [r for r in _csv(out / "_manifest" / "payments.csv") if r["decree"] == "154"]
    assert decided and all(leavers[r["national_id"]]["leave_month"] <= "2026-06" for r in decided)


def test_clean_mode_writes_no_defects(tmp_path, bench):
    out = tmp_path / "clean"
    generate(out, provinces="12", through="2025-08", clean=True, seed=5, progress=False)
    assert _csv(out / "_manifest" / "defects.csv") == []
    assert {r["status"] for r in _csv(out / "_manifest" / "deliveries.csv")} == {"delivered"}
    assert "true" not in (out / "_manifest" / "layouts.csv").read_text(encoding="utf-8")  # no form
    english = {c.name for t in bench.TABLES.values() for c in t.columns}
    for path in out.rglob("*"):
        if path.is_file() and "_manifest" not in path.parts:
            for _sheet, header, rows, _n in bench.iter_sheets(path):
                assert set(header) <= english, path
                for row in rows[:2000]:
                    assert all(v == v.strip() for v in row)
