"""What ingest would do with some files, before they are sent: `validate(paths)`.

The files are checked by ingest itself (the same reading, layouts, checks and messages), on
an in-memory DuckDB holding the shipped reference units, never a warehouse. Each file is
placed, by a link in a temporary folder, under raw/<delivery>/ as the contract says: the
delivery is the folder the file sits in (units/, lineage/, personnel/, decisions/), else the
one whose columns its header names most. Files given together are checked together, in
delivery order (units before lineage and rosters, rosters before decisions), so lookups
between them are real; a lookup against a delivery not given (a roster's unit codes without
the units file) is left out and said so, and its rows are not counted as problems.

`render(report, lang)` writes the officer's text: per file (and sheet) rows read, rows that
would load, and each problem with its row, column, reason and what to do (contract/reasons.py).
Personal data never appears: the value of a personal column (national ID, name, birth date)
is masked in every message.
"""

import dataclasses
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from dagster_project.contract import DELIVERIES, ORDER, REASONS, Delivery
from dagster_project.ingest.engine.load import load
from dagster_project.ingest.engine.prepare import read_prepared
from dagster_project.ingest.engine.results import FileResult
from dagster_project.ingest.layout import fold
from dagster_project.ingest.read import discover, header_map, read_file
from dagster_project.ingest.survey import SUFFIXES
from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.warehouse.ddl import ensure_schemas
from dagster_project.warehouse.publish import PERSONAL_COLUMNS
from dagster_project.warehouse.reference import load_reference_table

MASK = "…"
SKIP_PREFIXES = (".", "_", "~$")


class ValidateError(Exception):
    """A file that cannot be checked at all (missing, of a kind ingest does not read, or of
    no delivery that can be told). `vi`, `en`: one line each."""

    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi, self.en = vi, en


@dataclass
class Problem:
    sheet: str | None
    row: int | None
    column: str | None
    rule: str
    message_vi: str
    message_en: str


@dataclass
class Checked:
    """One file given: its delivery, what ingest would do with each sheet, its problems."""

    path: str  # as given
    delivery: str
    sheets: list[FileResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sheets)

    @property
    def rows_loaded(self) -> int:
        return sum(s.rows_loaded for s in self.sheets)

    @property
    def clean(self) -> bool:
        return not self.problems and all(s.status != "rejected" for s in self.sheets)


@dataclass
class Unchecked:
    """A lookup against a delivery not given."""

    delivery: str
    column: str
    references: str
    vi: str
    en: str


@dataclass
class Report:
    files: list[Checked]
    unchecked: list[Unchecked]

    @property
    def clean(self) -> bool:
        return all(f.clean for f in self.files)


def expand(paths: list[Path]) -> list[Path]:
    """The files to check: each path given; a raw/ folder (one holding delivery folders) as
    the files ingest reads of it; another folder as every file of a format ingest reads.
    Raises ValidateError for a path that does not exist or a file ingest does not read."""
    out = []
    for p in paths:
        if not p.exists():
            raise ValidateError(f"không tìm thấy tệp hoặc thư mục: {p}",
                                f"no such file or folder: {p}")
        if p.is_dir() and any((p / name).is_dir() for name in DELIVERIES):
            # a raw/ folder: what ingest reads of it (reference/ and the rest are not deliveries)
            out += [p / rel for name in ORDER for rel in discover(p, name)]
        elif p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                          and not any(x.startswith(SKIP_PREFIXES) for x in f.relative_to(p).parts))
        elif p.suffix.lower() not in SUFFIXES:
            raise ValidateError(
                f"{p}: không phải tệp được nhận ({', '.join(SUFFIXES)}); lưu lại thành .xlsx hoặc CSV",
                f"{p}: not a file ingest reads ({', '.join(SUFFIXES)}); save it as .xlsx or CSV")
        else:
            out.append(p)
    return list(dict.fromkeys(out))


def folder_delivery(path: Path) -> tuple[str, Path] | None:
    """(delivery, path relative to its folder) when the file sits under a delivery's folder."""
    parts = path.resolve().parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] in DELIVERIES:
            return parts[i], Path(*parts[i + 1:])
    return None


def header_delivery(path: Path) -> str:
    """The delivery whose columns the file's header names most (raises when none or a tie)."""
    union: dict[str, str] = {}
    for d in DELIVERIES.values():
        union |= header_map(d)
    sheets = read_file(path.parent, path.name, union)
    broken = next((sh for sh in sheets if sh.error is not None), None)
    if broken is not None:
        raise ValidateError(f"{path}: không đọc được tệp: {broken.error_vi or broken.error}",
                            f"{path}: the file cannot be read: {broken.error}")
    labels = {fold(c) for sh in sheets if sh.frame is not None for c in sh.frame.columns}
    scores = {name: len({c for h, c in header_map(d).items() if h in labels})
              for name, d in DELIVERIES.items()}
    best = max(scores.values())
    winners = [n for n, s in scores.items() if s == best]
    if best < 2 or len(winners) > 1:
        folders = ", ".join(f"{n}/" for n in DELIVERIES)
        raise ValidateError(
            f"{path}: không biết là loại tệp nào (tiêu đề cột không khớp rõ với loại nào); đặt tệp "
            f"trong thư mục {folders} tương ứng rồi kiểm tra lại",
            f"{path}: cannot tell which delivery it is (its header matches none clearly); put it "
            f"in the matching folder ({folders}) and check again")
    return winners[0]


