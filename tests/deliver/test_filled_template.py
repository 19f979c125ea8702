"""A template filled in as a province's data officer would (new province 37 Ninh Bình, formed
from old 35 Hà Nam, 36 Nam Định and 37 Ninh Bình; one new ward and the three old communes it
was formed from, codes from the shipped reference registries): saved under raw/ as the
contract says, it ingests with every row loaded and nothing quarantined, and `sapnhap
validate` says the same before sending."""

from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from dagster_project.cli import main
from dagster_project.contract import DELIVERIES
from dagster_project.deliver.template import DATA_SHEET, GUIDE_SHEET, template_name, write_templates
from dagster_project.ingest import ingest_all, reconcile
from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.warehouse.reference import load_reference_table

NEW_WARD = "13291"  # Phường Phù Vân, province 37 from 1 July 2025
FOLDER = "37_ninh_binh"


def ward_and_predecessors() -> tuple[dict, list[dict]]:
    """The new ward and the old communes it was formed from, as the reference gives them."""
    edges = pl.read_csv(SHIPPED_REFERENCE_DIR / "lineage_communes.csv", infer_schema=False)
    edges = edges.filter(pl.col("new_code") == NEW_WARD).sort("old_code")
    new = edges.row(0, named=True)
    assert new["new_province_code"] == "37" and edges.height == 3
    return new, edges.to_dicts()


def filled(template: Path, rows: list[dict], delivery: str, target: Path) -> Path:
    """The template with `rows` typed in under its headers (canonical names -> values as an
    officer types them: dates as dates, numbers as numbers, choices from the drop-downs)."""
    wb = openpyxl.load_workbook(template)
    ws = wb[DATA_SHEET]
    col_of = {ws.cell(row=1, column=j).value: j for j in range(1, ws.max_column + 1)}
    d = DELIVERIES[delivery]
    for i, row in enumerate(rows, start=2):
        for name, value in row.items():
            ws.cell(row=i, column=col_of[d.column(name).vi], value=value)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def units_rows(new: dict, old: list[dict]) -> list[dict]:
    district = old[0]["old_district_code"]
    assert {o["old_province_code"] for o in old} == {"35"} and {o["old_district_code"] for o in old} == {district}
    rows = [
        {"unit_code": f"UBND-T{p}", "unit_name": f"UBND tỉnh {n}", "period": "trước", "level": "tỉnh",
         "province_code": p, "unit_kind": "government", "staffing_quota": q}
        for p, n, q in (("35", "Hà Nam", 118), ("36", "Nam Định", 142), ("37", "Ninh Bình", 125))
    ]
    rows.append({"unit_code": f"UBND-H{district}", "unit_name": f"UBND {old[0]['old_district_name'].lower()}",
                 "period": "trước", "level": "huyện", "province_code": "35", "district_code": district,
                 "unit_kind": "government", "staffing_quota": 64})
    for o in old:
        rows.append({"unit_code": f"UBND-X{o['old_code']}", "unit_name": f"UBND {o['old_name'].lower()}",
                     "period": "trước", "level": "xã", "province_code": "35", "district_code": district,
                     "commune_code": o["old_code"], "unit_kind": "government", "staffing_quota": 21})
    party = old[1]["old_code"]
    rows.append({"unit_code": f"DU-X{party}", "unit_name": f"Đảng ủy {old[1]['old_name'].lower()}",
                 "period": "trước", "level": "xã", "province_code": "35", "district_code": district,
                 "commune_code": party, "unit_kind": "party"})
    rows += [
        {"unit_code": "UBND-T37", "unit_name": "UBND tỉnh Ninh Bình", "period": "sau", "level": "tỉnh",
         "province_code": "37", "unit_kind": "government", "staffing_quota": 365,
         "arrangement_date": date(2025, 7, 1)},
        {"unit_code": f"UBND-X{NEW_WARD}", "unit_name": f"UBND {new['new_name'].lower()}", "period": "sau",
         "level": "xã", "province_code": "37", "commune_code": NEW_WARD, "unit_kind": "government",
         "staffing_quota": 58},
        {"unit_code": f"DU-X{NEW_WARD}", "unit_name": f"Đảng ủy {new['new_name'].lower()}", "period": "sau",
         "level": "xã", "province_code": "37", "commune_code": NEW_WARD, "unit_kind": "party"},
        {"unit_code": f"TTHCC-X{NEW_WARD}", "unit_name": f"Trung tâm phục vụ hành chính công {new['new_name'].lower()}",
         "period": "sau", "level": "xã", "province_code": "37", "commune_code": NEW_WARD,
         "unit_kind": "public_service"},
    ]
    return rows


