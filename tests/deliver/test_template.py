"""The templates a province fills in: what the descriptions give, readable by ingest as
delivered, and the copy in docs/templates/ up to date."""

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from dagster_project.contract import BOOLEAN, DATE, DECIMAL, DELIVERIES, ENUM, INTEGER
from dagster_project.contract.artifacts import ROOT
from dagster_project.deliver import template
from dagster_project.deliver.template import (
    DATA_SHEET,
    GUIDE_SHEET,
    content,
    template_name,
    write_templates,
)
from dagster_project.ingest.layout import find_layout, fold
from dagster_project.ingest.parse import parse_series
from dagster_project.ingest.read import header_map

CHECKED_IN = ROOT / "docs" / "templates"
REGENERATE = "python -m dagster_project.contract --write"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("templates")
    paths = write_templates(out)
    return {p.name: p for p in paths}


def test_one_template_per_delivery(written):
    assert sorted(written) == sorted(template_name(d) for d in DELIVERIES.values())


def test_the_copy_in_docs_is_what_the_descriptions_give(written):
    for name, path in written.items():
        assert content(CHECKED_IN / name) == content(path), f"{name} drifted: run `{REGENERATE}`"


def test_the_drift_comparison_notices_a_changed_drop_down_and_write_repairs_it(written, tmp_path):
    assert template.drifted() == []
    copy = tmp_path / template.TEMPLATES_DIR
    copy.mkdir(parents=True)
    for name, path in written.items():
        (copy / name).write_bytes(path.read_bytes())
    assert template.drifted(tmp_path) == []
    name = template_name(DELIVERIES["personnel"])
    wb = openpyxl.load_workbook(copy / name)
    dv = next(dv for dv in wb[DATA_SHEET].data_validations.dataValidation if dv.type == "list")
    dv.formula1 = '"nam"'
    wb.save(copy / name)
    (copy / template_name(DELIVERIES["units"])).unlink()
    stale = sorted([template.TEMPLATES_DIR / name, template.TEMPLATES_DIR / template_name(DELIVERIES["units"])])
    assert sorted(template.drifted(tmp_path)) == stale
    assert sorted(template.write(tmp_path)) == stale
    assert template.drifted(tmp_path) == []


def _grid(ws) -> pl.DataFrame:
    rows = [[None if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
    width = max(len(r) for r in rows)
    return pl.DataFrame([r + [None] * (width - len(r)) for r in rows],
                        schema={f"c{j}": pl.String for j in range(width)}, orient="row")


@pytest.mark.parametrize("name", list(DELIVERIES))
def test_headers_are_the_contract_columns_as_ingest_finds_them(written, name):
    d = DELIVERIES[name]
    wb = openpyxl.load_workbook(written[template_name(d)])
    assert wb.sheetnames == [DATA_SHEET, GUIDE_SHEET]
    hmap = header_map(d)
    layout = find_layout(_grid(wb[DATA_SHEET]), hmap)
    assert layout is not None and layout.header_rows == [0]
    assert [hmap[fold(x)] for x in layout.labels] == d.column_names
    assert all(not any(ord(ch) > 127 for ch in x) or x == x.strip() for x in layout.labels)
    # the instructions sheet names every column, one a row: ingest finds no header in it
    guide = _grid(wb[GUIDE_SHEET])
    assert find_layout(guide, hmap) is None
    named = {hmap.get(fold(v or "")) for v in guide.get_column("c0")}
    assert set(d.column_names) <= named


@pytest.mark.parametrize("name", list(DELIVERIES))
def test_every_enumeration_has_a_drop_down_ingest_accepts_and_numbers_have_bounds(written, name):
    d = DELIVERIES[name]
    ws = openpyxl.load_workbook(written[template_name(d)])[DATA_SHEET]
    by_column = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            assert rng.min_row == 2 and rng.max_row == 1_048_576 and rng.min_col == rng.max_col
            by_column[d.columns[rng.min_col - 1].name] = dv
    for c in d.columns:
        if c.kind in (ENUM, BOOLEAN):
            dv = by_column[c.name]
            assert dv.type == "list" and dv.showErrorMessage
            offered = dv.formula1.strip('"').split(",")
            parsed, _ = parse_series(pl.Series(offered), c)
            # every choice is accepted, and together they cover every value of the column
            assert parsed.null_count() == 0, (c.name, offered)
            expected = set(c.values) if c.kind == ENUM else {True, False}
            assert set(parsed.to_list()) == expected, c.name
            # Vietnamese: a canonical (English) value is offered only where it has no spelling
            assert [o for o in offered if c.values.get(o)] == [], offered
        elif c.kind == DATE:
            assert by_column[c.name].type == "date"
        elif c.kind in (INTEGER, DECIMAL):
            dv = by_column[c.name]
            if c.min_exclusive and c.static_max is not None:
                assert dv.type == "custom" and f">{c.min:g}" in dv.formula1 and f"<={c.static_max:g}" in dv.formula1
                continue
            assert dv.type == ("whole" if c.kind == INTEGER else "decimal")
            bounds = [float(x) for x in (dv.formula1, dv.formula2) if x is not None]
            if c.min is not None and c.static_max is not None:
                assert (dv.operator, bounds) == ("between", [c.min, c.static_max])
            elif c.min is not None:
                assert bounds == [c.min]
                assert dv.operator == ("greaterThan" if c.min_exclusive else "greaterThanOrEqual")


def test_required_columns_are_marked_apart_from_optional_ones(written):
    d = DELIVERIES["units"]
    ws = openpyxl.load_workbook(written[template_name(d)])[DATA_SHEET]
    fills = {c.name: ws.cell(row=1, column=j).fill.fgColor.rgb for j, c in enumerate(d.columns, 1)}
    required = {fills[c.name] for c in d.columns if c.required}
    assert len(required) == 1
    assert fills["commune_code"] not in required  # required for commune-level units only
    assert fills["arrangement_date"] not in required | {fills["commune_code"]}
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].number_format == "@"  # unit codes as text
