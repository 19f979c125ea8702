"""Every quarantine rule ingest applies, with its message in Vietnamese and English.

A quarantine row names the rule (the stable key, used by the generator's defect manifest and
by the checks) and carries both messages, filled from the templates below. Placeholders:
`{column}` (canonical column name), `{value}` (the offending value as delivered) and
`{detail}` (what the rule found, e.g. where the kept duplicate is; written in each language).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    vi: str
    en: str


RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        # File level: the whole file (or sheet) is rejected, one quarantine row, row null.
        Rule(
            "unreadable_file",
            "Không đọc được tệp: {detail}",
            "The file cannot be read: {detail}",
        ),
        Rule(
            "missing_required_column",
            "Tệp thiếu cột bắt buộc {column}; cả tệp bị từ chối",
            "The file lacks the required column {column}; the whole file is rejected",
        ),
        Rule(
            "duplicate_column",
            "Cột {column} xuất hiện nhiều lần trong tệp ({detail}); cả tệp bị từ chối",
            "Column {column} appears more than once ({detail}); the whole file is rejected",
        ),
        Rule(
            "duplicate_file",
            "Tệp có nội dung giống hệt tệp {detail} (xếp trước theo thứ tự nhận); cả tệp không "
            "được nạp để không tính trùng",
            "The file has the same content as {detail} (earlier in delivery order); the whole "
            "file is set aside so its rows are not counted twice",
        ),
        # Row level: one value.
        Rule(
            "missing_value",
            "Thiếu giá trị bắt buộc ở cột {column}{detail}",
            "Required value missing in column {column}{detail}",
        ),
        Rule(
            "invalid_date",
            "Ngày không hợp lệ ở cột {column}: '{value}'",
            "Invalid date in column {column}: '{value}'",
        ),
        Rule(
            "invalid_number",
            "Số không hợp lệ ở cột {column}: '{value}'",
            "Invalid number in column {column}: '{value}'",
        ),
        Rule(
            "invalid_enum",
            "Giá trị không thuộc danh mục ở cột {column}: '{value}' (chấp nhận: {detail})",
            "Value not allowed in column {column}: '{value}' (accepted: {detail})",
        ),
        Rule(
            "invalid_code",
            "Mã không hợp lệ ở cột {column}: '{value}' ({detail})",
            "Invalid code in column {column}: '{value}' ({detail})",
        ),
        Rule(
            "out_of_range",
            "Giá trị ngoài khoảng cho phép ở cột {column}: '{value}' ({detail})",
            "Value out of range in column {column}: '{value}' ({detail})",
        ),
        # Row level: across columns or tables.
        Rule(
            "national_id_mismatch",
            "Số CCCD '{value}' không khớp với {detail}",
            "National ID '{value}' does not match the {detail}",
        ),
        Rule(
            "level_not_in_period",
            "Cấp '{value}' không tồn tại trong giai đoạn này (cấp huyện chỉ có trước 01/07/2025)",
            "Level '{value}' does not exist in this period (districts exist only before 1 Jul 2025)",
        ),
        Rule(
            "unknown_reference_code",
            "Mã {column} '{value}' không có trong danh mục ĐVHC {detail}",
            "Code {column} '{value}' is not in the reference list of units {detail}",
        ),
        Rule(
            "unknown_unit_code",
            "Mã đơn vị '{value}' ở cột {column} không có trong danh sách đơn vị {detail}",
            "Unit code '{value}' in column {column} is not a unit {detail}",
        ),
        Rule(
            "unknown_person",
            "Số CCCD '{value}' không có trong danh sách cán bộ, công chức nào",
            "National ID '{value}' is not in any staff roster",
        ),
        Rule(
            "duplicate_person",
            "Người có số CCCD '{value}' đã có trong cùng kỳ báo cáo; giữ bản ghi tại {detail}",
            "Person with national ID '{value}' already in the same snapshot; kept the row at {detail}",
        ),
        Rule(
            "duplicate_decision",
            "Quyết định số '{value}' cho cùng một người (cùng số CCCD) đã có; giữ bản ghi tại {detail}",
            "Decision '{value}' for the same person (same national ID) is already there; kept the "
            "row at {detail}",
        ),
        Rule(
            "duplicate_unit_code",
            "Mã đơn vị '{value}' bị trùng trong cùng giai đoạn; giữ bản ghi tại {detail}",
            "Unit code '{value}' is duplicated within its period; kept the row at {detail}",
        ),
        Rule(
            "share_sum",
            "Tổng tỷ lệ của đơn vị cũ '{value}' là {detail}, phải bằng 1",
            "Shares of old unit '{value}' add up to {detail}, not 1",
        ),
    )
}

# Rules that reject a whole file or sheet (quarantine row_number is null).
FILE_RULES = ("unreadable_file", "missing_required_column", "duplicate_column", "duplicate_file")


def message(
    rule: str, column: str | None = None, value: object = None, detail_vi: str = "",
    detail_en: str | None = None,
) -> tuple[str, str]:
    """The (Vietnamese, English) message of one quarantine row."""
    r = RULES[rule]
    fields = {"column": column or "", "value": "" if value is None else str(value)}
    en = detail_vi if detail_en is None else detail_en
    return r.vi.format(**fields, detail=detail_vi), r.en.format(**fields, detail=en)


def _pieces(template: str) -> list[str]:
    """Split a template into literal text and placeholder names, alternating (text first)."""
    out, rest = [], template
    while "{" in rest:
        head, tail = rest.split("{", 1)
        name, rest = tail.split("}", 1)
        out += [head, name]
    out.append(rest)
    return out


def message_exprs(rule: str):
    """Polars expressions (message_vi, message_en) from columns column_name, value, detail_vi,
    detail_en."""
    import polars as pl

    exprs = []
    for template, detail in ((RULES[rule].vi, "detail_vi"), (RULES[rule].en, "detail_en")):
        cols = {"column": "column_name", "value": "value", "detail": detail}
        parts = _pieces(template)
        items = []
        for i, p in enumerate(parts):
            if i % 2 == 0:
                if p:
                    items.append(pl.lit(p))
            else:
                items.append(pl.col(cols[p]).fill_null(""))
        exprs.append(pl.concat_str(items).alias("message_" + detail[-2:]))
    return exprs
