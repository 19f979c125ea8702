"""The shipped reference data: present, real, and loaded without losing a row."""

import csv

import duckdb

from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.warehouse.reference import (
    REFERENCE_FILES,
    ensure_reference,
    load_reference_table,
)


def _csv_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_project_carries_its_reference_data_with_provenance_and_licence_notes():
    provenance = (SHIPPED_REFERENCE_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "Licence notes" in provenance
    for file_name in REFERENCE_FILES.values():
        assert (SHIPPED_REFERENCE_DIR / file_name).exists(), file_name


def test_reference_counts_are_the_published_facts():
    pre = _csv_rows(SHIPPED_REFERENCE_DIR / "units_pre_2025.csv")
    post = _csv_rows(SHIPPED_REFERENCE_DIR / "units_post_2025.csv")
    assert sum(r["level"] == "province" for r in pre) == 63
    assert sum(r["level"] == "district" for r in pre) == 696
    assert sum(r["level"] == "commune" for r in pre) == 10035
    assert sum(r["level"] == "province" for r in post) == 34
    assert sum(r["level"] == "commune" for r in post) == 3321


def test_loading_keeps_every_row_and_the_leading_zeros(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    loaded = load_reference_table(con, SHIPPED_REFERENCE_DIR, "ref_units_pre")
    expected = len(_csv_rows(SHIPPED_REFERENCE_DIR / "units_pre_2025.csv"))
    assert loaded.rows_read == loaded.rows_loaded == expected
    codes = {r[0] for r in con.execute("select code from raw.ref_units_pre where level = 'province'").fetchall()}
    assert "01" in codes and "04" in codes  # zero-padded codes kept as text


def test_ensure_reference_fills_an_empty_data_folder(tmp_path):
    target = tmp_path / "raw" / "reference"
    ensure_reference(target, SHIPPED_REFERENCE_DIR)
    assert (target / "PROVENANCE.md").exists()
    assert (target / "lineage_communes.csv").stat().st_size == (
        SHIPPED_REFERENCE_DIR / "lineage_communes.csv"
    ).stat().st_size
