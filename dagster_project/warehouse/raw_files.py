"""What is in raw/, as one fingerprint: the sensor compares it with the last one it saw."""

import hashlib
from pathlib import Path

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
    """A hash of every input file's path, size and modification time (cheap: no reading)."""
    digest = hashlib.sha256()
    for path in input_files(raw_dir):
        stat = path.stat()
        digest.update(f"{path.relative_to(raw_dir).as_posix()}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


BUILT_FINGERPRINT_FILE = "raw_fingerprint"


def record_built(build_dir: Path, fingerprint: str) -> None:
    """Remember which raw/ a published build came from (the sensor compares with it)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    (build_dir / BUILT_FINGERPRINT_FILE).write_text(fingerprint + "\n")


def last_built(build_dir: Path) -> str | None:
    path = build_dir / BUILT_FINGERPRINT_FILE
    return path.read_text().strip() if path.exists() else None
