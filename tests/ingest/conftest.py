"""Small delivery folders written by hand, and a DuckDB file with the real reference units."""

from pathlib import Path

import duckdb
import pytest

from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.warehouse.reference import load_reference_table

UNITS_HEADER = ("unit_code,unit_name,period,level,province_code,district_code,commune_code,"
                "unit_kind,staffing_quota,arrangement_date")
UNITS_ROWS = [
    "P04-PRE,UBND tỉnh Cao Bằng,pre,province,04,,,government,100,",
    "D040-PRE,UBND thành phố Cao Bằng,pre,district,04,040,,government,50,",
    "C01267-PRE,UBND phường Sông Hiến,pre,commune,04,040,01267,government,20,",
    "P04-POST,UBND tỉnh Cao Bằng,post,province,04,,,government,120,2025-07-01",
    "C01273-POST,UBND phường Thục Phán,post,commune,04,,01273,government,30,",
    "C01279-POST,Đảng ủy phường Nùng Trí Cao,post,commune,04,,01279,party,,",
]
LINEAGE_HEADER = "old_unit_code,new_unit_code,share,event,legal_basis"
LINEAGE_ROWS = [
    "P04-PRE,P04-POST,1,rename,202/2025/QH15",
    "D040-PRE,C01273-POST,0.5,split,1656/NQ-UBTVQH15",
    "D040-PRE,C01279-POST,0.5,split,1656/NQ-UBTVQH15",
    "C01267-PRE,C01273-POST,,merge,",
]
PERSONNEL_HEADER = ("national_id,full_name,sex,date_of_birth,unit_code,staff_category,position,"
                    "salary_coefficient,leadership_allowance_coefficient,beyond_frame_pct,"
                    "other_allowances_vnd,monthly_allowance_vnd,si_months,hardship_years,deferral,"
                    "education_level,field")
# National IDs: province 004, 4th digit 0 = male born 19xx / 1 = female 19xx / 2 = male 20xx.
PERSONNEL_ROWS = [
    "004070123456,Nguyễn Văn An,M,1970-03-15,P04-PRE,civil_servant,Giám đốc,4.98,0.7,5,0,,360,0,,Đại học,Luật",
    "004185654321,Trần Thị Bình,F,1985-11-02,D040-PRE,public_employee,,3.66,,,,,180,,,Thạc sĩ,Y",
    "004201111111,Lê Văn Cường,M,2001-01-20,C01267-PRE,commune_part_time,,,,,,2500000,24,,,,",
]
DECISIONS_HEADER = ("national_id,decree,policy,decision_no,decision_date,leave_date,voluntary,"
                    "amount_paid_vnd,paid_date")
DECISIONS_ROWS = [
    "004070123456,178,early_retirement,12/QĐ-UBND,2025-05-10,2025-06-01,true,350000000,2025-06-15",
    "004185654321,178,resignation,13/QĐ-UBND,2025-05-10,2025-06-01,,,",
]


def write_csv(path: Path, header: str, rows: list[str], sep: str = ",", bom: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [header.replace(",", sep)] + [r.replace(",", sep) if sep != "," else r for r in rows]
    data = "\n".join(lines) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    return path


def load_reference_units(con) -> None:
    """The real reference units, as the reference assets load them."""
    for table in ("ref_units_pre", "ref_units_post"):
        load_reference_table(con, SHIPPED_REFERENCE_DIR, table)


def deliver_clean(raw: Path, personnel_rows: list[str] = PERSONNEL_ROWS) -> Path:
    """A clean delivery of the four tables in `raw` (every file passes every rule, given clean
    `personnel_rows`)."""
    write_csv(raw / "units" / "units.csv", UNITS_HEADER, UNITS_ROWS)
    write_csv(raw / "lineage" / "lineage.csv", LINEAGE_HEADER, LINEAGE_ROWS)
    write_csv(raw / "personnel" / "roster_2025-06-30.csv", PERSONNEL_HEADER, personnel_rows)
    write_csv(raw / "decisions" / "decisions.csv", DECISIONS_HEADER, DECISIONS_ROWS)
    return raw


@pytest.fixture
def con(tmp_path):
    """A fresh warehouse file with the real reference units loaded (as the reference assets do)."""
    c = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    load_reference_units(c)
    yield c
    c.close()


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    """A clean delivery: every file passes every rule."""
    return deliver_clean(tmp_path / "raw")
