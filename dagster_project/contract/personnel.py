"""personnel/: staff rosters, one row per person at one snapshot date.

Everything ingest, the checks, dbt staging and the contract doc know about a roster is here.
To add a column, add one `Column` below (then expose it in stg_deliveries__personnel.sql and
run `python -m dagster_project.contract --write`).
"""

from dagster_project.contract.model import (
    CODE,
    DATE,
    DECIMAL,
    ENUM,
    INTEGER,
    TEXT,
    AgeBetween,
    Column,
    Delivery,
    IdMatchesBirthYear,
    IdMatchesSex,
    IdProvinceKnown,
    InUnitsOfSnapshotPeriod,
    Is,
    IsNot,
    Key,
    RequiredWhen,
    SnapshotDate,
    Staged,
    Staging,
    YearOf,
)

STAFF_CATEGORIES = {
    "cadre": ("cán bộ",),
    "civil_servant": ("công chức",),
    "public_employee": ("viên chức",),
    "contract_worker": ("hợp đồng lao động", "người lao động"),
    "commune_part_time": ("không chuyên trách", "người hoạt động không chuyên trách"),
}

DEFERRALS = {
    "pregnant": ("mang thai",),
    "maternity_leave": ("nghỉ thai sản",),
    "child_under_36m": ("nuôi con dưới 36 tháng",),
    "discipline": ("kỷ luật",),
    "prosecution": ("truy cứu",),
    "inspection": ("thanh tra",),
}

# The annual quality rating (Decree 90/2020 as amended by Decree 48/2023).
QUALITY_RATINGS = {
    "excellent": ("hoàn thành xuất sắc nhiệm vụ",),
    "good": ("hoàn thành tốt nhiệm vụ",),
    "completed": ("hoàn thành nhiệm vụ",),
    "not_completed": ("không hoàn thành nhiệm vụ",),
}

