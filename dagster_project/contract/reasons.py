"""Every reason ingest quarantines a row (or sets a whole file aside) for.

The key is data: it is the `rule` column of audit.quarantine, the generator's defect manifest
and the report's quarantine sheet use it, so it never changes. A quarantine row carries both
messages, filled from the templates below: `{column}` (the canonical column name), `{value}`
(the offending value), `{detail}` (what the check found, written in each language by the check
that fired: see model.py and the delivery modules). `meaning_*` and `todo_*` are for the
province's data officer (docs/delivery_contract.md is generated from them).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    key: str
    scope: str  # file: the whole file or sheet is set aside (row null); line: one line of a
    # CSV the reader could not split; row; table (whole-table)
    vi: str
    en: str
    meaning_vi: str
    todo_vi: str
    meaning_en: str
    todo_en: str


REASONS: dict[str, Reason] = {
    r.key: r
    for r in (
        Reason(
            "unreadable_file", "file",
            "Không đọc được tệp: {detail}",
            "The file cannot be read: {detail}",
            "Tệp hỏng, không phải CSV/XLSX/Parquet thật, hoặc CSV không mã hóa UTF-8.",
            "Mở lại tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx hoặc CSV UTF-8 rồi gửi lại "
            "với cùng tên tệp.",
            "The file is damaged, not really CSV/XLSX/Parquet, or a CSV not encoded in UTF-8.",
            "Open it in a spreadsheet application, save it as .xlsx or UTF-8 CSV and send it again "
            "under the same name.",
        ),
        Reason(
            "missing_required_column", "file",
            "Tệp thiếu cột bắt buộc {column}; cả tệp bị từ chối",
            "The file lacks the required column {column}; the whole file is rejected",
            "Không tìm thấy tiêu đề của một cột bắt buộc (hoặc, với danh sách cán bộ, không biết "
            "ngày báo cáo: không có cột Ngày báo cáo, tên tệp không có ngày, tiêu đề biểu không có "
            "thời điểm báo cáo). Cả tệp chưa được nạp.",
            "Thêm cột còn thiếu với đúng tiêu đề tiếng Việt (hoặc tên tiếng Anh) ở bảng cột dưới "
            "đây, rồi gửi lại với cùng tên tệp.",
            "A required column's header was not found (or, for a roster, its date is unknown: no "
            "snapshot column, no date in the file name or the form's title). Nothing was loaded.",
            "Add the column with its Vietnamese header (or English name) from the column tables "
            "and send the file again under the same name.",
        ),
        Reason(
            "duplicate_column", "file",
            "Cột {column} xuất hiện nhiều lần trong tệp ({detail}); cả tệp bị từ chối",
            "Column {column} appears more than once ({detail}); the whole file is rejected",
            "Hai tiêu đề cùng chỉ một cột (ví dụ 'Họ và tên' và 'full_name'): không biết lấy cột "
            "nào.",
            "Xóa hoặc đổi tên một trong hai cột, rồi gửi lại với cùng tên tệp.",
            "Two headers name the same column (e.g. 'Họ và tên' and 'full_name'): which one holds "
            "the data cannot be known.",
            "Delete or rename one of them and send the file again under the same name.",
        ),
        Reason(
            "duplicate_file", "file",
            "Tệp có nội dung giống hệt tệp {detail} (xếp trước theo thứ tự nhận); cả tệp không "
            "được nạp để không tính trùng",
            "The file has the same content as {detail} (earlier in delivery order); the whole "
            "file is set aside so its rows are not counted twice",
            "Cùng một tệp được gửi hai lần dưới hai tên (ví dụ 'ds (1).xlsx'). Bản đầu tiên đã được "
            "nạp; bản sau không được nạp.",
            "Không cần làm gì với số liệu; nên xóa bản sao để thư mục gọn.",
            "The same file was sent twice under two names (e.g. 'ds (1).xlsx'). The first one is "
            "loaded; the copy is not.",
            "Nothing to do for the figures; delete the copy to keep the folder tidy.",
        ),
        Reason(
            "malformed_row", "line",
            "Dòng không tách được thành các cột của tiêu đề ({detail}); cả dòng bị cách ly",
            "The row cannot be split into the header's columns ({detail}); the whole row is "
            "quarantined",
            "Trong tệp CSV, dòng này có nhiều hoặc ít trường hơn dòng tiêu đề (thường do dấu phẩy "
            "hoặc dấu chấm phẩy trong một giá trị không được đặt trong ngoặc kép), hoặc có dấu "
            "ngoặc kép không khớp. Các dòng khác của tệp vẫn được nạp.",
            "Mở tệp, sửa dòng được nêu (đặt giá trị có dấu phẩy trong ngoặc kép, xóa dấu ngoặc kép "
            "thừa), rồi gửi lại với cùng tên tệp.",
            "In a CSV file, the line has more or fewer fields than the header (usually a comma or "
            "semicolon inside a value that is not quoted), or an unmatched quote. The file's other "
            "rows are loaded.",
            "Correct the line named (quote a value holding a comma, remove the stray quote) and "
            "send the file again under the same name.",
        ),
        Reason(
            "missing_value", "row",
            "Thiếu giá trị bắt buộc ở cột {column}{detail}",
            "Required value missing in column {column}{detail}",
            "Ô bắt buộc để trống (kể cả bắt buộc có điều kiện, ví dụ mã xã với đơn vị cấp xã).",
            "Điền giá trị vào ô đó ở dòng đã nêu, rồi gửi lại tệp với cùng tên.",
            "A required cell is empty (including required-when, e.g. the commune code of a "
            "commune-level unit).",
            "Fill in the cell on the row named and send the file again under the same name.",
        ),
        Reason(
            "invalid_date", "row",
            "Ngày không hợp lệ ở cột {column}: '{value}' (chấp nhận: {detail})",
            "Invalid date in column {column}: '{value}' (accepted: {detail})",
            "Không đọc được ngày (ví dụ 31/02/2025, hoặc chữ), hoặc năm chỉ ghi 2 chữ số "
            "(21/7/25: không biết là 1925 hay 2025).",
            "Ghi ngày dạng ngày/tháng/năm với năm đủ 4 chữ số (30/06/2025) hoặc năm-tháng-ngày "
            "(2025-06-30); trong Excel định dạng cột là dd/mm/yyyy.",
            "The date cannot be read (e.g. 31/02/2025, or words), or its year has two digits "
            "(21/7/25: 1925 or 2025 cannot be told).",
            "Write it as day/month/year with a four-digit year (30/06/2025) or year-month-day "
            "(2025-06-30); in Excel, format the column as dd/mm/yyyy.",
        ),
        Reason(
            "invalid_number", "row",
            "Số không hợp lệ ở cột {column}: '{value}'",
            "Invalid number in column {column}: '{value}'",
            "Không đọc được số (chữ, hai dấu thập phân, số lẻ ở cột số nguyên).",
            "Ghi số bằng chữ số: 3,66 hoặc 3.66; tiền 10.705.500 hoặc 10705500.",
            "The number cannot be read (words, two decimal marks, a fraction in a whole-number "
            "column).",
            "Write digits: 3,66 or 3.66; money 10.705.500 or 10705500.",
        ),
        Reason(
            "invalid_enum", "row",
            "Giá trị không thuộc danh mục ở cột {column}: '{value}' (chấp nhận: {detail})",
            "Value not allowed in column {column}: '{value}' (accepted: {detail})",
            "Giá trị không có trong danh mục của cột.",
            "Chọn một giá trị trong danh mục ở bảng cột (tiếng Việt hoặc tiếng Anh đều được).",
            "The value is not one the column accepts.",
            "Use one of the values listed in the column tables (Vietnamese or English).",
        ),
        Reason(
            "invalid_code", "row",
            "Mã không hợp lệ ở cột {column}: '{value}' ({detail})",
            "Invalid code in column {column}: '{value}' ({detail})",
            "Mã không đủ số chữ số, có chữ cái, hoặc (số CCCD) ba chữ số đầu không phải mã tỉnh.",
            "Ghi đủ các chữ số (số CCCD đủ 12 chữ số, kể cả số 0 ở đầu; định dạng ô là Văn bản để "
            "Excel không xóa số 0).",
            "The code has the wrong number of digits, letters, or (a national ID) its first three "
            "digits are not a province code.",
            "Write every digit (a national ID has 12, leading zeros included; format the cells as "
            "Text so the spreadsheet keeps them).",
        ),
        Reason(
            "out_of_range", "row",
            "Giá trị ngoài khoảng cho phép ở cột {column}: '{value}' ({detail})",
            "Value out of range in column {column}: '{value}' ({detail})",
            "Giá trị nằm ngoài khoảng hợp lệ của cột (ví dụ hệ số lương 14,2; tuổi 85 tại ngày "
            "báo cáo; năm đánh giá sau năm báo cáo; một ngày trước 01/01/1900 hoặc sau ngày 31/12 "
            "của năm kế tiếp).",
            "Kiểm tra lại giá trị (thường là gõ nhầm hoặc nhầm cột) và sửa.",
            "The value lies outside the column's bounds (e.g. a salary coefficient of 14.2, age 85 "
            "at the snapshot, a rating year after the snapshot's, a date before 1 Jan 1900 or "
            "after 31 Dec of next year).",
            "Check the value (usually a typo or a shifted column) and correct it.",
        ),
        Reason(
            "national_id_mismatch", "row",
            "Số CCCD '{value}' không khớp với {detail}",
            "National ID '{value}' does not match the {detail}",
            "Số CCCD không khớp với giới tính (chữ số thứ 4) hoặc năm sinh (chữ số 5-6) của người "
            "đó: số CCCD, giới tính hoặc ngày sinh bị ghi sai.",
            "Đối chiếu với căn cước công dân của người đó và sửa ô sai.",
            "The national ID does not match the person's sex (digit 4) or birth year (digits 5-6): "
            "the ID, the sex or the birth date is wrong.",
            "Check against the person's ID card and correct the wrong cell.",
        ),
        Reason(
            "level_not_in_period", "row",
            "Cấp '{value}' không tồn tại trong giai đoạn này (cấp huyện chỉ có trước 01/07/2025)",
            "Level '{value}' does not exist in this period (districts exist only before 1 Jul 2025)",
            "Đơn vị cấp huyện được khai cho giai đoạn sau 01/07/2025, khi cấp huyện đã kết thúc.",
            "Sửa Giai đoạn thành 'trước', hoặc khai đơn vị mới ở cấp tỉnh hay cấp xã.",
            "A district-level unit is given for the period from 1 July 2025, when districts no "
            "longer exist.",
            "Set the period to 'pre', or give the new unit at province or commune level.",
        ),
        Reason(
            "unknown_reference_code", "row",
            "Mã {column} '{value}' không có trong danh mục ĐVHC {detail}",
            "Code {column} '{value}' is not in the reference list of units {detail}",
            "Mã tỉnh, huyện hoặc xã không có trong danh mục đơn vị hành chính của giai đoạn đó "
            "(mã cũ dùng cho giai đoạn sau, hoặc ngược lại).",
            "Dùng mã trong danh mục ĐVHC của đúng giai đoạn (trước hoặc sau 01/07/2025).",
            "The province, district or commune code is not a unit of that period (an old code "
            "given for the new period, or the other way round).",
            "Use the code of the right period's registry (before or from 1 July 2025).",
        ),
        Reason(
            "unknown_unit_code", "row",
            "Mã đơn vị '{value}' ở cột {column} không có trong danh sách đơn vị {detail}",
            "Unit code '{value}' in column {column} is not a unit {detail}",
            "Mã đơn vị không có trong danh sách đơn vị đã gửi (units/) của giai đoạn đó.",
            "Sửa mã đơn vị, hoặc bổ sung đơn vị đó vào danh sách đơn vị rồi gửi lại cả hai tệp.",
            "The unit code is not among the delivered units (units/) of that period.",
            "Correct the code, or add the unit to the unit registry and send both files again.",
        ),
        Reason(
            "unknown_person", "row",
            "Số CCCD '{value}' không có trong danh sách cán bộ, công chức nào",
            "National ID '{value}' is not in any staff roster",
            "Quyết định cho một người không có trong danh sách cán bộ nào đã gửi.",
            "Sửa số CCCD trong quyết định, hoặc gửi danh sách cán bộ có người đó.",
            "A decision for a person who is in no roster delivered.",
            "Correct the ID on the decision, or send the roster that lists the person.",
        ),
        Reason(
            "duplicate_person", "table",
            "Người có số CCCD '{value}' đã có trong cùng kỳ báo cáo; giữ bản ghi tại {detail}",
            "Person with national ID '{value}' already in the same snapshot; kept the row at {detail}",
            "Cùng một người xuất hiện hai lần trong cùng ngày báo cáo (trong một tệp, hoặc trong "
            "tệp chính và tệp bổ sung). Dòng đầu tiên được giữ.",
            "Xóa dòng lặp; nếu dòng sau mới đúng, sửa dòng đầu tiên (nơi đã nêu) rồi gửi lại.",
            "The same person twice in one snapshot (in one file, or in the main and a supplement "
            "file). The first row is kept.",
            "Delete the repeat; if the later row is the right one, correct the first row (where "
            "named) and send the file again.",
        ),
        Reason(
            "duplicate_decision", "table",
            "Quyết định số '{value}' cho cùng một người (cùng số CCCD) đã có; giữ bản ghi tại {detail}",
            "Decision '{value}' for the same person (same national ID) is already there; kept the "
            "row at {detail}",
            "Cùng số quyết định cho cùng một người xuất hiện hai lần (một quyết định được ghi cho "
            "nhiều người là bình thường). Dòng đầu tiên được giữ.",
            "Xóa dòng lặp, hoặc sửa số quyết định hay số CCCD bị ghi sai.",
            "The same decision number for the same person twice (one decision listing many "
            "people is normal). The first row is kept.",
            "Delete the repeat, or correct a wrong decision number or ID.",
        ),
        Reason(
            "duplicate_unit_code", "table",
            "Mã đơn vị '{value}' bị trùng trong cùng giai đoạn; giữ bản ghi tại {detail}",
            "Unit code '{value}' is duplicated within its period; kept the row at {detail}",
            "Một mã đơn vị được khai hai lần trong cùng giai đoạn. Dòng đầu tiên được giữ.",
            "Mỗi đơn vị một mã trong mỗi giai đoạn: xóa dòng lặp hoặc đổi mã.",
            "One unit code given twice in the same period. The first row is kept.",
            "One code per unit and period: delete the repeat or change the code.",
        ),
        Reason(
            "share_sum", "table",
            "Tổng tỷ lệ của đơn vị cũ '{value}' là {detail}, phải bằng 1",
            "Shares of old unit '{value}' add up to {detail}, not 1",
            "Các tỷ lệ chia của một đơn vị cũ không cộng lại bằng 1; mọi dòng của đơn vị đó bị "
            "cách ly vì không biết dòng nào sai.",
            "Sửa tỷ lệ để tổng các dòng của đơn vị cũ đó bằng 1 (để trống nghĩa là 1).",
            "The shares of one old unit do not add up to 1; every row of that unit is set aside, "
            "since which one is wrong cannot be known.",
            "Correct the shares so the unit's rows add up to 1 (empty means 1).",
        ),
    )
}

# Reasons that set a whole file or sheet aside (quarantine row_number is null).
FILE_REASONS = tuple(k for k, r in REASONS.items() if r.scope == "file")