def lineage_rows(old: list[dict], district: str) -> list[dict]:
    rows = [{"old_unit_code": f"UBND-T{p}", "new_unit_code": "UBND-T37", "event": "merge",
             "legal_basis": "202/2025/QH15"} for p in ("35", "36", "37")]
    rows += [
        {"old_unit_code": f"UBND-H{district}", "new_unit_code": "UBND-T37", "share": 0.4, "event": "split",
         "legal_basis": "1674/NQ-UBTVQH15"},
        {"old_unit_code": f"UBND-H{district}", "new_unit_code": f"UBND-X{NEW_WARD}", "share": 0.6,
         "event": "split", "legal_basis": "1674/NQ-UBTVQH15"},
        {"old_unit_code": f"DU-X{old[1]['old_code']}", "new_unit_code": f"DU-X{NEW_WARD}", "event": "merge",
         "legal_basis": "1674/NQ-UBTVQH15"},
    ]
    rows += [{"old_unit_code": f"UBND-X{o['old_code']}", "new_unit_code": f"UBND-X{NEW_WARD}", "share": 1,
              "event": "merge", "legal_basis": "1674/NQ-UBTVQH15"} for o in old]
    return rows


# Five people, their national IDs consistent with sex and birth year (digits 1-3 the province
# of birth registration, digit 4 the century and sex, 5-6 the year); June units, July units.
PEOPLE = [
    {"national_id": "035068001234", "full_name": "Nguyễn Văn Hùng", "sex": "nam", "date_of_birth": date(1968, 5, 12),
     "staff_category": "công chức", "position": "Phó Chánh Văn phòng", "salary_coefficient": 4.98,
     "leadership_allowance_coefficient": 0.5, "beyond_frame_pct": 5, "other_allowances_vnd": 1_250_000,
     "si_months": 420, "education_level": "Đại học", "field": "Luật",
     "quality_rating": "hoàn thành tốt nhiệm vụ", "rating_year": 2024},
    {"national_id": "036175004321", "full_name": "Trần Thị Mai", "sex": "nữ", "date_of_birth": 1975,
     "staff_category": "công chức", "salary_coefficient": 3.66, "si_months": 300, "hardship_years": 2.5,
     "education_level": "Đại học", "field": "Kế toán", "quality_rating": "hoàn thành nhiệm vụ",
     "rating_year": 2024},
    {"national_id": "037090005678", "full_name": "Lê Văn Nam", "sex": "nam", "date_of_birth": date(1990, 9, 3),
     "staff_category": "không chuyên trách", "monthly_allowance_vnd": 2_340_000, "si_months": 60},
    {"national_id": "035301007777", "full_name": "Phạm Thị Lan", "sex": "nữ", "date_of_birth": date(2001, 11, 20),
     "staff_category": "cán bộ", "salary_coefficient": 2.34, "si_months": 36,
     "deferral": "nuôi con dưới 36 tháng", "education_level": "Đại học", "field": "Xây dựng Đảng"},
    {"national_id": "037065009999", "full_name": "Hoàng Văn Đức", "sex": "nam", "date_of_birth": date(1965, 1, 15),
     "staff_category": "cán bộ", "position": "Chủ tịch", "salary_coefficient": 5.42,
     "leadership_allowance_coefficient": 0.7, "beyond_frame_pct": 12, "si_months": 444, "hardship_years": 16,
     "education_level": "Thạc sĩ", "field": "Quản lý nhà nước",
     "quality_rating": "hoàn thành xuất sắc nhiệm vụ", "rating_year": 2024},
]


