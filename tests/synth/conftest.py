"""Shared fixtures: one generated delivery set on the default provinces (04 unchanged, 33 =
old 33 + 34, 37 = old 35 + 36 + 37) at a third of their staff, from January 2025 (pre-merger
history) through December 2025, read back with the bench's readers."""

import importlib.util
from pathlib import Path

import pytest

from dagster_project.synth import generate

ROOT = Path(__file__).resolve().parents[2]
PROVINCES = "default"  # new 04, 33, 37: unchanged, two-way and three-way mergers
NEW_PROVINCES = ["04", "33", "37"]
SCALE = 0.3
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
    summary = generate(out, provinces=PROVINCES, scale=SCALE, through=THROUGH, seed=7, progress=False)
    return out, summary


@pytest.fixture(scope="session")
def manifest(generated):
    import csv
    out, _ = generated
    with (out / "_manifest" / "defects.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_csv(path: Path) -> list[dict]:
    import csv
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def deliveries(generated) -> list[dict]:
    return read_csv(generated[0] / "_manifest" / "deliveries.csv")


@pytest.fixture(scope="session")
def layouts(generated) -> list[dict]:
    return read_csv(generated[0] / "_manifest" / "layouts.csv")


@pytest.fixture(scope="session")
def rejected_whole(manifest) -> set[str]:
    """Files ingest must set aside whole (a required column missing, a second copy)."""
    return {m["file"] for m in manifest if m["kind"] in ("missing_required_column", "duplicate_file")}


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
