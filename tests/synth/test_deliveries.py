"""How provinces deliver: the plan (dates, history, incidents) on the default and the national
selection, and the generated files against their ground truth (deliveries.csv, layouts.csv):
per-province dates, pre-merger history, supplements, copies, months not delivered, rejected
or incomplete, official forms, decisions listing several people."""

import calendar
from collections import Counter, defaultdict
from datetime import date, timedelta

import openpyxl
import pytest

from dagster_project.synth import deliveries, territory
from tests.synth.conftest import read_csv

SEEDS = (20250701, 7, 11)


def plan_of(selection: str, seed: int, through: str = "2026-10"):
    t = territory.load(selection)
    communes = Counter(r["province_code"] for r in t.communes_pre.values())
    return t, deliveries.build(t.old_of_new, communes, seed, through)


@pytest.mark.parametrize("selection", ["default", "all"])
@pytest.mark.parametrize("seed", SEEDS)
def test_the_plan_dates_each_province_its_own_way_and_has_every_incident(selection, seed):
    t, plan = plan_of(selection, seed)
    styles_pre = {plan.pre_style[o] for o in t.old_provinces}
    styles_post = {plan.post_style[n] for n in t.new_provinces}
    assert {"last", "15", "28"} <= styles_pre and {"last", "15", "28"} <= styles_post
    deviations = 0
    for (o, mi), part in plan.parts.items():
        y, m = plan.months[mi]
        d = part.snapshot_date
        assert (d.year, d.month) == (y, m)
        style = plan.post_style[t.new_of_old[o]] if plan.is_post(mi) else plan.pre_style[o]
        last = calendar.monthrange(y, m)[1]
        usual = last if style == "last" else min(int(style), last)
        assert (d.day == usual) != part.deviation, (o, mi, style, d)
        deviations += part.deviation
        if plan.is_post(mi):  # the new province delivers for all its old parts alike
            assert {plan.parts[(x, mi)].snapshot_date for x in t.old_of_new[t.new_of_old[o]]} == {d}
    assert deviations >= 1
    history = Counter(plan.pre_history.values())
    assert history["monthly"] >= 1 and history["quarterly"] >= 1
    for o in t.old_provinces:
        months = [plan.months[mi][1] for mi in plan.scheduled(o) if not plan.is_post(mi)]
        assert months == list(deliveries.PRE_MONTHS[plan.pre_history[o]])
    kinds = Counter(k for _n, _m, k in plan.incidents)
    assert set(kinds) == {"supplement", "copy", "not_delivered", "incomplete", "rejected"}
    assert kinds["rejected"] == 1
    merged = {n for n in t.new_provinces if len(t.old_of_new[n]) > 1}
    assert any(n in merged for n, _m, _k in plan.incidents)
    post = [mi for mi in range(len(plan.months)) if plan.is_post(mi)]
    for n, mi, kind in plan.incidents:
        assert mi not in (post[0], post[-1])  # never July 2025 nor the last month
        status = deliveries.status_of(plan, t.old_of_new[n], mi)
        expected = {"not_delivered": "not_delivered", "incomplete": "incomplete",
                    "rejected": "rejected"}.get(kind, "delivered")
        assert status == expected
        if kind == "not_delivered":  # the next month is there
            assert deliveries.status_of(plan, t.old_of_new[n], mi + 1) != "not_delivered"


def test_the_plan_of_one_province_has_no_guaranteed_incidents_but_the_rejected_file():
    _t, plan = plan_of("04", 7, "2025-09")
    assert [k for _n, _m, k in plan.incidents] == ["rejected"]


def _rows_by_file(tables) -> dict[str, list]:
    out = defaultdict(list)
    for rel, sheet, n, r in tables["personnel"]:
        out[rel].append((sheet, n, r))
    return out


