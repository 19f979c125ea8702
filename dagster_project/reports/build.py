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
    NATION,
    build_report,
    changes_table,
    latest_month,
    report_scopes,
)
from dagster_project.reports.excel import write_workbook
from dagster_project.reports.html import write_html
from dagster_project.reports.model import file_stem
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
        scopes = report_scopes(con, month)
        if not any(scope["scope_code"] != NATION for scope in scopes):
            latest = latest_month(con)
            raise NoDataForMonth(
                f"no province has a roster for {month:%m/%Y}"
                + (f" (latest month with data: {latest:%m/%Y})" if latest else ""))
    finally:
        con.close()
    folder = reports_dir / f"{month:%Y-%m}"
    folder.mkdir(parents=True, exist_ok=True)
    # What is on disk is read here: a forked process must not use polars (the workbook reader
    # hands over a polars frame), whose thread pool this process may hold (ingest) and a fork
    # would not copy. Then each report is read from the warehouse and laid out in a process of
    # its own, one a core, the nation's (the largest) first: reading is 14 queries a report
    # (national scale: 1.8 s for the 35 on one core), laying out is pure Python (xlsxwriter,
    # 9 s of CPU). Each process opens the published file read-only for itself, once nothing
    # here holds it; it gets a scope (a few fields) and the figures on disk, and sends back
    # the names of the files written. A worker lives for one pack and runs no cycle collection
    # (objects are still freed as they are dropped).
    workers = min(os.cpu_count() or 1, len(scopes), MAX_WORKERS)
    jobs = [(warehouse, month, scope, folder,
             read_issued(folder / f"{file_stem(month, scope['scope_code'])}.xlsx")) for scope in scopes]
    try:
        if workers > 1:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                     initializer=gc.disable) as pool:
                done = list(pool.map(_write_scope, *zip(*jobs, strict=True)))
        else:
            done = [_write_scope(*job) for job in jobs]
    finally:
        _close_connections()  # the one this process opened (one core: no workers)
    return Pack(folder=folder, files=[f for files, _ in done for f in files],
                scopes=[scope["scope_code"] for scope in scopes],
                restated=[scope["scope_code"] for scope, (_, restated) in zip(scopes, done, strict=True)
                          if restated])


MAX_WORKERS = 4
_connections: dict = {}  # this process's read-only connection to the warehouse of the pack: path -> it


def _close_connections() -> None:
    while _connections:
        _connections.popitem()[1].close()


def _write_scope(warehouse: Path, month: date, scope: dict, folder: Path, issued) -> tuple[list[Path], bool]:
    """Read one scope's report, compare it with the one on disk (`issued`: read_issued), write
    its workbook and page: (the files, whether it restates the one issued before)."""
    if str(warehouse) not in _connections:
        _close_connections()
        _connections[str(warehouse)] = connect(warehouse, read_only=True)
    report = build_report(_connections[str(warehouse)], month, scope)
    report.changes = changes(issued, report.figures)
    if report.changes:
        report.sheets[0].tables.append(changes_table(report))
    return write_report(report, folder), bool(report.changes)


def write_report(report, folder: Path) -> list[Path]:
    """One scope's workbook and page."""
    return [_atomic(lambda p: write_workbook(report, p), folder / f"{report.file_stem}.xlsx"),
            _atomic(lambda p: write_html(report, p), folder / f"{report.file_stem}.html")]
