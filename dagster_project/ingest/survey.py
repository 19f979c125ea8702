"""Every file under raw/, accounted for: delivered to a table, or ignored with a reason.

raw/ is walked without following links. A file is delivered to the table whose folder it is
under (`raw/<table>/`, any depth) when its suffix is a delivery format, its path has no part
starting with `.`, `_` or `~$` (lock files, notes), and, if it is a link, the link leads to a
regular file inside raw/. Every other file (another suffix, a lock file, a link leading out of
raw/ or to nothing, a link to a folder, a pipe, a file in the raw/ root or in a folder that
is not a delivery's, e.g. `Personnel/` or `personnel_extra/`) is ignored and the ledger says
why: under its delivery's name when it lies in a delivery's folder, else under `UNFILED`.
The reference set in `reference/` (shipped with sapnhap, loaded by the reference step) is
not a delivery and not in the ingest ledger; anything else found there is ignored like the
rest.
"""

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".csv", ".xlsx", ".parquet")
HIDDEN = (".", "_", "~$")
UNFILED = "(none)"  # the ledger's table_name of a file in no delivery's folder
REFERENCE_FOLDER = "reference"


@dataclass(frozen=True)
class Ignored:
    """A file under raw/ that is not read, and why (English for the ledger, Vietnamese)."""

    file: str  # posix path relative to raw/
    content_hash: str  # of the bytes of a regular file, else of what the link says, else ""
    why_en: str
    why_vi: str


@dataclass
class Survey:
    delivered: dict[str, list[str]]  # table -> files, sorted
    ignored: dict[str, list[Ignored]]  # table (or UNFILED) -> files, sorted


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _why_not_a_delivery(path: Path, rel: Path, root: Path) -> tuple[str, str] | None:
    """Why the file at `path` (a name in a folder under raw/) cannot be read, or None."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        target = Path(os.path.realpath(path))
        if not target.exists():
            return "a link to nothing (dangling link)", "liên kết (link) trỏ tới tệp không tồn tại"
        if target.is_dir():
            return "a link to a folder: not followed", "liên kết (link) tới một thư mục: không đọc"
        if not _inside(target, root):
            return ("a link to a file outside raw/: not followed",
                    "liên kết (link) trỏ ra ngoài thư mục raw/: không đọc")
        info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a pipe, socket or device)", "không phải tệp dữ liệu thông thường"
    hidden = next((p for p in rel.parts if p.startswith(HIDDEN)), None)
    if hidden is not None:
        return (f"'{hidden}' starts with '.', '_' or '~$' (lock files, notes): not read",
                f"'{hidden}' bắt đầu bằng '.', '_' hoặc '~$' (tệp khóa, ghi chú): không đọc")
    if path.suffix.lower() not in SUFFIXES:
        suffix = path.suffix or "(no suffix)"
        return (f"{suffix} is not a delivery format (.csv, .xlsx, .parquet): save it as .xlsx or CSV",
                f"{suffix} không phải định dạng được nhận (.csv, .xlsx, .parquet): lưu lại thành .xlsx "
                "hoặc CSV")
    return None


def _folder_note(top: str | None, tables: tuple[str, ...]) -> tuple[str, str]:
    """Why a file outside every delivery's folder is not read."""
    if top is None:
        return ("in the raw/ root, not in a delivery's folder: not read",
                "nằm ngay trong raw/, không trong thư mục của loại dữ liệu nào: không đọc")
    near = [t for t in tables if t == top.casefold() or top.casefold().startswith(t)]
    hint_en = f" (did you mean '{near[0]}/'?)" if near else ""
    hint_vi = f" (có phải là '{near[0]}/'?)" if near else ""
    return (f"folder '{top}/' is not a delivery's folder ({', '.join(tables)}){hint_en}: not read",
            f"thư mục '{top}/' không phải thư mục của loại dữ liệu nào ({', '.join(tables)}){hint_vi}: "
            "không đọc")


def survey(raw_dir: Path | str, tables: tuple[str, ...], reference: frozenset[str] = frozenset(),
           hash_for: frozenset[str] | None = None) -> Survey:
    """Walk raw_dir (links not followed) and sort every file: delivered to one of `tables`, or
    ignored with a reason. `reference`: names of the shipped reference files in reference/.
    `hash_for`: the owners whose ignored files are hashed (None: all; others get "")."""
    raw_dir = Path(raw_dir)
    delivered: dict[str, list[str]] = {t: [] for t in tables}
    ignored: dict[str, list[Ignored]] = {}
    if not raw_dir.is_dir():
        return Survey(delivered, ignored)
    root = Path(os.path.realpath(raw_dir))
    for dirpath, dirnames, filenames in os.walk(raw_dir, followlinks=False):
        here = Path(dirpath)
        names = sorted(filenames) + sorted(d for d in dirnames if (here / d).is_symlink())
        dirnames[:] = sorted(d for d in dirnames if not (here / d).is_symlink())
        for name in names:
            path = here / name
            rel = path.relative_to(raw_dir)
            top = rel.parts[0] if len(rel.parts) > 1 else None
            if top == REFERENCE_FOLDER and len(rel.parts) == 2 and name in reference:
                continue
            owner = top if top in delivered else UNFILED
            why = _why_not_a_delivery(path, rel, root)
            if why is None and owner != UNFILED:
                delivered[owner].append(rel.as_posix())
                continue
            if why is None:
                why = _folder_note(top, tables) if top != REFERENCE_FOLDER else (
                    "not a reference file sapnhap reads", "không phải tệp danh mục sapnhap đọc")
            digest = ""
            if hash_for is None or owner in hash_for:
                mode = os.lstat(path).st_mode
                digest = (_hash_file(path) if stat.S_ISREG(mode) else
                          hashlib.sha256(os.readlink(path).encode()).hexdigest() if stat.S_ISLNK(mode) else "")
            ignored.setdefault(owner, []).append(Ignored(rel.as_posix(), digest, *why))
    for files in delivered.values():
        files.sort()
    for found in ignored.values():
        found.sort(key=lambda i: i.file)
    return Survey(delivered, ignored)
