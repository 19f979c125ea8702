"""Shared fixtures: one small generated delivery set (three small unchanged provinces, so
all three post-merger delivery modes appear), read back with the bench's readers."""

import importlib.util
from pathlib import Path

import pytest

from dagster_project.synth import generate

ROOT = Path(__file__).resolve().parents[2]
PROVINCES = "04,11,12"  # Cao Bằng, Điện Biên, Lai Châu: unchanged, small
THROUGH = "2025-12"


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "bench_generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bench():
    return _load_bench()


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synth")
    summary = generate(out, provinces=PROVINCES, through=THROUGH, seed=7, progress=False)
    return out, summary


@pytest.fixture(scope="session")
def manifest(generated):
    import csv
    out, _ = generated
    with (out / "_manifest" / "defects.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def tables(generated, bench) -> dict[str, list]:
    """Every data row of every delivery file: (file, sheet, row, {column: text})."""
    out, _ = generated
    return {t: list(bench.read_table(out, t)) for t in ("units", "lineage", "personnel", "decisions")}


@pytest.fixture(scope="session")
def flagged(manifest) -> dict[tuple[str, str, int], set[str]]:
    """(file, sheet, row) -> defect kinds on that row."""
    out: dict[tuple[str, str, int], set[str]] = {}
    for m in manifest:
        if m["row"]:
            out.setdefault((m["file"], m["sheet"], int(m["row"])), set()).add(m["kind"])
    return out
