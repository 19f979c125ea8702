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
