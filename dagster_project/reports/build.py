"""Write the report pack of one month from the published warehouse:
`<reports_dir>/<YYYY-MM>/` holds one workbook and one HTML page for the nation and for each
province with data. Files are written beside their final name and renamed into place, and
nothing (not even the folder) is created for a month without data. A pack already on disk
for the month is compared with first: a report whose figures changed says it is restated,
and what changed (restate.py)."""

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dagster_project.reports.content import (
    build_reports,
    changes_table,
    latest_month,
    report_provinces,
)
from dagster_project.reports.excel import write_workbook
from dagster_project.reports.html import write_html
from dagster_project.reports.restate import changes, read_issued
from dagster_project.warehouse.connect import connect


class NoDataForMonth(ValueError):
    """The month has no roster in the warehouse: the message says which month has."""


@dataclass(frozen=True)
class Pack:
    folder: Path
    files: list[Path]
    scopes: list[str]
    restated: list[str]  # scopes whose report restates the one issued before


def _atomic(write, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_pack(warehouse: Path, month: date, reports_dir: Path) -> Pack:
    if not Path(warehouse).exists():
        raise NoDataForMonth(f"no published warehouse at {warehouse}")
    con = connect(warehouse, read_only=True)
    try:
        if not report_provinces(con, month):
            latest = latest_month(con)
            raise NoDataForMonth(
                f"no province has a roster for {month:%m/%Y}"
                + (f" (latest month with data: {latest:%m/%Y})" if latest else ""))
        reports = build_reports(con, month)
    finally:
        con.close()
    folder = reports_dir / f"{month:%Y-%m}"
    folder.mkdir(parents=True, exist_ok=True)
    restated: list[str] = []
    for report in reports:
        report.changes = changes(read_issued(folder / f"{report.file_stem}.xlsx"), report.figures)
        if report.changes:
            report.sheets[0].tables.append(changes_table(report))
            restated.append(report.scope_code)
    # Laying out the workbooks is most of the time, in pure Python: one process a core. The
    # processes are forked and only lay out (xlsxwriter, html): nothing in them uses a thread
    # pool of the parent (DuckDB, polars, the workbook reader above), which a fork would not copy.
    # They find the reports in the memory the fork gives them, by index: sending them (a
    # million cells at national scale) would pickle and unpickle 14 MB, 1.4 s of CPU. A worker
    # lives for one pack and runs no cycle collection (objects are still freed as they are
    # dropped): its full collections scanned the reports it inherited again and again
    # (national scale: the pack 6.3 -> 5.6 s, a worker's peak memory 174 -> 240 MB).
    folders = [folder] * len(reports)
    workers = min(os.cpu_count() or 1, len(reports), MAX_WORKERS)
    if workers > 1:
        _forked.extend(reports)
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                     initializer=gc.disable) as pool:
                written = list(pool.map(_write_forked, range(len(reports)), folders))
        finally:
            _forked.clear()
    else:
        written = list(map(write_report, reports, folders))
    return Pack(folder=folder, files=[f for files in written for f in files],
                scopes=[r.scope_code for r in reports], restated=restated)


MAX_WORKERS = 4
_forked: list = []  # the reports of the pack being written, as the forked workers inherit them


def _write_forked(index: int, folder: Path) -> list[Path]:
    return write_report(_forked[index], folder)


def write_report(report, folder: Path) -> list[Path]:
    """One scope's workbook and page."""
    return [_atomic(lambda p: write_workbook(report, p), folder / f"{report.file_stem}.xlsx"),
            _atomic(lambda p: write_html(report, p), folder / f"{report.file_stem}.html")]
