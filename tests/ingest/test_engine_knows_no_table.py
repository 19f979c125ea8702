"""Ingest knows no delivery by name: what to check comes from the descriptions. A string
literal (outside a docstring) in any ingest module that is a delivery's name, or names its
table (`raw.units`) or folder (`personnel/`), would be a branch or a lookup by name."""

import ast
import re
from pathlib import Path

import dagster_project.ingest as ingest
from dagster_project.contract import DELIVERIES

_ANY = "|".join(DELIVERIES)
NAMES = re.compile(rf"^({_ANY})$|raw\.({_ANY})\b|\b({_ANY})/")


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_no_ingest_module_names_a_delivery():
    root = Path(ingest.__file__).parent
    modules = sorted(root.rglob("*.py"))
    assert len(modules) > 10 and any(p.parent.name == "engine" for p in modules)
    found = [f"{p.relative_to(root)}:{line}: {text!r}" for p in modules
             for line, text in _literals(p) if NAMES.search(text)]
    assert found == []


def test_the_check_itself_finds_a_name(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""About personnel."""\nif table.name == "personnel":\n    sql = "from raw.units"\n'
                      'note = "the reference units"\n')
    assert [t for _, t in _literals(sample) if NAMES.search(t)] == ["personnel", "from raw.units"]
