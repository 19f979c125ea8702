"""What a build is made of, as one fingerprint: the files in raw/ (path, size, modification
time) and the project's code that turns them into the warehouse (dbt models, macros, seeds,
the Python package). The sensor compares it with the last one it saw; a run compares it with
the one the published warehouse was built from, and skips a build that would change nothing."""

import hashlib
import os
from functools import cache
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT, private_dir, private_file

INPUT_FOLDERS = ("reference", "units", "lineage", "personnel", "decisions")
INPUT_SUFFIXES = {".csv", ".xlsx", ".parquet"}


def input_files(raw_dir: Path) -> list[Path]:
    files = []
    for folder in INPUT_FOLDERS:
        base = raw_dir / folder
        if base.exists():
            files += [p for p in base.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES]
    return sorted(files)


def raw_fingerprint(raw_dir: Path) -> str:
    """A hash of the path, size and modification time of every file under raw/ (cheap: no
    reading; links not followed): a file that is not read is in the ledger too, as ignored."""
    digest = hashlib.sha256()
    entries = []
    for dirpath, dirnames, filenames in os.walk(raw_dir, followlinks=False):
        entries += [Path(dirpath) / n for n in filenames + [d for d in dirnames if os.path.islink(Path(dirpath) / d)]]
    for path in sorted(entries):
        stat = os.lstat(path)
        digest.update(f"{path.relative_to(raw_dir).as_posix()}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


@cache
def code_fingerprint() -> str:
    """A hash of the content of every file that decides what a build produces."""
    package = PROJECT_ROOT / "dagster_project"
    files = sorted([*package.rglob("*.py"),
                    *(p for p in DBT_PROJECT_DIR.rglob("*")
                      if p.is_file() and p.suffix in {".sql", ".yml", ".csv"}
                      and p.relative_to(DBT_PROJECT_DIR).parts[0] not in ("target", "logs"))])
    return files_digest(files)


def files_digest(files: list[Path]) -> str:
    """A hash of the paths (relative to the checkout) and contents of `files`, in order."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.relative_to(PROJECT_ROOT).as_posix()}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


PSEUDONYM_KEY = "SAPNHAP_PSEUDONYM_KEY"  # what person_key is made with (dbt/macros/person_key.sql)


def key_fingerprint() -> str:
    """Which pseudonym key the person keys are made with, as a hash that does not show it:
    another key makes every person_key different, so the build starts over."""
    key = os.environ.get(PSEUDONYM_KEY)
    return "default" if key is None else hashlib.sha256(f"sapnhap person key|{key}".encode()).hexdigest()[:16]


def build_fingerprint(raw_dir: Path) -> str:
    """The raw files, the code and the pseudonym key together: equal fingerprints build the
    same warehouse."""
    return hashlib.sha256(
        f"{raw_fingerprint(raw_dir)}|{code_fingerprint()}|{key_fingerprint()}".encode()).hexdigest()[:16]


BUILT_FINGERPRINT_FILE = "build_fingerprint"
PUBLISHED_FINGERPRINT_FILE = "published_fingerprint"


def record_published(build_dir: Path, fingerprint: str) -> None:
    """Publish remembers what the warehouse it published came from; the build counts as done
    (`last_built`) only when its last step, the docs, has finished too (`record_built`)."""
    private_dir(build_dir)
    (build_dir / PUBLISHED_FINGERPRINT_FILE).write_text(fingerprint + "\n")
    private_file(build_dir / PUBLISHED_FINGERPRINT_FILE)


def record_built(build_dir: Path) -> None:
    """The build that published last has finished every step: remember its fingerprint."""
    published = build_dir / PUBLISHED_FINGERPRINT_FILE
    if published.exists():
        os.replace(published, build_dir / BUILT_FINGERPRINT_FILE)


def last_built(build_dir: Path) -> str | None:
    path = build_dir / BUILT_FINGERPRINT_FILE
    return path.read_text().strip() if path.exists() else None
