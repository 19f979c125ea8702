"""What ingest reports: per file (or workbook sheet), and per table."""

from dataclasses import dataclass, field


@dataclass
class FileResult:
    """What happened to one file (or one sheet of a workbook)."""

    file: str
    sheet: str | None
    content_hash: str
    status: str  # loaded | rejected | skipped
    rows_read: int = 0  # data rows
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""
    rows_skipped: int = 0  # rows read as layout: header, title block, total, footer, blank
    skip_note: str = ""
    snapshot_dates: str | None = None  # rosters: ISO dates its rows carry, comma-separated
    province_codes: str | None = None  # rosters: provinces of its units in that period


@dataclass
class IngestResult:
    table: str
    files: list[FileResult] = field(default_factory=list)
    ledger_changes: dict[str, int] = field(default_factory=dict)  # status -> ledger rows written
    top_reasons: list[tuple[str, int]] = field(default_factory=list)  # (reason, quarantine rows)
    files_read: int = 0  # files read this time (the others kept their rows: incremental ingest)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)