PERSONNEL = Delivery(
    name="personnel",
    vi="Danh sách cán bộ, công chức, viên chức, người lao động",
    en="Staff rosters",
    row_vi="một người tại một ngày báo cáo",
    row_en="one person at one snapshot date",
    summary="Staff rosters (raw/personnel/), one row per person per snapshot date; national ID "
            "cross-checked with sex and birth year, unit codes checked for the snapshot's period, "
            "duplicates in a snapshot quarantined (the first in delivery order is kept).",
    columns=(
        Column("snapshot_date", "Ngày báo cáo", DATE,
               doc="Roster date (from the column, the file name or the form's title block).",
               note_vi="đến 30/06/2025: đơn vị giai đoạn trước; từ 01/07/2025: giai đoạn sau",
               note_en="up to 30 Jun 2025: `pre` units; from 1 Jul 2025: `post` units"),
        Column("national_id", "Số CCCD", CODE, required=True, digits=12,
               doc="National ID number (12 digits); stops at raw (staging: person_key)."),
        Column("full_name", "Họ và tên", TEXT, required=True, doc="Full name; stops at raw."),
        Column("sex", "Giới tính", ENUM, required=True, values={"M": ("nam",), "F": ("nữ",)},
               doc="M or F."),
        Column("date_of_birth", "Ngày sinh", DATE, required=True, year_only=True,
               doc="Birth date (a year alone means 1 January).",
               note_vi="chỉ ghi năm (1968) nghĩa là ngày 01/01 năm đó",
               note_en="a year alone (1968) means 1 January"),
        Column("unit_code", "Mã đơn vị", TEXT, required=True,
               doc="The agency at the snapshot, a unit of the snapshot's period."),
        Column("staff_category", "Đối tượng", ENUM, required=True, values=STAFF_CATEGORIES,
               doc="cadre, civil_servant, public_employee, contract_worker or commune_part_time."),
        Column("position", "Chức vụ", TEXT, doc="Leadership post; null = none.",
               note_vi="để trống = không giữ chức vụ lãnh đạo",
               note_en="empty = no leadership post"),
        Column("salary_coefficient", "Hệ số lương", DECIMAL, min=1.0, max=10.0,
               doc="Salary coefficient 1.00-10.00 (null only for commune_part_time)."),
        Column("leadership_allowance_coefficient", "Hệ số phụ cấp chức vụ", DECIMAL,
               min=0.0, max=1.3, default=0.0,
               doc="Leadership allowance coefficient 0-1.30; 0 when not delivered."),
        Column("beyond_frame_pct", "Phụ cấp thâm niên vượt khung (%)", INTEGER,
               min=0, max=30, default=0,
               doc="Seniority allowance beyond the frame, percent 0-30; 0 when not delivered."),
        Column("other_allowances_vnd", "Phụ cấp khác được tính (đồng)", INTEGER, min=0, default=0,
               doc="Other allowances counted in the current salary, VND; 0 when not delivered.",
               note_vi="các khoản phụ cấp được tính vào tiền lương hiện hưởng",
               note_en="allowances that count toward the current salary"),
        Column("monthly_allowance_vnd", "Mức phụ cấp hằng tháng (đồng)", INTEGER,
               min=0, min_exclusive=True,
               doc="Monthly allowance of a commune part-time worker, VND."),
        Column("si_months", "Số tháng đóng BHXH", INTEGER, required=True, min=0,
               doc="Months of compulsory social insurance at the snapshot.",
               note_vi="số tháng đóng BHXH bắt buộc tính đến ngày báo cáo",
               note_en="compulsory social insurance months at the snapshot date"),
        Column("hardship_years", "Số năm làm việc nặng nhọc, vùng ĐBKK", DECIMAL, min=0, default=0.0,
               doc="Years in heavy work or hardship areas; 0 when not delivered.",
               note_vi="từ 15 năm: tuổi nghỉ hưu theo Phụ lục II",
               note_en="15 or more moves the person to the Appendix II retirement ladder"),
        Column("deferral", "Trường hợp chưa xem xét", ENUM, values=DEFERRALS,
               doc="Reason the case is not considered yet (pregnant, maternity_leave, ...); null = none."),
        Column("education_level", "Trình độ", TEXT, doc="Trình độ."),
        Column("field", "Chuyên môn", TEXT, doc="Chuyên môn."),
        Column("quality_rating", "Xếp loại chất lượng", ENUM, values=QUALITY_RATINGS,
               doc="The last annual quality rating (Decree 90/2020 as amended by 48/2023): "
                   "excellent, good, completed or not_completed; null = not delivered.",
               note_vi="kết quả xếp loại chất lượng hằng năm gần nhất",
               note_en="the last annual rating"),
        Column("rating_year", "Năm đánh giá", INTEGER, min=2020, max=YearOf("snapshot_date"),
               doc="The year quality_rating refers to.",
               note_vi="năm của kết quả xếp loại", note_en="the year `quality_rating` refers to"),
    ),
    snapshot=SnapshotDate("snapshot_date", file_name=True, form_title=True,
                          provinces_of="unit_code"),
    key=Key(("snapshot_date", "national_id"), duplicate="duplicate_person", report="national_id",
            vi="mỗi người một dòng trong một ngày báo cáo", en="one row per person and snapshot"),
    checks=(
        IdMatchesSex("national_id", sex="sex"),
        IdMatchesBirthYear("national_id", birth="date_of_birth"),
        AgeBetween("date_of_birth", at="snapshot_date", min=16, max=75),
        RequiredWhen("salary_coefficient", (IsNot("staff_category", "commune_part_time"),),
                     vi="mọi đối tượng trừ không chuyên trách", en="all but commune_part_time"),
        RequiredWhen("monthly_allowance_vnd", (Is("staff_category", "commune_part_time"),),
                     vi="người hoạt động không chuyên trách", en="commune_part_time"),
    ),
    lookups=(
        InUnitsOfSnapshotPeriod("unit_code", snapshot="snapshot_date"),
        IdProvinceKnown("national_id"),
    ),
    staging=Staging(
        model="stg_deliveries__personnel",
        # A decision's person is looked for among the roster rows with their key computed once:
        # the view hashes every national ID of every roster again (national scale: 0.6 s of a
        # dbt thread in a full build, 1.3 s beside other nodes in an added month; from the
        # table 0.2 and 0.3-0.4 s).
        rows_model="int_roster_snapshots_deduplicated",
        description="Staff rosters, one row per person per snapshot date. The person is "
                    "`person_key`, a keyed hash of the national ID: names and ID numbers stop at raw.",
        staged=(
            Staged("person_key", of="national_id",
                   doc="Keyed SHA-256 of the national ID (macro person_key); stable across snapshots."),
            Staged("period", after="snapshot_date", values=("pre", "post"), not_null=True,
                   doc="'pre' for a snapshot before 1 July 2025, else 'post'."),
            Staged("is_leader", after="position", not_null=True,
                   doc="True when the person holds a leadership post."),
        ),
        hidden=("full_name",),
    ),
)
