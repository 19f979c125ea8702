"""Test-suite set-up: the dbt manifest is built before any test imports the definitions,
and Dagster runs go to a throw-away DAGSTER_HOME, never the developer's."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from dagster_project.dagster_home import ensure_dagster_home
from dagster_project.dbt_project import prepare_manifest

HOME_KEY = pytest.StashKey[Path]()


def pytest_configure(config):
    prepare_manifest()
    home = Path(tempfile.mkdtemp(prefix="sapnhap_test_dagster_home_"))
    config.stash[HOME_KEY] = home
    ensure_dagster_home(home)
    os.environ.setdefault("SAPNHAP_PSEUDONYM_KEY", "test-key")


def pytest_unconfigure(config):
    """The throw-away DAGSTER_HOME goes with the session (each xdist worker has its own)."""
    home = config.stash.get(HOME_KEY, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """An empty SAPNHAP_DATA_DIR for one test."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("SAPNHAP_DATA_DIR", str(path))
    return path


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Chromium is not installed: apt-get update && apt-get install -y chromium"
    return path


# For the module that uses it, not the session: Playwright's event loop runs in the worker's
# thread while its browser is open, and a Dagster run started in the same thread afterwards
# (another folder's tests on the same worker) cannot close its own loop ("coroutine
# 'BaseEventLoop.shutdown_asyncgens' was never awaited").
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice Calc, headless, to open the workbooks as a spreadsheet application does
    (with poppler's pdfinfo, pdftotext and pdftoppm to read what it prints)."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, "LibreOffice is not installed: apt-get update && apt-get install -y libreoffice-calc (make test does)"
    for tool in ("pdfinfo", "pdftotext", "pdftoppm"):
        assert shutil.which(tool), f"{tool} is not installed: apt-get install -y poppler-utils (make test does)"
    return path


# The folders whose tests take longest, handed to a worker first (make test passes
# --no-loadscope-reorder, so the workers take the folders in the order collected). Measured on
# 5 December: the e2e folder is 7 1/2 of the suite's 9 minutes of one worker; taken fifth (by
# its number of tests, xdist's default order), it ran alone for the last 3 minutes.
FIRST = ("e2e",)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """With `-n 2 --dist loadgroup` (make test), the tests of one folder run in one worker:
    a folder's session fixtures (the e2e run, the generated data sets) are built once. The
    longest folders (FIRST) are collected first, the others in their order.

    pytest-xdist groups by a `@group` suffix of the node id, which it writes to an attribute
    pytest 9 no longer reads (`_nodeid`); the suffix is set here on the one pytest reads. If
    that ever stops working, the tests still all run, only spread test by test."""
    if not getattr(config.option, "loadgroup", False):  # set in xdist workers
        return
    from _pytest.nodeid import coerce_node_id

    root = Path(config.rootpath) / "tests"
    folders = {}
    for item in items:
        parts = Path(item.path).relative_to(root).parts
        folders[item] = parts[0] if len(parts) > 1 else "top"
        if "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{folders[item]}")
    items.sort(key=lambda item: folders[item] not in FIRST)  # stable: each folder keeps its order
