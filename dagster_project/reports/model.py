"""What a report is, independent of the format it is written in.

A report is an official form in several sheets (biểu). Each sheet has a form number, a
title, the unit its figures are in, and one or more tables; each table has columns with a
Vietnamese header (what officials read), an English gloss, and a kind that decides the cell
format. Rows carry their kind (a detail row, a group row with its subtotal, a subtotal, the
total) and the columns to mark (e.g. leaders over the allowance). Charts draw columns of a
table. The Excel and HTML writers render the same object, so both formats tell the same story.
Every figure comes from a `rpt_report_*` mart: nothing here computes.
"""

from dataclasses import dataclass, field
from datetime import date

# Column kinds -> how a value is stored and shown.
TEXT = "text"
INTEGER = "integer"  # counts of persons, agencies, decisions, files: whole numbers
MONEY = "money"  # whole đồng (detail sheets)
MILLION = "million"  # triệu đồng (summary and charts), stored exact, shown with one decimal
DATE = "date"
MONTH = "month"  # a date shown as mm/yyyy

NUMERIC = (INTEGER, MONEY, MILLION)

# Row kinds, in the order a reader meets them.
DETAIL = "detail"
SECTION = "section"  # a heading row inside a table (no figures)
GROUP = "group"  # a group heading that carries the group's subtotal
SUBTOTAL = "subtotal"
TOTAL = "total"


@dataclass(frozen=True)
class Col:
    name: str
    header_vi: str
    header_en: str = ""
    kind: str = TEXT
    width: float | None = None


@dataclass(frozen=True)
class Row:
    values: tuple
    kind: str = DETAIL
    marked: frozenset = frozenset()  # names of the columns shown as a warning (e.g. leaders over)


@dataclass
class Table:
    key: str
    columns: list[Col]
    rows: list[Row]
    title_vi: str = ""
    title_en: str = ""
    note_vi: str = ""

    def column_index(self, name: str) -> int:
        for i, c in enumerate(self.columns):
            if c.name == name:
                return i
        raise KeyError(name)

    def values(self, name: str, kinds: tuple[str, ...] = (DETAIL,)) -> list:
        i = self.column_index(name)
        return [r.values[i] for r in self.rows if r.kind in kinds]


@dataclass(frozen=True)
class Series:
    column: str
    name_vi: str
    color: str
    kind: str = ""  # in a combined chart: "column" or "line" (default: the chart's kind)
    secondary: bool = False  # on the right-hand axis


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar" (horizontal, diverging around zero), "column" or "line"
    title_vi: str
    table: str  # key of the table holding the data
    category: str  # column of the categories
    series: tuple[Series, ...]
    y_title_vi: str = ""
    y2_title_vi: str = ""
    y_min: float | None = None  # axis start (a line chart starts near its data)
    y_max: float | None = None
    stacked: bool = False  # bars of two series that never overlap (surplus / shortage)
    labels: bool = False  # value labels on the bars
    highlight: str = ""  # a boolean column: its true row gets a labelled marker
    highlight_label_vi: str = ""
    note_vi: str = ""


@dataclass
class Sheet:
    name: str  # sheet name (max 31 characters)
    form_no: str  # biểu số, e.g. "01/BC-SN"
    title_vi: str
    title_en: str
    unit_vi: str  # "Đơn vị tính: ..."
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    notes_vi: list[str] = field(default_factory=list)  # printed under the last table


@dataclass(frozen=True)
class Change:
    """A summary line whose figure differs from the pack issued before."""
    line_code: str
    label_vi: str
    persons_before: int | None
    persons_now: int | None
    amount_before_vnd: int | None
    amount_now_vnd: int | None


def file_stem(month: date, scope_code: str) -> str:
    """The name of a report's workbook and page, without the suffix."""
    return f"bao_cao_{month:%Y-%m}_{scope_code}"


@dataclass
class Report:
    scope_code: str  # "VN" for the nation, else the new province code
    scope_name_vi: str  # "Toàn quốc" or the province name
    month: date  # first day of the report month
    issuer_parent_vi: str  # "UBND TỈNH NINH BÌNH" (empty for the nation)
    issuer_vi: str  # "SỞ NỘI VỤ" / "BỘ NỘI VỤ"
    place_vi: str  # for the date line above the signatures
    period_end: date
    cutoff_vi: str  # the data cut-off: each province's roster date
    sheets: list[Sheet]
    # What the reader must know before any figure: provinces missing from the month, the
    # provinces the data covers. Shown at the top of every sheet and of the page.
    warnings_vi: list[str] = field(default_factory=list)
    # The summary's figures by line code (Mã số): (label, count, amount in đồng), what a
    # later pack of the same month is compared with.
    figures: dict[str, tuple[str, int | None, int | None]] = field(default_factory=dict)
    # A pack already issued for the month whose summary differs: what changed.
    changes: list[Change] | None = None

    @property
    def title_vi(self) -> str:
        return f"Báo cáo tháng {self.month:%m/%Y} — {self.scope_name_vi}"

    @property
    def period_vi(self) -> str:
        return (f"Kỳ báo cáo: tháng {self.month:%m/%Y} "
                f"(từ ngày {self.month:%d/%m/%Y} đến ngày {self.period_end:%d/%m/%Y})")

    @property
    def is_restated(self) -> bool:
        return bool(self.changes)

    @property
    def file_stem(self) -> str:
        return file_stem(self.month, self.scope_code)

    def table(self, key: str) -> Table:
        for sheet in self.sheets:
            for table in sheet.tables:
                if table.key == key:
                    return table
        raise KeyError(key)


def restatement_text(report: Report) -> str:
    """The line at the top of every sheet of a restated report."""
    return (f"BÁO CÁO ĐIỀU CHỈNH: thay thế báo cáo tháng {report.month:%m/%Y} đã lập trước đây; "
            f"{len(report.changes or [])} chỉ tiêu thay đổi, số đã báo cáo và số điều chỉnh ở cuối Biểu 01.")