def place(files: list[Path], raw: Path) -> dict[str, tuple[str, str]]:
    """Copy each file under raw/<delivery>/ (keeping its path below a delivery folder, else in
    a numbered folder of its own, in the order given). Returns rel path -> (given, delivery)."""
    placed: dict[str, tuple[str, str]] = {}
    for i, f in enumerate(files):
        found = folder_delivery(f)
        delivery, below = found if found else (header_delivery(f), Path(f"{i:04d}") / f.name)
        target = raw / delivery / below
        rel = target.relative_to(raw).as_posix()
        if rel in placed:  # the same name below two delivery folders: keep both
            target = raw / delivery / f"{i:04d}" / below
            rel = target.relative_to(raw).as_posix()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)  # a copy: ingest does not follow links out of raw/
        placed[rel] = (str(f), delivery)
    return placed


def checkable(d: Delivery, given: set[str]) -> tuple[Delivery, list[Unchecked]]:
    """The delivery without its lookups against deliveries not given, and those lookups."""
    keep, dropped = [], []
    for lk in d.lookups:
        refs = getattr(lk, "references", None)
        if refs is not None and refs[0] not in given:
            dropped.append(Unchecked(d.name, lk.column, refs[0], lk.vi, lk.en))
        else:
            keep.append(lk)
    if not dropped:
        return d, []
    snapshot = d.snapshot
    if snapshot is not None and snapshot.provinces_of in {u.column for u in dropped}:
        snapshot = dataclasses.replace(snapshot, provinces_of=None)
    return dataclasses.replace(d, lookups=tuple(keep), snapshot=snapshot), dropped


def _masked(text: str, value: str | None) -> str:
    return text.replace(value, MASK) if value else text


def problems_of(quarantine: pl.DataFrame, placed: dict[str, tuple[str, str]]) -> dict[str, list[Problem]]:
    """Given path -> its problems, in delivery order; paths of the temporary folder replaced
    by those given. A problem in a personal column is told by the reason's meaning (its
    message may carry the value, or a birth year or age derived from it), a repeat by its
    message with the value masked (it says where the kept row is)."""
    out: dict[str, list[Problem]] = defaultdict(list)
    for q in quarantine.iter_rows(named=True):
        given = placed[q["file"]][0]
        vi, en = q["message_vi"], q["message_en"]
        for rel, (name, _) in placed.items():
            vi, en = vi.replace(rel, name), en.replace(rel, name)
        vi, en = vi.removeprefix(f"{given}: "), en.removeprefix(f"{given}: ")
        if q["row_number"] is not None:
            row = f", dòng {q['row_number']}: "
            vi = vi.split(row, 1)[-1]
            en = en.split(f", row {q['row_number']}: ", 1)[-1]
        if q["column_name"] in PERSONAL_COLUMNS:
            reason = REASONS[q["rule"]]
            if reason.scope == "table" and q["value"] and len(q["value"]) >= 4:
                # a repeat: the message names the value and where the kept row is
                vi, en = _masked(vi, q["value"]), _masked(en, q["value"])
            else:  # the detail may be derived from personal data (a birth year, an age)
                vi, en = reason.meaning_vi, reason.meaning_en
        out[given].append(Problem(q["sheet"], q["row_number"], q["column_name"], q["rule"], vi, en))
    return out


def validate(paths: list[Path]) -> Report:
    """What ingest would load, quarantine and reject of `paths` (files or folders), checked
    together. Raises ValidateError for a path that cannot be checked at all."""
    files = expand([Path(p) for p in paths])
    if not files:
        raise ValidateError("không có tệp nào để kiểm tra", "no file to check")
    with tempfile.TemporaryDirectory(prefix="sapnhap_validate_") as tmp:
        raw = Path(tmp) / "raw"
        placed = place(files, raw)
        given = {d for _, d in placed.values()}
        con = duckdb.connect(":memory:")
        try:
            for table in ("ref_units_pre", "ref_units_post"):
                load_reference_table(con, SHIPPED_REFERENCE_DIR, table)
            ensure_schemas(con)
            results: dict[str, list[FileResult]] = defaultdict(list)
            parts, unchecked = [], []
            for name in ORDER:
                if name not in given:
                    continue
                delivery, dropped = checkable(DELIVERIES[name], given)
                unchecked += dropped
                quarantine, found = load(con, read_prepared(raw, discover(raw, name), delivery),
                                         delivery, f"raw.{name}")
                parts.append(quarantine)
                for r in found:
                    results[placed[r.file][0]].append(r)
        finally:
            con.close()
    quarantine = pl.concat(parts) if parts else pl.DataFrame()
    problems = problems_of(quarantine, placed) if quarantine.height else {}
    checked = [Checked(name, delivery, results.get(name, []), problems.get(name, []))
               for name, delivery in placed.values()]  # in the order given
    return Report(checked, unchecked)


