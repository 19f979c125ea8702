"""A month's report regenerated later is the report issued then, or says it was restated.

Before a pack is written over one already on disk, the summary (Biểu 01) of the workbook on
disk is read back: its figures by line code (Mã số) and, if it was itself a restatement, the
figures it replaced. When the new figures differ from those on disk, the new report is a
restatement ("Báo cáo điều chỉnh") against them, listing each line that changed with the
figure reported before and the new one. When they are the same, the new report is the one
on disk again, byte for byte: an original stays an original, and a restatement stays the
same restatement (against the same earlier figures).
"""

from pathlib import Path

from dagster_project.reports.model import Change

Figures = dict[str, tuple[str, int | None, int | None]]  # line code -> (label, count, amount in đồng)
SUMMARY_SHEET = "Tổng hợp"
CODE_HEADER = "Mã số"


def _int(value) -> int | None:
    if value is None or value == "":
        return None
    return int(round(float(value)))


def _vnd(million) -> int | None:
    if million is None or million == "":
        return None
    return int(round(float(million) * 1_000_000))


def read_issued(path: Path) -> tuple[Figures, Figures | None] | None:
    """The figures of the summary of the workbook at `path`, and the figures it restated (None
    for an original); None when there is no such workbook or it has no summary in this form."""
    if not path.exists():
        return None
    import fastexcel

    try:
        frame = fastexcel.read_excel(str(path)).load_sheet_by_name(
            SUMMARY_SHEET, header_row=None, dtypes="string").to_polars()
    except Exception:  # an unreadable or foreign file: nothing to compare with
        return None
    rows = [list(r) for r in frame.iter_rows()]
    tables: list[list[list]] = []
    for i, row in enumerate(rows):
        if row and row[0] == CODE_HEADER:
            block = []
            for data in rows[i + 2:]:  # below the Vietnamese and the English header rows
                if not data[0]:
                    break
                block.append(data)
            tables.append(block)
    if not tables:
        return None
    # Section rows have a one-letter code and no figure; lines have a code such as A05.
    issued = {r[0]: (r[1] or "", _int(r[3]), _vnd(r[4])) for r in tables[0] if len(r[0]) > 1}
    if len(tables) < 2:
        return issued, None
    replaced = dict(issued)
    for r in tables[1]:  # Mã số, Chỉ tiêu, count reported, count restated, amount reported, restated
        replaced[r[0]] = (r[1] or "", _int(r[2]), _vnd(r[4]))
    return issued, replaced


def _values(figures: Figures) -> dict[str, tuple[int | None, int | None]]:
    return {code: (persons, amount) for code, (_, persons, amount) in figures.items()}


def changes(previous: tuple[Figures, Figures | None] | None, now: Figures) -> list[Change] | None:
    """What the report restates against the pack on disk, or None when it restates nothing."""
    if previous is None:
        return None
    issued, replaced = previous
    if _values(now) == _values(issued):
        if replaced is None:
            return None
        reference = replaced
    else:
        reference = issued
    ref, new = _values(reference), _values(now)
    order = list(now) + [code for code in reference if code not in now]
    found = []
    for code in order:
        before, after = ref.get(code, (None, None)), new.get(code, (None, None))
        if before != after:
            label = now.get(code, reference.get(code, ("", None, None)))[0]
            found.append(Change(code, label, before[0], after[0], before[1], after[1]))
    return found or None
