"""Write the report pack of one month from the published warehouse:
`<reports_dir>/<YYYY-MM>/` holds one workbook and one HTML page for the nation and for each
province with data."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from dagster_project.reports.content import build_reports
from dagster_project.reports.excel import write_workbook
from dagster_project.reports.html import write_html


@dataclass(frozen=True)
class Pack:
    folder: Path
    files: list[Path]
    scopes: list[str]


def write_pack(warehouse: Path, month: date, reports_dir: Path) -> Pack:
    folder = reports_dir / f"{month:%Y-%m}"
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        reports = build_reports(con, month)
    finally:
        con.close()
    files: list[Path] = []
    for report in reports:
        files.append(write_workbook(report, folder / f"{report.file_stem}.xlsx"))
        files.append(write_html(report, folder / f"{report.file_stem}.html"))
    return Pack(folder=folder, files=files, scopes=[r.scope_code for r in reports])
