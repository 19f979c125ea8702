"""The words a delivery is described in: column kinds, columns, keys, checks, lookups.

A delivery (`Delivery`) is a table a province sends: its columns, the key that makes a row one
thing (and what happens to a repeat), the checks over several columns of a row, the lookups
against what is already loaded, the checks over the whole table, where a roster's snapshot
date comes from, and what dbt staging exposes. Everything here is data: ingest interprets it
(dagster_project/ingest/checks/), the Great Expectations suites, the raw DDL, the dbt staging
YAML and docs/delivery_contract.md are derived from it (artifacts.py). No polars, no Dagster.

Messages: every check names a quarantine reason (reasons.py holds its message templates);
where a reason's message has a `{detail}`, the check says what goes there, in Vietnamese and
English, with placeholders the interpreter fills per row (e.g. `{age}`).
"""

from dataclasses import dataclass, field
from datetime import date

# The day the new structure took effect; a roster dated after 30 June 2025 refers to `post`
# units, one dated on or before it to `pre` units.
MERGER_DATE = "2025-07-01"
LAST_PRE_SNAPSHOT = "2025-06-30"

# Boolean spellings accepted (compared folded).
TRUE_VALUES = ("true", "1", "yes", "y", "có", "x")
FALSE_VALUES = ("false", "0", "no", "n", "không")


@dataclass(frozen=True)
class Kind:
    """What a column holds: how ingest parses it, how DuckDB stores it, the reason a value
    that does not parse is quarantined for (and what its message says is accepted:
    `{digits}`, `{values}` are the column's), and how the contract names it."""

    name: str
    duckdb_type: str
    invalid_reason: str | None  # None: any text is valid
    vi: str
    en: str
    accepted_vi: str = ""
    accepted_en: str | None = None  # None: as in Vietnamese

    def __str__(self) -> str:
        return self.name


TEXT = Kind("text", "VARCHAR", None, "văn bản", "text")
CODE = Kind("code", "VARCHAR", "invalid_code", "mã số", "code",  # digits kept as text
            "{digits} chữ số", "{digits} digits")
DATE = Kind("date", "DATE", "invalid_date", "ngày", "date",
            "dd/mm/yyyy với năm đủ 4 chữ số, yyyy-mm-dd hoặc ô ngày của Excel",
            "dd/mm/yyyy with a four-digit year, yyyy-mm-dd or an Excel date")
# Every date: from EARLIEST_DATE up to 31 December of the year after the ingest run
# (LATEST_YEARS_AHEAD): a decision may set a leave date in the coming months, nothing
# delivered is dated years ahead (a birth date is held tighter by its delivery's AgeBetween).
# A year written with two digits (`21/7/25`) is not a date: 1925 or 2025 cannot be told.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_YEARS_AHEAD = 1


def latest_date(today: date | None = None) -> date:
    """The latest date a column without `not_after` may hold, for a run on `today`."""
    return date((today or date.today()).year + LATEST_YEARS_AHEAD, 12, 31)

DECIMAL = Kind("decimal", "DOUBLE", "invalid_number", "số thập phân", "decimal")
INTEGER = Kind("integer", "BIGINT", "invalid_number", "số nguyên", "integer")  # money in VND too
BOOLEAN = Kind("boolean", "BOOLEAN", "invalid_enum", "có / không", "boolean", "true/false")
ENUM = Kind("enum", "VARCHAR", "invalid_enum", "danh mục", "enumeration", "{values}")
KINDS = (TEXT, CODE, DATE, DECIMAL, INTEGER, BOOLEAN, ENUM)


@dataclass(frozen=True)
class YearOf:
    """A bound that is the year of another column of the same row (e.g. the snapshot's)."""

    column: str
    vi: str = "năm của ngày báo cáo"
    en: str = "the snapshot's year"


@dataclass(frozen=True)
class Column:
    """One delivered column. `vi` is the Vietnamese header; `aliases` are other headers
    accepted (the canonical name, with `_` or spaces, always is). For an enumeration `values`
    maps each canonical value to its accepted spellings (Vietnamese first). Bounds are
    inclusive unless `min_exclusive`. `default` is what staging uses for a missing value
    (ingest keeps it missing). `doc` says what the column is, for analysts (English)."""

    name: str
    vi: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    digits: int | None = None  # CODE: exactly this many digits (short unit codes zero padded)
    min: float | None = None
    max: float | YearOf | None = None
    min_exclusive: bool = False
    default: object = None
    year_only: bool = False  # DATE: a year alone (`1968`) means 1 January of that year
    doc: str = ""
    note_vi: str = ""  # what else an officer should know (the contract doc's rule column)
    note_en: str = ""

    @property
    def static_max(self) -> float | None:
        return self.max if not isinstance(self.max, YearOf) else None


