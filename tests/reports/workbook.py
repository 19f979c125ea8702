"""Reading a report workbook back as an official reads it: the form's head, and each table by
its first header, down to its last row (the next empty or merged row)."""

from dataclasses import dataclass

FORM_HEAD_ROWS = 12  # the form's head is above the first table


@dataclass
class ReadTable:
    headers: list[str]
    rows: list[list]  # values
    cells: list[list]  # openpyxl cells (formats, fonts)
    header_row: int  # 1-based row of the Vietnamese headers

    def column(self, header: str) -> int:
        return self.headers.index(header)

    def records(self) -> list[dict]:
        return [dict(zip(self.headers, r, strict=False)) for r in self.rows]

    def by_first_column(self) -> dict:
        return {r[0]: dict(zip(self.headers, r, strict=False)) for r in self.rows}


def _merged_starts(ws) -> set[tuple[int, int]]:
    return {(r.min_row, r.min_col) for r in ws.merged_cells.ranges}


def read_table(ws, first_header: str, occurrence: int = 0) -> ReadTable:
    """The table whose first column header is `first_header` (the `occurrence`-th such)."""
    merged = _merged_starts(ws)
    found = [row[0].row for row in ws.iter_rows() if row[0].value == first_header]
    assert len(found) > occurrence, f"{ws.title}: no table headed {first_header!r}"
    header_row = found[occurrence]
    headers = [c.value for c in ws[header_row]]
    while headers and headers[-1] is None:
        headers.pop()
    rows, cells = [], []
    # One pass over the rows below the English gloss row: indexing a row (`ws[r]`) measures
    # the whole sheet each time, which made reading an audit sheet of thousands of rows take
    # minutes.
    for line in ws.iter_rows(min_row=header_row + 2, max_col=len(headers)):
        values = [c.value for c in line]
        if all(v is None for v in values) or (line[0].row, 1) in merged:
            break
        rows.append(values)
        cells.append(list(line))
    return ReadTable(headers, rows, cells, header_row)


def head_text(ws) -> str:
    """Every text of the form's head (above the first table), one line per cell."""
    texts = []
    for row in ws.iter_rows(max_row=FORM_HEAD_ROWS):
        texts += [c.value for c in row if isinstance(c.value, str)]
    return "\n".join(texts)


def all_text(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