def roster(old: list[dict], district: str, post: bool) -> list[dict]:
    june = ["UBND-T35", f"UBND-X{old[1]['old_code']}", f"UBND-X{old[2]['old_code']}",
            f"DU-X{old[1]['old_code']}", f"UBND-H{district}"]
    july = ["UBND-T37", f"UBND-X{NEW_WARD}", f"UBND-X{NEW_WARD}", f"DU-X{NEW_WARD}", f"UBND-X{NEW_WARD}"]
    rows = []
    for person, unit in zip(PEOPLE, july if post else june, strict=True):
        row = person | {"unit_code": unit}
        if post:  # the July roster fills the date column; June's comes from the file name
            row["snapshot_date"] = date(2025, 7, 31)
        rows.append(row)
    return rows


DECISION_ROWS = [
    {"national_id": "037065009999", "decree": "178/2024", "policy": "nghỉ hưu trước tuổi",
     "decision_no": "125/QĐ-UBND", "decision_date": date(2025, 7, 15), "leave_date": date(2025, 8, 1),
     "voluntary": "có", "amount_paid_vnd": 512_345_000, "paid_date": date(2025, 8, 12)},
    {"national_id": "037090005678", "decree": "178/2024", "policy": "nghỉ việc không chuyên trách",
     "decision_no": "125/QĐ-UBND", "decision_date": date(2025, 7, 15), "leave_date": date(2025, 8, 1),
     "voluntary": "có"},
    {"national_id": "036175004321", "decree": "154/2025", "policy": "thôi việc",
     "decision_no": "131/QĐ-UBND", "decision_date": date(2025, 7, 28), "leave_date": date(2025, 9, 1),
     "voluntary": "có"},
]


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    """The four templates filled in and saved under raw/ as the contract says (a province's
    own subfolder; the June roster dated by its file name only)."""
    root = tmp_path_factory.mktemp("filled")
    templates = {p.name: p for p in write_templates(root / "templates")}
    new, old = ward_and_predecessors()
    district = old[0]["old_district_code"]
    raw = root / "raw"

    typed: dict[str, int] = {}

    def put(delivery: str, name: str, rows: list[dict]) -> Path:
        typed[delivery] = typed.get(delivery, 0) + len(rows)
        path = raw / delivery / FOLDER / name
        return filled(templates[template_name(DELIVERIES[delivery])], rows, delivery, path)

    written = {
        "units": [put("units", "don_vi.xlsx", units_rows(new, old))],
        "lineage": [put("lineage", "chuyen_doi_don_vi.xlsx", lineage_rows(old, district))],
        "personnel": [put("personnel", "danh_sach_can_bo_2025-06-30.xlsx", roster(old, district, post=False)),
                      put("personnel", "danh_sach_can_bo_2025-07-31.xlsx", roster(old, district, post=True))],
        "decisions": [put("decisions", "quyet_dinh_dot_1.xlsx", DECISION_ROWS)],
    }
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    for table in ("ref_units_pre", "ref_units_post"):
        load_reference_table(con, SHIPPED_REFERENCE_DIR, table)
    results = ingest_all(con, raw)
    yield con, results, written, raw, typed
    con.close()


def test_every_row_typed_in_loads_and_nothing_is_quarantined(delivered):
    con, results, _, _, typed = delivered
    assert con.execute("select count(*) from audit.quarantine").fetchall()[0][0] == 0
    assert typed == {"units": 12, "lineage": 9, "personnel": 10, "decisions": 3}
    for table, n in typed.items():
        assert con.execute(f"select count(*) from raw.{table}").fetchall()[0][0] == n, table
        assert results[table].rows_read == results[table].rows_loaded == n
        assert reconcile(con, table).get_column("ok").all()


def test_the_data_sheet_loads_and_the_instructions_sheet_is_skipped(delivered):
    con, _, written, _, _ = delivered
    status = con.execute("select file, sheet, status from audit.ingest_ledger where is_current").fetchall()
    assert {(s, st) for _, s, st in status} == {(DATA_SHEET, "loaded"), (GUIDE_SHEET, "skipped")}
    assert len(status) == 2 * sum(len(v) for v in written.values())