# --- conditions (all must hold) ----------------------------------------------------------

@dataclass(frozen=True)
class Condition:
    """`column` (as parsed) is one of `values`, or with `negate` is none of them. A value
    missing or not valid satisfies neither."""

    column: str
    values: tuple[str, ...]
    negate: bool = False


def Is(column: str, *values: str) -> Condition:  # noqa: N802 - reads as a sentence
    return Condition(column, values)


def IsNot(column: str, *values: str) -> Condition:  # noqa: N802
    return Condition(column, values, negate=True)


# --- checks over several columns of one row ----------------------------------------------

@dataclass(frozen=True)
class RequiredWhen:
    """`column` must have a value where every condition holds (`missing_value`)."""

    column: str
    when: tuple[Condition, ...]
    vi: str  # for whom: "cấp xã" -> "(bắt buộc với cấp xã)"
    en: str
    reason: str = "missing_value"
    detail_vi: str = " (bắt buộc với {who})"
    detail_en: str = " (required for {who})"


@dataclass(frozen=True)
class NotAllowedWhen:
    """The row is refused where every condition holds; the message is the reason's own."""

    column: str
    when: tuple[Condition, ...]
    reason: str
    vi: str  # the rule, for the contract doc
    en: str


# National ID digit 4: the century of birth and the sex (even male, odd female).
CENTURY_START = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200,
                 8: 1800, 9: 1800}


@dataclass(frozen=True)
class IdMatchesSex:
    """Digit 4 of the national ID is even for a man, odd for a woman."""

    column: str
    sex: str
    male: str = "M"
    female: str = "F"
    reason: str = "national_id_mismatch"
    detail_vi: str = "giới tính {sex} (chữ số thứ 4 là {digit})"
    detail_en: str = "sex {sex} (4th digit is {digit})"
    vi: str = "chữ số thứ 4 khớp với giới tính và thế kỷ sinh"
    en: str = "digit 4 matches the sex and the century of birth"


@dataclass(frozen=True)
class IdMatchesBirthYear:
    """Digit 4 (century) and digits 5-6 of the national ID give the birth year."""

    column: str
    birth: str
    reason: str = "national_id_mismatch"
    detail_vi: str = "năm sinh {year} (chữ số 5-6 là {digits})"
    detail_en: str = "birth year {year} (digits 5-6 are {digits})"
    vi: str = "chữ số 5-6 là hai số cuối của năm sinh"
    en: str = "digits 5-6 are the last two digits of the birth year"


@dataclass(frozen=True)
class AgeBetween:
    """Age in whole years at the date in column `at`, from the birth date in `column`."""

    column: str
    at: str
    min: int
    max: int
    reason: str = "out_of_range"
    detail_vi: str = "tuổi {age} tại ngày báo cáo, phải từ {min} đến {max}"
    detail_en: str = "age {age} at the snapshot, must be {min} to {max}"
    vi: str = "tuổi từ {min} đến {max} tại ngày báo cáo"
    en: str = "age {min} to {max} at the snapshot"


# --- lookups: a value must exist in what is already loaded --------------------------------

@dataclass(frozen=True)
class InReferenceUnits:
    """A code of the real administrative units of the row's period (raw.ref_units_<period>,
    loaded from the shipped reference registries), at `level`, for the periods listed."""

    column: str
    level: str
    periods: tuple[str, ...]
    period_column: str = "period"
    reason: str = "unknown_reference_code"
    detail_vi: str = "của giai đoạn {period}"
    detail_en: str = "of period {period}"
    vi: str = "có trong danh mục ĐVHC của giai đoạn"
    en: str = "in the reference units of the period"


@dataclass(frozen=True)
class InUnits:
    """A unit code of the delivered units (raw.units) of one period."""

    column: str
    period: str
    detail_vi: str
    detail_en: str
    vi: str
    en: str
    reason: str = "unknown_unit_code"
    references: tuple[str, str] = ("units", "unit_code")


