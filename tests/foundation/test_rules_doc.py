"""Every citation of the rule set resolves to docs/rules.md, and nothing cites a rules file
the repository does not carry."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITED = re.compile(r"docs/rules\.md,? ((?:[AS]\d+)(?:(?:-| and |, )[AS]\d+)*)")


FOLDERS = ("dbt/models", "dbt/seeds", "dbt/macros", "dagster_project", "tests", "bench")


def _sources(root: Path = ROOT):
    """The repository's files in FOLDERS (tracked, or new and not ignored), and its README: not
    what git ignores, such as the national data set `make bench` generates under bench/data
    (read whole, its CSV files made these tests take 32 s instead of 1)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *FOLDERS],
                            cwd=root, capture_output=True, text=True, check=True).stdout
    for name in sorted(set(listed.split("\0")) - {""}):
        path = root / name
        if path.suffix in {".sql", ".yml", ".csv", ".py"} and path.is_file():
            yield path
    yield root / "README.md"


def test_the_sources_are_the_repositorys_files_not_what_git_ignores(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("bench/data/\n", encoding="utf-8")
    for name in ("bench/bench_x.py", "bench/data/raw/roster.csv", "dbt/models/m.sql", "dbt/models/notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("select 1\n", encoding="utf-8")
    subprocess.run(["git", "add", "dbt/models/m.sql"], cwd=tmp_path, check=True)  # tracked; the rest new
    found = {str(p.relative_to(tmp_path)) for p in _sources(tmp_path)}
    assert found == {"bench/bench_x.py", "dbt/models/m.sql", "README.md"}


def test_every_cited_rule_is_in_the_rules_doc():
    rules = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    defined = set(re.findall(r"^\*\*([AS]\d+)\.", rules, flags=re.M))
    assert {f"A{i}" for i in range(1, 17)} <= defined
    missing = []
    for path in _sources():
        for match in CITED.finditer(path.read_text(encoding="utf-8")):
            for rule in re.findall(r"[AS]\d+", match.group(1)):
                if rule not in defined:
                    missing.append(f"{path.relative_to(ROOT)}: {rule}")
    assert not missing, missing


def test_no_citation_of_a_rules_file_outside_the_repository():
    offenders = [str(p.relative_to(ROOT)) for p in _sources()
                 if p.name != Path(__file__).name and "POLICY" + ".md" in p.read_text(encoding="utf-8")]
    assert not offenders, offenders
