"""What a report is, independent of the format it is written in.

A report is a title and a list of tables. Each table has columns with a Vietnamese header
(what officials read), an English gloss, and a kind that decides the cell format; it may
ask for a chart of some of its columns. The Excel and HTML writers render the same object,
so both formats tell the same story.
"""

from dataclasses import dataclass, field
from datetime import date

# Column kinds -> how a value is stored and shown.
TEXT = "text"
INTEGER = "integer"  # counts
MONEY = "money"  # whole VND
DECIMAL = "decimal"
PERCENT = "percent"  # a fraction, shown as %
DATE = "date"
MONTH = "month"  # a date shown as mm/yyyy


@dataclass(frozen=True)
class Col:
    name: str
    header_vi: str
    header_en: str = ""
    kind: str = TEXT
    width: float | None = None


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar" (horizontal), "column" or "line"
    title_vi: str
    category: str  # column name for the categories
    values: tuple[str, ...]  # column names for the series
    y_title_vi: str = ""


@dataclass
class Table:
    sheet_vi: str  # sheet name (max 31 characters)
    title_vi: str
    title_en: str
    columns: list[Col]
    rows: list[tuple]
    note_vi: str = ""
    charts: list[Chart] = field(default_factory=list)

    def column_index(self, name: str) -> int:
        for i, c in enumerate(self.columns):
            if c.name == name:
                return i
        raise KeyError(name)

    def values(self, name: str) -> list:
        i = self.column_index(name)
        return [r[i] for r in self.rows]


@dataclass
class Report:
    scope_code: str  # "VN" for the nation, else the new province code
    scope_name_vi: str  # "Toàn quốc" or the province name
    month: date  # first day of the report month
    tables: list[Table]
    # What the reader must know before any figure: provinces missing from the month, the
    # provinces the data covers. Shown at the top of the summary sheet and the page.
    warnings_vi: list[str] = field(default_factory=list)

    @property
    def title_vi(self) -> str:
        return f"Báo cáo tháng {self.month:%m/%Y} — {self.scope_name_vi}"

    @property
    def file_stem(self) -> str:
        return f"bao_cao_{self.month:%Y-%m}_{self.scope_code}"