def test_the_deliveries_manifest_is_what_the_files_hold(generated, deliveries, tables, manifest,
                                                       flagged, rejected_whole, bench):
    out, _ = generated
    t = territory.load("default")
    by_file = _rows_by_file(tables)
    statuses = Counter(r["status"] for r in deliveries)
    assert set(statuses) == {"delivered", "not_delivered", "rejected", "incomplete"}
    merged = {n for n in t.new_provinces if len(t.old_of_new[n]) > 1}
    assert any(r["incident"] and r["province_code"] in merged for r in deliveries)
    assert {r["incident"] for r in deliveries} >= {"supplement", "copy", "not_delivered", "incomplete", "rejected"}
    for r in deliveries:
        files = [f for f in r["files"].split(";") if f]
        month = r["report_month"]
        dates, rows = set(), 0
        for f in files:
            assert (out / f).exists(), f
            for sheet, n, row in by_file[f]:
                d = bench.snapshot_of(f, row)
                if d.strftime("%Y-%m") != month:
                    continue
                dates.add(d.isoformat())
                kinds = flagged.get((f, sheet, n), set())
                if f not in rejected_whole and not kinds & {"duplicate_person"}:
                    rows += 1
        olds = t.old_of_new[r["province_code"]] if r["period"] == "post" else [r["province_code"]]
        folders = {t.folder[o] for o in olds}
        assert all(f.split("/")[1] in folders for f in files), r
        assert rows == int(r["rows_delivered"]), r
        if r["status"] == "not_delivered":
            assert not files and not any(
                bench.snapshot_of(f, row).strftime("%Y-%m") == month
                for f, rs in by_file.items() if f.split("/")[1] in folders for _s, _n, row in rs)
        else:
            assert ",".join(sorted(dates)) == r["snapshot_dates"], r
        if r["status"] == "incomplete":
            assert rows < 0.7 * int(r["rows_full"])
        if r["status"] == "delivered":
            assert rows == int(r["rows_full"])
        if r["status"] == "rejected":
            assert any(m["kind"] == "missing_required_column" and m["file"] in files for m in manifest)


def test_pre_merger_history_and_the_leavers_before_june(generated, deliveries, tables, bench):
    out, _ = generated
    pre = defaultdict(list)
    for r in deliveries:
        if r["period"] == "pre":
            pre[r["province_code"]].append(r["report_month"][5:])
    assert ["01", "02", "03", "04", "05", "06"] in pre.values() and ["03", "06"] in pre.values()
    assert all(months[-1] == "06" for months in pre.values())
    decisions = {r["national_id"]: r for _f, _s, _n, r in tables["decisions"]}
    early = [r for r in read_csv(out / "_manifest" / "leavers.csv")
             if r["reason"] == "decree_178" and r["leave_date"] < "2025-07-01"]
    assert len(early) > 100
    for lv in early:
        left = date.fromisoformat(lv["leave_date"])
        assert date(2025, 2, 1) <= left <= date(2025, 6, 1) and left.day == 1
        d = decisions[lv["national_id"]]
        assert d["decree"] == "178"
        assert 10 <= (left - bench.parse_date(d["decision_date"])).days <= 45
    joiners = [r for r in read_csv(out / "_manifest" / "joiners.csv") if r["reason"] == "recruited_2025h1"]
    assert 0 < len(joiners) < 0.01 * len(tables["personnel"])
    first_seen: dict[str, date] = {}
    for rel, _s, _n, r in tables["personnel"]:
        d = bench.snapshot_of(rel, r)
        first_seen[r["national_id"]] = min(d, first_seen.get(r["national_id"], d))
    for j in joiners:  # on no roster before the month they joined
        assert first_seen[j["national_id"]].strftime("%Y-%m") >= j["join_month"]


def test_a_supplement_holds_the_forgotten_persons_and_a_few_repeated(generated, deliveries, tables,
                                                                     flagged, bench):
    by_file = _rows_by_file(tables)
    row = next(r for r in deliveries if r["incident"] == "supplement")
    files = row["files"].split(";")
    sup = next(f for f in files if "_bo_sung" in f)
    main = [f for f in files if f != sup and f.split("/")[1] == sup.split("/")[1]]
    assert len(main) == 1 and main[0] < sup  # delivered after the main file
    month = row["report_month"]
    in_main = {r["national_id"] for _s, _n, r in by_file[main[0]]
               if bench.snapshot_of(main[0], r).strftime("%Y-%m") == month}
    repeated = forgotten = 0
    for sheet, n, r in by_file[sup]:
        assert bench.snapshot_of(sup, r).isoformat() == row["snapshot_dates"]
        dup = "duplicate_person" in flagged.get((sup, sheet, n), set())
        assert (r["national_id"] in in_main) == dup
        repeated += dup
        forgotten += not dup
    assert repeated >= 3 and forgotten >= 1


def test_a_copy_has_the_same_bytes_under_a_second_name(generated, deliveries, manifest):
    out, _ = generated
    row = next(r for r in deliveries if r["incident"] == "copy")
    copies = [f for f in row["files"].split(";") if " (1)." in f]
    assert copies
    original = copies[0].replace(" (1)", "")
    assert (out / copies[0]).read_bytes() == (out / original).read_bytes()
    first, later = sorted([copies[0], original])
    assert [(m["file"], m["value"]) for m in manifest if m["kind"] == "duplicate_file"] == [(later, first)]


