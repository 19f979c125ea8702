"""The `sapnhap` command ends its process without the interpreter's teardown
(dagster_project/cli.py: entry): what it prints still arrives whole, through a pipe, and its
exit status is click's."""

import subprocess
import sys
from pathlib import Path

SAPNHAP = str(Path(sys.executable).with_name("sapnhap"))


def _sapnhap(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([SAPNHAP, *args], capture_output=True, text=True, cwd=tmp_path, timeout=120)


def test_everything_printed_arrives_and_success_is_status_0(tmp_path):
    done = _sapnhap("--help", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    # The last line of the help: every command listed, nothing cut off.
    commands = [line.split()[0] for line in done.stdout.splitlines()[done.stdout.splitlines().index("Commands:") + 1:]]
    assert {"generate", "run", "report", "backfill", "check"} <= set(commands), done.stdout


def test_an_expected_condition_is_one_line_and_status_1(tmp_path):
    done = _sapnhap("run", "--month", "2026-13", tmp_path=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == ("sapnhap: '2026-13' is not a month: write it as YYYY-MM, "
                           "for example 2025-10.\n")


def test_a_wrong_command_is_a_usage_error_status_2(tmp_path):
    done = _sapnhap("no-such-command", tmp_path=tmp_path)
    assert done.returncode == 2
    assert "No such command 'no-such-command'" in done.stderr
