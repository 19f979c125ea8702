"""The working folder holds raw personal data (the working warehouse, run logs): it and the
files the pipeline writes there are readable by their owner only, whatever the umask."""

import os
import stat

from dagster_project import guard
from dagster_project.resources import Warehouse
from dagster_project.warehouse.raw_files import record_built, record_published


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_working_folder_and_its_files_are_owner_only(tmp_path):
    warehouse = Warehouse(data_dir=str(tmp_path / "data"))
    settings = warehouse.paths()
    old = os.umask(0o022)  # the usual umask: 755 folders, 644 files
    try:
        with guard.exclusive(settings, "a test run"), warehouse.working() as con:
            con.execute("create table personal as select '004070123456' as national_id")
        record_published(settings.build_dir, "0123456789abcdef")
        record_built(settings.build_dir)
    finally:
        os.umask(old)
    build = settings.build_dir
    files = sorted(p.name for p in build.iterdir())
    assert {settings.working_path.name, guard.LOCK_FILE} <= set(files), files
    assert _mode(build) == 0o700
    assert {name: _mode(build / name) for name in files} == dict.fromkeys(files, 0o600)


def test_a_working_folder_made_earlier_with_open_modes_is_closed(tmp_path):
    warehouse = Warehouse(data_dir=str(tmp_path / "data"))
    build = warehouse.paths().build_dir
    build.mkdir(parents=True, mode=0o755)
    os.chmod(build, 0o755)
    with warehouse.working() as con:
        con.execute("select 1")
    assert _mode(build) == 0o700
    assert _mode(warehouse.paths().working_path) == 0o600
