"""`sapnhap-dbt`, the dbt command line every dbt command of the pipeline runs
(dagster_project/dbt_command.py): what it builds is in the DuckDB file when it ends (its
database closed, nothing left in a write-ahead log), and its output and exit status are dbt's."""

import csv
import subprocess
import sys
from pathlib import Path

import duckdb

from dagster_project.dbt_project import DBT_EXECUTABLE, DBT_PROJECT_DIR, run_dbt

SEED = "staffing_framework"


def test_what_it_builds_is_in_the_file_when_it_ends(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    done = run_dbt(["seed", "--select", SEED], warehouse, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Completed successfully" in done.stdout
    # Closed before the process ended: a checkpoint wrote everything into the file.
    assert not Path(f"{warehouse}.wal").exists()
    with open(DBT_PROJECT_DIR / "seeds" / f"{SEED}.csv", newline="", encoding="utf-8") as f:
        rows = sum(1 for _ in csv.DictReader(f))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(f"select count(*) from rules.{SEED}").fetchone()[0] == rows


def test_its_status_and_messages_are_dbts(tmp_path):
    dbt = Path(sys.executable).with_name("dbt")
    assert DBT_EXECUTABLE.name == "sapnhap-dbt"
    for args in (["--version"], ["parse", "--project-dir", str(tmp_path / "nowhere")],
                 ["no-such-command"]):
        ours = subprocess.run([str(DBT_EXECUTABLE), *args], capture_output=True, text=True, timeout=120)
        theirs = subprocess.run([str(dbt), *args], capture_output=True, text=True, timeout=120)
        assert ours.returncode == theirs.returncode, (args, ours.stderr)
        assert ours.stdout.splitlines()[:1] == theirs.stdout.splitlines()[:1], args
        assert ours.stderr.splitlines()[-1:] == theirs.stderr.splitlines()[-1:], args
