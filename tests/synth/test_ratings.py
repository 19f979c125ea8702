"""The annual quality rating on the generated rosters: the last annual rating (the previous
year's), as real staff are rated, stable for a person within a year, missing from some
provinces' rosters and written in Vietnamese by others."""

from collections import Counter, defaultdict

from dagster_project.contract import PERSONNEL
from dagster_project.synth.generate import _rating_styles

SPELLING = {alias: canon for canon, aliases in PERSONNEL.column("quality_rating").values.items()
            for alias in (canon, *aliases)}


def _folder(rel: str) -> str:
    return rel.split("/")[1]  # personnel/<old province folder>/...


def test_ratings_are_the_previous_years_with_realistic_shares(tables, bench, flagged):
    counts: Counter = Counter()
    for rel, _sheet, _row, r in tables["personnel"]:
        rating, year = r.get("quality_rating", "").strip(), r.get("rating_year", "").strip()
        assert bool(rating) == bool(year), (rel, r)
        if not rating:
            continue
        counts[SPELLING[rating]] += 1
        assert int(float(year)) == bench.snapshot_of(rel, r).year - 1, (rel, r)
    rated = sum(counts.values())
    assert rated > 10_000
    assert 0.02 <= counts["not_completed"] / rated <= 0.05
    assert 0.03 <= counts["excellent"] / rated <= 0.20
    assert (counts["good"] + counts["completed"]) / rated >= 0.75
    assert counts["good"] > counts["completed"] > counts["excellent"] > counts["not_completed"]


def test_a_persons_rating_is_stable_within_a_year(tables, bench):
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    months: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rel, _sheet, _row, r in tables["personnel"]:
        rating = r.get("quality_rating", "").strip()
        if rating:
            key = (r["national_id"].strip(), r["rating_year"].strip())
            seen[key].add(SPELLING[rating])
            months[key].add(bench.snapshot_of(rel, r).isoformat()[:7])
    assert sum(len(m) > 3 for m in months.values()) > 1_000, "persons on many monthly rosters"
    changed = {k: v for k, v in seen.items() if len(v) > 1}
    # a row with an ID defect belongs to nobody; allow those only
    assert len(changed) <= 0.001 * len(seen), list(changed.items())[:5]


def test_some_provinces_send_no_rating_and_some_write_it_in_vietnamese(tables):
    with_columns, vietnamese, folders = set(), set(), set()
    for rel, _sheet, _row, r in tables["personnel"]:
        folders.add(_folder(rel))
        if "quality_rating" in r:
            with_columns.add(_folder(rel))
            if r["quality_rating"].strip() in PERSONNEL.column("quality_rating").values["good"]:
                vietnamese.add(_folder(rel))
    assert with_columns and folders - with_columns, "some provinces' rosters carry no rating"
    assert vietnamese and with_columns - vietnamese


def test_rating_styles_cover_both_kinds_on_any_selection_of_three():
    for seed in range(40):
        olds = ["33", "34", "35", "36", "37"][: 3 + seed % 3]
        unrated, vietnamese = _rating_styles(olds, seed)
        rated = set(olds) - unrated
        assert unrated and len(rated) >= 2
        assert vietnamese <= rated and rated - vietnamese