@dataclass(frozen=True)
class InUnitsOfSnapshotPeriod:
    """A unit code of the delivered units of the roster's period (by its snapshot date)."""

    column: str
    snapshot: str
    reason: str = "unknown_unit_code"
    detail_vi: str = "của giai đoạn {period} (theo ngày báo cáo)"
    detail_en: str = "of period {period} (by snapshot date)"
    vi: str = "một đơn vị trong units/ của giai đoạn theo ngày báo cáo"
    en: str = "a unit of units/ of the snapshot's period"
    references: tuple[str, str] = ("units", "unit_code")


@dataclass(frozen=True)
class IdProvinceKnown:
    """Digits 1-3 of a national ID are a province code (old or new, zero padded to 3)."""

    column: str
    reason: str = "invalid_code"
    detail_vi: str = "chữ số 1-3 không phải mã tỉnh"
    detail_en: str = "digits 1-3 are not a province code"
    vi: str = "chữ số 1-3 là mã tỉnh nơi đăng ký khai sinh"
    en: str = "digits 1-3 are a province code"


@dataclass(frozen=True)
class InDelivery:
    """A value of another delivery already loaded (e.g. a decision's person in some roster)."""

    column: str
    delivery: str
    target: str
    reason: str
    vi: str
    en: str

    @property
    def references(self) -> tuple[str, str]:
        return (self.delivery, self.target)


# --- the whole table ---------------------------------------------------------------------

@dataclass(frozen=True)
class Key:
    """The columns that make a row one thing. With `duplicate` (a reason), a later row with
    the same key (in delivery order: file path, sheet, row) is quarantined under that reason,
    naming `report`; the first one is kept. Without it the key is only checked present."""

    columns: tuple[str, ...]
    duplicate: str | None = None
    report: str | None = None
    vi: str = ""  # what the key means, for the contract doc
    en: str = ""


@dataclass(frozen=True)
class SharesSumToOne:
    """The shares (missing = 1) of one `group` value add up to 1; otherwise every row of the
    group is quarantined (which one is wrong cannot be known)."""

    group: str
    share: str
    tolerance: float = 1e-3
    reason: str = "share_sum"
    vi: str = "tổng tỷ lệ của một đơn vị cũ bằng 1"
    en: str = "the shares of one old unit add up to 1"


# --- a roster's date ---------------------------------------------------------------------

@dataclass(frozen=True)
class SnapshotDate:
    """Where a roster's date comes from: the column, else (`file_name`) the first date in the
    file name (`roster_2025-06-30.xlsx`, `2025_06_30`, `20250630`), else (`form_title`) the
    report date in an official form's title block ("Thời điểm báo cáo: 31/07/2025"). Without
    any of them the file is rejected (`missing_required_column`). The ledger records the
    dates of every file, and the provinces of the units in `provinces_of`."""

    column: str
    file_name: bool = True
    form_title: bool = True
    provinces_of: str | None = None


# --- what dbt staging exposes ------------------------------------------------------------

@dataclass(frozen=True)
class Staged:
    """A staging column that is not a delivered column as is: `of` names the delivered column
    it replaces (renamed or hashed; it keeps that column's tests), or it is computed and
    placed `after` a delivered column."""

    name: str
    doc: str
    of: str | None = None
    after: str | None = None
    values: tuple[str, ...] = ()
    not_null: bool = False


@dataclass(frozen=True)
class Staging:
    model: str
    description: str
    staged: tuple[Staged, ...] = ()
    hidden: tuple[str, ...] = ()  # delivered columns that stop at raw (names)
    # The model that holds every row of the staging view, materialised: a relationships test
    # from another delivery reads it instead of the view (None: the view).
    rows_model: str | None = None


# --- a delivery --------------------------------------------------------------------------

@dataclass(frozen=True)
class Delivery:
    name: str  # the folder under raw/ and the table raw.<name>
    vi: str  # what it is, in Vietnamese
    en: str  # and in English
    row_vi: str  # one row is ...
    row_en: str
    summary: str  # English: what ingest does with it (the Dagster asset's description)
    columns: tuple[Column, ...]
    key: Key
    checks: tuple = ()  # over several columns of one row, in order
    lookups: tuple = ()  # against what is already loaded
    whole_table: tuple = ()  # besides duplicates of the key
    snapshot: SnapshotDate | None = None
    staging: Staging | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)
