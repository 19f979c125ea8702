"""A clone installs on any day: `pip install -e .` builds the project with setuptools, in an
isolated environment holding the newest setuptools the pin allows. setuptools announces the
removal of a metadata form with a due date ("By 2027-Feb-18, you need to update your project
... or your builds will no longer be supported"), so metadata it has deprecated is a build that
stops working on a date nobody chose."""

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_build_backend_has_an_upper_bound_the_dev_environment_shares():
    """A later setuptools cannot change what a clone builds with, and the test below runs the
    setuptools a clone builds with."""
    project = _pyproject()
    backend = [Requirement(r) for r in project["build-system"]["requires"]]
    setuptools = [r for r in backend if r.name == "setuptools"]
    assert setuptools and any(s.operator == "<" for s in setuptools[0].specifier), backend
    dev = [Requirement(r) for r in project["project"]["optional-dependencies"]["dev"]]
    assert [r.specifier for r in dev if r.name == "setuptools"] == [setuptools[0].specifier]


def test_the_metadata_uses_nothing_setuptools_has_deprecated():
    """Every deprecation warning of setuptools made an error, the project's metadata must still
    apply. It failed with the licence as a table (`license = { text = ... }`, deprecated with
    a due date of 18 February 2027)."""
    script = (
        "import warnings\n"
        "from setuptools.warnings import SetuptoolsDeprecationWarning\n"
        "warnings.simplefilter('error', SetuptoolsDeprecationWarning)\n"
        "from setuptools.dist import Distribution\n"
        "from setuptools.config.pyprojecttoml import apply_configuration\n"
        "dist = apply_configuration(Distribution(), 'pyproject.toml')\n"
        "print(dist.metadata.license_expression)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "MIT"


def test_the_installed_packages_carry_their_bytecode():
    """A run starts a dozen Python processes (dbt's, the report's workers), each importing
    Dagster, dbt or Great Expectations. Where PYTHONDONTWRITEBYTECODE is set (our CI machine)
    Python never writes what it compiles, so bytecode must come with the install: without it
    (uv installs without compiling unless told to) importing those packages took 18-19 s
    against 9-11 s, every time."""
    missing = []
    for name in ("dagster", "dbt.cli.main", "dagster_dbt", "great_expectations", "polars"):
        source = importlib.util.find_spec(name).origin
        if not Path(importlib.util.cache_from_source(source)).exists():
            missing.append(source)
    assert not missing, missing
