"""`sapnhap-dbt`, the dbt command line every dbt command of the pipeline runs
(dagster_project/dbt_command.py): what it builds is in the DuckDB file when it ends (its
database closed, nothing left in a write-ahead log), and its output and exit status are dbt's."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from dagster_project.dbt_project import DBT_EXECUTABLE, DBT_PROJECT_DIR, run_dbt, with_parse_state

SEED = "staffing_framework"


def test_what_it_builds_is_in_the_file_when_it_ends(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
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


def _parsed(warehouse: Path, target: Path) -> list[str]:
    """The names of dbt's parsing events of `dbt parse` on `warehouse`, artifacts in `target`."""
    run_dbt(["parse", "--quiet", "--target-path", str(target), "--log-path", str(target),
             "--log-format-file", "json"], warehouse, capture_output=True)
    names = [json.loads(line)["info"]["name"] for line in (target / "dbt.log").read_text().splitlines()]
    (target / "dbt.log").unlink()
    return [n for n in names if "Pars" in n]


def test_a_new_or_copied_data_folder_parses_only_what_changed(tmp_path):
    """The first dbt command of a data folder starts from the project's saved parse, and a copy
    of a folder from its own: neither parses the project again (about 6 s a command). A file of
    another name is another database: everything is parsed again."""
    first = tmp_path / "first" / ".build"
    with_parse_state(first / "dbt")
    copy = tmp_path / "copy" / ".build"
    for warehouse in (first / "warehouse.duckdb", copy / "warehouse.duckdb"):
        if warehouse.parent == copy:
            shutil.copytree(first, copy)
        parsed = _parsed(warehouse, warehouse.parent / "dbt")
        assert "PartialParsingEnabled" in parsed and "UnableToPartialParse" not in parsed, parsed
    parsed = _parsed(copy / "other.duckdb", copy / "dbt")
    assert "UnableToPartialParse" in parsed and "PartialParsingEnabled" not in parsed, parsed