def _text(v) -> str:
    return "" if v is None else str(v)


def test_official_forms_are_laid_out_as_the_ground_truth_says(generated, layouts):
    out, _ = generated
    forms = [x for x in layouts if x["form"] == "true"]
    assert {x["file"].split("/")[0] for x in forms} == {"personnel", "decisions"}
    assert any(len(x["header_rows"].split("-")) == 2 for x in forms)
    assert any(x["number_row"] for x in forms) and any(x["snapshot_source"] == "title" for x in forms)
    size = defaultdict(int)
    for x in forms:
        size[x["file"]] += int(x["data_rows"])
    files = sorted(size, key=lambda f: (size[f], f))[:2]  # the two smallest roster workbooks
    files += [f for f in sorted(size) if f.startswith("decisions/")][:1]  # and a decision list
    files += sorted((f for f in size if any(x["file"] == f and x["snapshot_source"] == "title"
                                            for x in forms)), key=lambda f: size[f])[:1]
    books = {f: openpyxl.load_workbook(out / f) for f in dict.fromkeys(files)}
    checked = 0
    for x in [x for x in forms if x["file"] in books]:
        ws = books[x["file"]][x["sheet"]]
        cells = {(c.row, c.column): _text(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
        text = defaultdict(str)
        for (r, _c), v in sorted(cells.items()):
            text[r] = f"{text[r]} {v}".strip()
        assert text[1].startswith("UBND ") and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text[1]
        assert "SỞ NỘI VỤ" in text[2] and "Độc lập - Tự do - Hạnh phúc" in text[2]
        assert text[5].startswith("DANH SÁCH")
        if x["title_date"]:
            d = date.fromisoformat(x["title_date"])
            assert f"{d.day:02d}/{d.month:02d}/{d.year}" in text[6]
        header = [int(v) for v in x["header_rows"].split("-")]
        assert cells[(header[0], 1)] == "STT"
        merged = {str(m) for m in ws.merged_cells.ranges}
        if len(header) == 2:
            assert any(v in ("Phụ cấp", "Chi trả") for (r, _c), v in cells.items() if r == header[0])
            assert f"A{header[0]}:A{header[1]}" in merged  # STT over both header rows
        if x["number_row"]:
            n = int(x["number_row"])
            assert [cells.get((n, j)) for j in (1, 2, 3)] == ["(1)", "(2)", "(3)"]
        assert cells[(int(x["first_data_row"]), 1)] == "1"
        total = int(x["total_row"])
        assert text[total].startswith("Tổng cộng") and f"A{total}:B{total}" in merged
        footer = " ".join(text[r] for r in range(total + 1, ws.max_row + 1))
        for words in ("Người lập biểu", "Thủ trưởng đơn vị", "(Ký, ghi rõ họ tên, đóng dấu)", "ngày ... tháng ..."):
            assert words in footer
        assert ws.max_row == int(x["rows_skipped"]) + int(x["data_rows"])
        for b in [int(v) for v in x["blank_rows"].split("-") if v]:
            assert text[b] == ""
        checked += 1
    assert checked >= 3


def test_decisions_list_several_people_under_one_number(generated, tables, bench):
    out, _ = generated
    new_of_old = territory.load("default").new_of_old
    pay = read_csv(out / "_manifest" / "payments.csv")
    assert len({(r["decision_no"], r["national_id"]) for r in pay}) == len(pay)
    decided = {(r["decision_no"].strip(), r["national_id"]): r for _f, _s, _n, r in tables["decisions"]}
    groups = defaultdict(list)  # a decision of the old province's committee, or from July the new one's
    for r in pay:
        day = bench.parse_date(decided[(r["decision_no"], r["national_id"])]["decision_date"])
        authority = r["old_province"] if day < date(2025, 7, 1) else new_of_old[r["old_province"]]
        groups[(authority, r["decision_no"])].append(r)
    sizes = Counter(len(g) for g in groups.values())
    assert sizes[1] > 0 and sum(v for k, v in sizes.items() if k >= 2) > 0.1 * len(groups)
    assert max(sizes) <= 30
    assert any(len({r["old_province"] for r in g}) > 1 for g in groups.values())  # a merged province's
    for g in groups.values():  # one decision: one decree, one day
        rows = [decided[(r["decision_no"], r["national_id"])] for r in g]
        assert len({(d["decree"], bench.parse_date(d["decision_date"])) for d in rows}) == 1
    assert all(timedelta(0) <= date.fromisoformat(r["leave_date"]) - date(2025, 2, 1) for r in pay)