def test_values_typed_as_an_officer_would_load_as_the_contract_means_them(delivered):
    con, _, _, _, _ = delivered
    people = con.execute(
        "select national_id, sex, date_of_birth, staff_category, snapshot_date, deferral, quality_rating "
        "from raw.personnel where national_id in ('036175004321', '035301007777') order by all").fetchall()
    assert people == [
        ("035301007777", "F", date(2001, 11, 20), "cadre", date(2025, 6, 30), "child_under_36m", None),
        ("035301007777", "F", date(2001, 11, 20), "cadre", date(2025, 7, 31), "child_under_36m", None),
        ("036175004321", "F", date(1975, 1, 1), "civil_servant", date(2025, 6, 30), None, "completed"),
        ("036175004321", "F", date(1975, 1, 1), "civil_servant", date(2025, 7, 31), None, "completed"),
    ]
    assert con.execute("select decree, policy, voluntary, amount_paid_vnd from raw.decisions "
                       "order by decision_no, national_id").fetchall() == [
        ("178", "early_retirement", True, 512_345_000), ("178", "part_time_leave", True, None),
        ("154", "resignation", True, None)]
    assert con.execute("select sum(share) from raw.lineage where old_unit_code like 'UBND-H%'").fetchall()[0][0] == 1.0


def test_the_ledger_tells_the_province_and_date_of_each_roster(delivered):
    con, _, _, _, _ = delivered
    facts = dict(con.execute("select file, snapshot_dates || ' ' || province_codes from audit.ingest_ledger "
                             "where table_name = 'personnel' and status = 'loaded'").fetchall())
    assert facts == {f"personnel/{FOLDER}/danh_sach_can_bo_2025-06-30.xlsx": "2025-06-30 35",
                     f"personnel/{FOLDER}/danh_sach_can_bo_2025-07-31.xlsx": "2025-07-31 37"}


def test_validate_says_the_filled_files_are_ready_to_send(delivered):
    _, _, written, _, typed = delivered
    files = [str(p) for paths in written.values() for p in paths]
    result = CliRunner().invoke(main, ["validate", *files])
    assert result.exit_code == 0, result.output
    assert "Kết quả: các tệp sẵn sàng để gửi." in result.output
    n = sum(typed.values())
    assert f"Tổng cộng: 5 tệp, {n} dòng đọc được, {n} dòng sẽ được nạp, 0 dòng sẽ không được nạp" in result.output


def test_validate_tells_each_file_s_delivery_from_its_header_outside_raw(delivered, tmp_path):
    """Files saved anywhere (an officer's Downloads folder, renamed, a roster keeping its
    date in its name): each is checked as the delivery its header names, together, so the
    rosters' units and the decisions' people are found in the files given with them."""
    import shutil

    from dagster_project.deliver.validate import validate

    _, _, written, _, typed = delivered
    loose = tmp_path / "Downloads"
    loose.mkdir()
    copies = {}
    for delivery, paths in written.items():
        for p in paths:
            copy = loose / f"gui_so_noi_vu_{len(copies)}_{p.name}"
            shutil.copyfile(p, copy)
            copies[str(copy)] = delivery
    report = validate(list(map(Path, copies)))
    assert {f.path: f.delivery for f in report.files} == copies
    assert report.clean and report.unchecked == []
    assert sum(f.rows_loaded for f in report.files) == sum(typed.values())


def test_validate_refuses_a_file_of_no_delivery_in_one_line(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["STT", "Ghi chú"])
    wb.active.append([1, "không phải danh sách"])
    wb.save(tmp_path / "bang_tinh.xlsx")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "bang_tinh.xlsx")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "không biết là loại tệp nào" in result.output


def test_validate_says_a_file_cannot_be_read_in_one_line_or_as_its_delivery_would(tmp_path):
    loose = tmp_path / "danh_sach.xlsx"
    loose.write_text("không phải tệp Excel", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(loose)])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "không đọc được tệp" in result.output and "Traceback" not in result.output
    placed = tmp_path / "raw" / "personnel" / "danh_sach.xlsx"  # in its folder: as ingest would
    placed.parent.mkdir(parents=True)
    placed.write_bytes(loose.read_bytes())
    result = CliRunner().invoke(main, ["validate", str(placed)])
    assert result.exit_code == 1 and "[unreadable_file]" in result.output
    assert "cả tệp sẽ bị từ chối" in result.output
