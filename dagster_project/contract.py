"""The input data contract (DATA_CONTRACT.md) as data.

One place for every input column: its canonical English name, its Vietnamese header, its
type, whether it is required, and the values an enumeration accepts. The generator writes
files from this; ingest reads and validates them against it. No Dagster import here.
"""

from dataclasses import dataclass, field

# Logical types a column can have. Ingest parses to these; the generator writes them.
TEXT = "text"
CODE = "code"  # digits kept as text, zero padded (province 2, district 3, commune 5, id 12)
DATE = "date"
DECIMAL = "decimal"
INTEGER = "integer"  # whole numbers, incl. money in VND
BOOLEAN = "boolean"
ENUM = "enum"


@dataclass(frozen=True)
class Column:
    name: str
    vi: str
    kind: str
    required: bool = False
    # For ENUM: canonical value -> accepted aliases (Vietnamese and others), compared folded.
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # For CODE: the exact number of digits.
    digits: int | None = None
    # Inclusive numeric bounds (None = open). `min_exclusive` makes the lower bound strict.
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    default: object = None


@dataclass(frozen=True)
class Table:
    name: str  # the folder under raw/ and the raw.<name> table
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


UNITS = Table(
    "units",
    (
        Column("unit_code", "Mã đơn vị", TEXT, required=True),
        Column("unit_name", "Tên đơn vị", TEXT, required=True),
        Column("period", "Giai đoạn", ENUM, required=True,
               values={"pre": ("trước",), "post": ("sau",)}),
        Column("level", "Cấp", ENUM, required=True,
               values={"province": ("tỉnh",), "district": ("huyện",), "commune": ("xã",)}),
        Column("province_code", "Mã tỉnh", CODE, required=True, digits=2),
        Column("district_code", "Mã huyện", CODE, digits=3),
        Column("commune_code", "Mã xã", CODE, digits=5),
        Column("unit_kind", "Loại đơn vị", ENUM, required=True,
               values={"government": (), "party": (), "mass_org": (), "public_service": ()}),
        Column("staffing_quota", "Biên chế được giao", INTEGER, min=0),
        Column("arrangement_date", "Ngày sắp xếp", DATE),
    ),
)

LINEAGE = Table(
    "lineage",
    (
        Column("old_unit_code", "Mã đơn vị cũ", TEXT, required=True),
        Column("new_unit_code", "Mã đơn vị mới", TEXT, required=True),
        Column("share", "Tỷ lệ", DECIMAL, min=0, max=1, min_exclusive=True, default=1.0),
        Column("event", "Hình thức", ENUM,
               values={"merge": (), "split": (), "transfer": (), "rename": ()}),
        Column("legal_basis", "Căn cứ", TEXT),
    ),
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

PERSONNEL = Table(
    "personnel",
    (
        Column("snapshot_date", "Ngày báo cáo", DATE),
        Column("national_id", "Số CCCD", CODE, required=True, digits=12),
        Column("full_name", "Họ và tên", TEXT, required=True),
        Column("sex", "Giới tính", ENUM, required=True, values={"M": ("nam",), "F": ("nữ",)}),
        Column("date_of_birth", "Ngày sinh", DATE, required=True),
        Column("unit_code", "Mã đơn vị", TEXT, required=True),
        Column("staff_category", "Đối tượng", ENUM, required=True, values=STAFF_CATEGORIES),
        Column("position", "Chức vụ", TEXT),
        Column("salary_coefficient", "Hệ số lương", DECIMAL, min=1.0, max=10.0),
        Column("leadership_allowance_coefficient", "Hệ số phụ cấp chức vụ", DECIMAL,
               min=0.0, max=1.3, default=0.0),
        Column("beyond_frame_pct", "Phụ cấp thâm niên vượt khung (%)", INTEGER,
               min=0, max=30, default=0),
        Column("other_allowances_vnd", "Phụ cấp khác được tính (đồng)", INTEGER, min=0, default=0),
        Column("monthly_allowance_vnd", "Mức phụ cấp hằng tháng (đồng)", INTEGER,
               min=0, min_exclusive=True),
        Column("si_months", "Số tháng đóng BHXH", INTEGER, required=True, min=0),
        Column("hardship_years", "Số năm làm việc nặng nhọc, vùng ĐBKK", DECIMAL, min=0, default=0.0),
        Column("deferral", "Trường hợp chưa xem xét", ENUM, values=DEFERRALS),
        Column("education_level", "Trình độ", TEXT),
        Column("field", "Chuyên môn", TEXT),
    ),
)

DECISIONS = Table(
    "decisions",
    (
        Column("national_id", "Số CCCD", CODE, required=True, digits=12),
        Column("decree", "Nghị định", ENUM, required=True,
               values={"178": ("178/2024", "67", "178/67"), "154": ("154/2025",), "177": ("177/2024",)}),
        Column("policy", "Chế độ", ENUM, required=True,
               values={"early_retirement": ("nghỉ hưu trước tuổi",),
                       "resignation": ("thôi việc", "nghỉ thôi việc"),
                       "part_time_leave": ("nghỉ việc không chuyên trách",)}),
        Column("decision_no", "Số quyết định", TEXT, required=True),
        Column("decision_date", "Ngày quyết định", DATE, required=True),
        Column("leave_date", "Ngày nghỉ", DATE, required=True),
        Column("voluntary", "Tự nguyện", BOOLEAN, default=True),
        Column("amount_paid_vnd", "Số tiền đã chi (đồng)", INTEGER, min=0),
        Column("paid_date", "Ngày chi trả", DATE),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (UNITS, LINEAGE, PERSONNEL, DECISIONS)}

# Boolean spellings accepted (folded).
TRUE_VALUES = ("true", "1", "yes", "y", "có", "x")
FALSE_VALUES = ("false", "0", "no", "n", "không")

# The day the new structure took effect; a snapshot after it refers to `post` units.
MERGER_DATE = "2025-07-01"
LAST_PRE_SNAPSHOT = "2025-06-30"
