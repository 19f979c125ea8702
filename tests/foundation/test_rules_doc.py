"""Every citation of the rule set resolves to docs/rules.md, and nothing cites a rules file
the repository does not carry."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITED = re.compile(r"docs/rules\.md,? ((?:[AS]\d+)(?:(?:-| and |, )[AS]\d+)*)")


def _sources():
    for folder in ("dbt/models", "dbt/seeds", "dbt/macros", "dagster_project", "tests", "bench"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".sql", ".yml", ".csv", ".py"} and path.is_file():
                yield path
    yield ROOT / "README.md"


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