# --- the officer's text ----------------------------------------------------------------------

WORDS = {
    "vi": {
        "sheet": "trang", "read": "dòng đọc được", "load": "dòng sẽ được nạp",
        "quarantine": "dòng sẽ bị cách ly", "row": "dòng", "column": "cột",
        "rejected": "cả tệp sẽ bị từ chối (không dòng nào được nạp)", "skipped": "bỏ qua (không có dòng tiêu đề)",
        "todo": "Cần làm", "ok": "không có lỗi",
        "unchecked": "Chưa kiểm tra được (thiếu tệp {references}/ đi kèm): cột {header} ({column}) "
                     "của {delivery}/ phải là {rule}. Kiểm tra cùng với tệp {references}/ để biết.",
        "total": "Tổng cộng: {files} tệp, {read} dòng đọc được, {load} dòng sẽ được nạp, {bad} dòng sẽ "
                 "không được nạp; {rejected} tệp hoặc trang sẽ bị từ chối.",
        "clean": "Kết quả: các tệp sẵn sàng để gửi.",
        "dirty": "Kết quả: cần sửa các lỗi trên trước khi gửi.",
        "none": "(không có tệp)",
    },
    "en": {
        "sheet": "sheet", "read": "rows read", "load": "rows would load",
        "quarantine": "rows would be quarantined", "row": "row", "column": "column",
        "rejected": "the whole file would be rejected (no row loaded)", "skipped": "skipped (no header row)",
        "todo": "What to do", "ok": "no problem",
        "unchecked": "Not checked (no {references}/ file given): column {header} ({column}) of "
                     "{delivery}/ must be {rule}. Check it together with the {references}/ file.",
        "total": "Total: {files} files, {read} rows read, {load} would load, {bad} would not; "
                 "{rejected} files or sheets would be rejected.",
        "clean": "Result: the files are ready to send.",
        "dirty": "Result: correct the problems above before sending.",
        "none": "(no file)",
    },
}


def _header(delivery: str, column: str | None, lang: str) -> str:
    if column is None:
        return ""
    names = [c.strip() for c in column.split(",")]
    d = DELIVERIES[delivery]
    labels = []
    for n in names:
        try:
            c = d.column(n)
        except KeyError:
            labels.append(n)
            continue
        labels.append(f'"{c.vi}" ({c.name})' if lang == "vi" else f'{c.name} ("{c.vi}")')
    return ", ".join(labels)


def render(report: Report, lang: str = "vi") -> str:
    w = WORDS[lang]
    lines: list[str] = []
    for f in report.files:
        d = DELIVERIES[f.delivery]
        lines.append(f"{f.path} ({d.vi if lang == 'vi' else d.en}, {d.name}/)")
        for s in f.sheets:
            where = f"  {w['sheet']} \"{s.sheet}\": " if s.sheet is not None else "  "
            if s.status == "skipped":
                lines.append(where + w["skipped"])
                continue
            if s.status == "rejected":
                lines.append(f"{where}{s.rows_read} {w['read']}; {w['rejected']}")
            else:
                lines.append(f"{where}{s.rows_read} {w['read']}, {s.rows_loaded} {w['load']}, "
                             f"{s.rows_read - s.rows_loaded} {w['quarantine']}")
            for p in (p for p in f.problems if p.sheet == s.sheet):
                at = [f"{w['row']} {p.row}"] if p.row is not None else []
                if p.column:
                    at.append(f"{w['column']} {_header(f.delivery, p.column, lang)}")
                msg = p.message_vi if lang == "vi" else p.message_en
                lines.append(f"    {', '.join(at) + ': ' if at else ''}[{p.rule}] {msg}")
        rules = list(dict.fromkeys(p.rule for p in f.problems))
        if rules:
            lines.append(f"  {w['todo']}:")
            for rule in rules:
                r = REASONS[rule]
                lines.append(f"    [{rule}] {r.todo_vi if lang == 'vi' else r.todo_en}")
        elif f.clean:
            lines.append(f"  {w['ok']}")
    for u in report.unchecked:
        c = DELIVERIES[u.delivery].column(u.column)
        lines.append(w["unchecked"].format(references=u.references, header=f'"{c.vi}"' if lang == "vi"
                                           else c.name, column=c.name if lang == "vi" else c.vi,
                                           delivery=u.delivery, rule=u.vi if lang == "vi" else u.en))
    rejected = sum(1 for f in report.files for s in f.sheets if s.status == "rejected")
    read = sum(f.rows_read for f in report.files)
    loaded = sum(f.rows_loaded for f in report.files)
    lines.append(w["total"].format(files=len(report.files), read=read, load=loaded, bad=read - loaded,
                                   rejected=rejected))
    lines.append(w["clean"] if report.clean else w["dirty"])
    return "\n".join(lines) + "\n"
