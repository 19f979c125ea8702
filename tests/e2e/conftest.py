"""Tier 3 fixtures: the whole pipeline, run once the way a stranger runs it.

One data set with an unchanged province (Cao Bằng 04) and a merged one (Ninh Bình 37 = old
35 + 36 + 37), generated with everything real deliveries bring (per-province snapshot dates,
history from January 2025, official forms, copies), and two months of 37 broken the way
provinces break them: old Nam Định's (36) August roster lacks a required column (rejected) and
its September roster never came (37's September is incomplete). `sapnhap run` is started
as a separate process from a working directory outside the repository, with a relative data
folder, under a clock set a year after the data end (faketime): what `make run` does on a
fresh machine on another day. Every e2e test reads what that one run produced.
"""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from dagster_project.settings import Settings

E2E_PROVINCES = "04,37"
E2E_THROUGH = "2025-10"
E2E_SEED = 11
E2E_TODAY = "2026-11-01 06:05:00"  # a year after the data end
SAPNHAP = str(Path(sys.executable).with_name("sapnhap"))


@dataclass(frozen=True)
class DbtInvocation:
    threads: int
    overlapped: bool  # two nodes ran at the same time
    tests: frozenset[str] = field(default=frozenset(), compare=False)  # the names of the tests it ran


def dbt_invocations(target_dir: Path) -> dict[str, DbtInvocation]:
    """invocation id -> what dbt's log (`dbt.log*` in `target_dir`) says of the dbt call, oldest
    first. The builds log JSON lines (the nodes' times with them); `dbt docs generate` logs
    text, in which only the threads are read."""
    logs = sorted(target_dir.glob("dbt.log*"),  # dbt.log.2, dbt.log.1, dbt.log
                  key=lambda p: -int(p.suffix[1:]) if p.suffix[1:].isdigit() else 0)
    threads: dict[str, int] = {}
    spans: dict[str, list[tuple[str, str]]] = {}
    tests: dict[str, set[str]] = {}
    text_invocation = None
    for line in "\n".join(p.read_text(encoding="utf-8") for p in logs).splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            invocation, name = event["info"]["invocation_id"], event["info"]["name"]
            if name == "ConcurrencyLine":
                threads[invocation] = event["data"]["num_threads"]
            elif name == "NodeFinished":
                node = event["data"]["node_info"]
                spans.setdefault(invocation, []).append((node["node_started_at"], node["node_finished_at"]))
            elif name == "LogTestResult":
                tests.setdefault(invocation, set()).add(event["data"]["name"])
        elif line.startswith("=====") and " | " in line:  # a text invocation's header
            text_invocation = line.split(" | ")[1].strip(" =")
        elif "Concurrency: " in line and text_invocation:
            threads[text_invocation] = int(line.split("Concurrency: ")[1].split()[0])
    found = {}
    for invocation, n in threads.items():
        ordered = sorted(spans.get(invocation, []))
        running_until = [max(end for _, end in ordered[:i + 1]) for i in range(len(ordered))]
        found[invocation] = DbtInvocation(n, any(start < running_until[i - 1]
                                                 for i, (start, _) in enumerate(ordered) if i),
                                          frozenset(tests.get(invocation, ())))
    return found


def sapnhap(cwd: Path, *args: str, today: str | None = None, data: str = "data") -> subprocess.CompletedProcess:
    """Run the `sapnhap` command as a user would: SAPNHAP_DATA_DIR relative to `cwd`, no
    DAGSTER_HOME (run history goes with the data set), optionally under faketime."""
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "SAPNHAP_DATA_DIR")}
    env["SAPNHAP_DATA_DIR"] = data
    argv = [SAPNHAP, *args]
    if today:
        faketime = shutil.which("faketime")
        assert faketime, "faketime is not installed: apt-get install faketime (make test does)"
        argv = [faketime, today, *argv]
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


REJECTED_FILE = "personnel/36_nam_dinh/roster_2025-08-28.csv"  # 37's August: rejected
MISSING_FILE = "personnel/36_nam_dinh/roster_2025-09-28.csv"  # 37's September: incomplete


def break_deliveries(raw: Path) -> None:
    rejected = raw / REJECTED_FILE
    header, rest = rejected.read_text(encoding="utf-8").split("\n", 1)
    assert "Số tháng đóng BHXH" in header
    rejected.write_text(header.replace("Số tháng đóng BHXH", "BHXH (tháng)") + "\n" + rest, encoding="utf-8")
    (raw / MISSING_FILE).unlink()


@dataclass
class PipelineRun:
    cwd: Path
    settings: Settings
    result: subprocess.CompletedProcess

    @property
    def success(self) -> bool:
        return self.result.returncode == 0

    @property
    def dagster_home(self) -> Path:
        return self.settings.data_dir / ".dagster"


@pytest.fixture(scope="session")
def e2e_run(tmp_path_factory) -> PipelineRun:
    from dagster_project.synth import generate

    cwd = tmp_path_factory.mktemp("stranger")
    raw = cwd / "data" / "raw"
    generate(raw, provinces=E2E_PROVINCES, through=E2E_THROUGH, seed=E2E_SEED, progress=False)
    break_deliveries(raw)
    result = sapnhap(cwd, "run", today=E2E_TODAY)
    return PipelineRun(cwd=cwd, settings=Settings(cwd / "data"), result=result)


@pytest.fixture
def run_copy(e2e_run, tmp_path, monkeypatch) -> Settings:
    """A copy of the e2e run's data folder, made the data folder of this test."""
    assert e2e_run.success, e2e_run.result.stdout + e2e_run.result.stderr
    data_dir = tmp_path / "data"
    shutil.copytree(e2e_run.settings.data_dir, data_dir)
    monkeypatch.setenv("SAPNHAP_DATA_DIR", str(data_dir))
    from dagster_project.settings import get_settings

    return get_settings()


@pytest.fixture
def published(e2e_run) -> Path:
    assert e2e_run.success, e2e_run.result.stdout + e2e_run.result.stderr
    return e2e_run.settings.published_path


def raise_one_count(workbook: Path) -> tuple[str, int]:
    """Add one to the first count of the summary (Tổng hợp) of a report workbook on disk, as if
    it had been issued with another figure. Returns (line code, the count before)."""
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    sheet = book["Tổng hợp"]
    header = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Mã số")
    line = next(row for row in sheet.iter_rows(min_row=header + 2)
                if len(str(row[0].value or "")) > 1 and isinstance(row[3].value, int | float))
    code, count = line[0].value, int(line[3].value)
    line[3].value = count + 1
    book.save(workbook)
    return code, count


def table_differences(a, b, schemas=("marts", "intermediate")) -> dict[str, tuple[int, int, int]]:
    """table -> (rows in b, rows only in a, rows only in b), every table of `schemas`, as
    multisets over every column."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{a}' as a (read_only)")
        con.execute(f"attach '{b}' as b (read_only)")
        tables = {f"{s}.{t}" for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'b' "
            "and list_contains(?, schema_name)", [list(schemas)]).fetchall()}
        assert tables == {f"{s}.{t}" for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'a' "
            "and list_contains(?, schema_name)", [list(schemas)]).fetchall()}
        return {t: (con.execute(f"select count(*) from b.{t}").fetchone()[0],
                    con.execute(f"select count(*) from (from a.{t} except all from b.{t})").fetchone()[0],
                    con.execute(f"select count(*) from (from b.{t} except all from a.{t})").fetchone()[0])
                for t in sorted(tables)}
    finally:
        con.close()
