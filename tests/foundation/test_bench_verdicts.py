"""make bench ends with the issue's three targets, each met or not (bench/bench_monthly.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from bench_monthly import verdicts  # noqa: E402


def test_each_target_is_met_up_to_its_line_and_not_beyond():
    at_the_lines = verdicts(40.0, 0.35, 4096)
    assert [v.endswith(": met") for v in at_the_lines] == [True, True, True]
    beyond = verdicts(40.04, 0.3504, 4097)
    assert [v.endswith(": NOT met") for v in beyond] == [True, True, True]


def test_a_verdict_names_the_figure_and_the_line():
    full, added, peak = verdicts(68.09, 0.3813, 3159.7)
    assert full == "full build: 68.1x the floor against 40x: NOT met"
    assert added == "added month: 0.381 of the full build against 0.35: NOT met"
    assert peak == "peak memory: 3,160 MB against 4,096 MB: met"
