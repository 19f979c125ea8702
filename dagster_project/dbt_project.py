"""The one DbtProject, and how its manifest gets built before Dagster loads.

`@dbt_assets` needs dbt/target/manifest.json at import time. It is built by `dbt parse`
(Makefile target `manifest`, the CLI and the test suite call `prepare_manifest()`), never
at import time.
"""

import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from dagster_project.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"


def _sources() -> list[Path]:
    return [
        p
        for p in DBT_PROJECT_DIR.rglob("*")
        if p.is_file()
        and "target" not in p.relative_to(DBT_PROJECT_DIR).parts[:1]
        and p.suffix in {".sql", ".yml", ".yaml", ".csv"}
    ]


def manifest_is_stale() -> bool:
    if not MANIFEST_PATH.exists():
        return True
    built = MANIFEST_PATH.stat().st_mtime
    return any(p.stat().st_mtime > built for p in _sources())


def prepare_manifest(force: bool = False) -> Path:
    """Run `dbt parse` when the manifest is missing or older than any dbt source file."""
    if force or manifest_is_stale():
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run(
            [str(dbt), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
             "--profiles-dir", str(DBT_PROJECT_DIR)],
            check=True,
            cwd=DBT_PROJECT_DIR,
        )
    return MANIFEST_PATH


if __name__ == "__main__":
    prepare_manifest(force="--force" in sys.argv)


def generate_docs(warehouse_path: Path, out_dir: Path) -> Path:
    """`dbt docs generate --static` against `warehouse_path`; the single-file site is copied
    to `<out_dir>/index.html` (opens offline, no server needed)."""
    import os
    import shutil
    import tempfile

    dbt = Path(sys.executable).with_name("dbt")
    with tempfile.TemporaryDirectory(prefix="sapnhap_docs_") as target:
        env = dict(os.environ, SAPNHAP_WAREHOUSE_PATH=str(warehouse_path))
        subprocess.run(
            [str(dbt), "docs", "generate", "--static", "--quiet",
             "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
             "--target-path", target],
            check=True, cwd=DBT_PROJECT_DIR, env=env,
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(target) / "static_index.html", out_dir / "index.html")
    return out_dir / "index.html"
