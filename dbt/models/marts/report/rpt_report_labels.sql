{#- What officials read for each code the report shows: one row per (domain, code), the
    Vietnamese label (with diacritics) and the English gloss. The report never prints a raw
    code where a label exists; a code missing here is printed as it is and flagged by the
    test `report_codes_are_labelled`. Delivery statuses and staff categories keep their labels
    in their seeds (rules.delivery_statuses, rules.policy_staff_categories). -#}
with labels (domain, code, sort_order, label_vi, label_en) as (
    values
    ('decree', '178', 1, 'Nghị định 178/2024 (sửa đổi bởi Nghị định 67/2025)', 'Decree 178/2024 as amended by Decree 67/2025'),
    ('decree', '154', 2, 'Nghị định 154/2025', 'Decree 154/2025'),
    ('decree', '177', 3, 'Nghị định 177/2024', 'Decree 177/2024'),
    ('policy', 'early_retirement', 1, 'Nghỉ hưu trước tuổi', 'Early retirement'),
    ('policy', 'resignation', 2, 'Thôi việc', 'Resignation'),
    ('policy', 'part_time_leave', 3, 'Nghỉ việc (người hoạt động không chuyên trách cấp xã)', 'Commune part-time leave'),
    ('band', 'A', 1, 'Nhóm A (nghỉ sớm dưới 2 năm)', 'Band A (under 2 years early)'),
    ('band', 'B', 2, 'Nhóm B (nghỉ sớm từ 2 đến 5 năm)', 'Band B (2 to 5 years early)'),
    ('band', 'C', 3, 'Nhóm C (nghỉ sớm trên 5 đến 10 năm)', 'Band C (5 to 10 years early)'),
    ('band', 'G1', 4, 'Nhóm 1 (dưới 5 năm công tác)', 'Group 1 (under 5 years of work)'),
    ('band', 'G2', 5, 'Nhóm 2 (còn dưới 5 năm đến tuổi nghỉ hưu)', 'Group 2 (under 5 years to retirement)'),
    ('band', 'G3', 6, 'Nhóm 3 (còn từ 5 năm trở lên đến tuổi nghỉ hưu)', 'Group 3 (5 years or more to retirement)'),
    ('failed_rule', 'person_not_in_roster', 1, 'Không có trong danh sách nhân sự', 'Not on any roster'),
    (
        'failed_rule',
        'policy_category_mismatch',
        2,
        'Chế độ không phù hợp với loại cán bộ, công chức, viên chức',
        'Policy does not fit the staff category'
    ),
    (
        'failed_rule',
        'unsupported_policy',
        3,
        'Chế độ ngoài Nghị định 178/67 và 154 (chưa tính)',
        'Policy not computed (outside Decrees 178/67 and 154)'
    ),
    ('failed_rule', 'cut_off', 4, 'Quá thời hạn giải quyết (nghỉ sau 01/9/2025)', 'Out of time (leave after 1 Sep 2025)'),
    ('failed_rule', 'deferred', 5, 'Thuộc trường hợp chưa xem xét giải quyết', 'Deferred case (not considered yet)'),
    ('failed_rule', 'not_early', 6, 'Đã đến tuổi nghỉ hưu (không phải nghỉ trước tuổi)', 'At or past the retirement age'),
    (
        'failed_rule',
        'too_early',
        7,
        'Còn trên 10 năm đến tuổi nghỉ hưu (trên 5 năm với Phụ lục II)',
        'More than 10 years to retirement (5 on Appendix II)'
    ),
    (
        'failed_rule',
        'pension_minimum',
        8,
        'Chưa đủ thời gian đóng BHXH để hưởng lương hưu',
        'Too few social-insurance months for a pension'
    ),
    (
        'failed_rule',
        'resignation_needs_24_months',
        9,
        'Còn dưới 24 tháng đến tuổi nghỉ hưu (không giải quyết thôi việc)',
        'Under 24 months to retirement (no resignation)'
    ),
    ('level', 'province', 1, 'Cấp tỉnh', 'Province level'),
    ('level', 'commune', 2, 'Cấp xã', 'Commune level'),
    ('unit_kind', 'government', 1, 'Cơ quan hành chính', 'Government agency'),
    ('unit_kind', 'party', 2, 'Cơ quan của Đảng', 'Party body'),
    ('unit_kind', 'mass_org', 3, 'Mặt trận Tổ quốc, đoàn thể', 'Fatherland Front, mass organisation'),
    ('unit_kind', 'public_service', 4, 'Đơn vị sự nghiệp công lập', 'Public service unit'),
    ('table_name', 'personnel', 1, 'Danh sách nhân sự', 'Staff roster'),
    ('table_name', 'decisions', 2, 'Quyết định nghỉ việc và chi trả', 'Leave decisions and payments'),
    ('table_name', 'units', 3, 'Danh mục cơ quan, đơn vị', 'Agency registry'),
    ('table_name', 'lineage', 4, 'Bảng chuyển đổi cơ quan cũ - mới', 'Agency lineage'),
    ('ledger_status', 'loaded', 1, 'Đã nạp', 'Loaded'),
    ('ledger_status', 'rejected', 2, 'Bị từ chối', 'Rejected'),
    ('ledger_status', 'skipped', 3, 'Bỏ qua (không có bảng dữ liệu)', 'Skipped (no data table)'),
    ('quarantine_rule', 'unreadable_file', 1, 'Không đọc được tệp', 'Unreadable file'),
    ('quarantine_rule', 'missing_required_column', 2, 'Tệp thiếu cột bắt buộc', 'Required column missing'),
    ('quarantine_rule', 'duplicate_column', 3, 'Cột trùng tên trong tệp', 'Duplicate column'),
    ('quarantine_rule', 'duplicate_file', 4, 'Tệp gửi trùng (giống tệp đã nhận)', 'Same file sent twice'),
    ('quarantine_rule', 'missing_value', 5, 'Thiếu giá trị bắt buộc', 'Required value missing'),
    ('quarantine_rule', 'invalid_date', 6, 'Ngày không hợp lệ', 'Invalid date'),
    ('quarantine_rule', 'invalid_number', 7, 'Số không hợp lệ', 'Invalid number'),
    ('quarantine_rule', 'invalid_enum', 8, 'Giá trị không thuộc danh mục', 'Value not in the list'),
    ('quarantine_rule', 'invalid_code', 9, 'Mã không hợp lệ', 'Invalid code'),
    ('quarantine_rule', 'out_of_range', 10, 'Giá trị ngoài khoảng cho phép', 'Value out of range'),
    (
        'quarantine_rule',
        'national_id_mismatch',
        11,
        'Số CCCD không khớp giới tính, năm sinh',
        'National ID does not match sex or birth year'
    ),
    ('quarantine_rule', 'level_not_in_period', 12, 'Cấp hành chính không có trong giai đoạn', 'Level not in the period'),
    ('quarantine_rule', 'unknown_reference_code', 13, 'Mã ĐVHC không có trong danh mục', 'Unknown administrative unit code'),
    ('quarantine_rule', 'unknown_unit_code', 14, 'Mã đơn vị không có trong danh mục cơ quan', 'Unknown agency code'),
    ('quarantine_rule', 'unknown_person', 15, 'Người không có trong danh sách nhân sự', 'Person on no roster'),
    ('quarantine_rule', 'duplicate_person', 16, 'Một người xuất hiện hai lần trong cùng kỳ', 'Same person twice in a snapshot'),
    ('quarantine_rule', 'duplicate_decision', 17, 'Quyết định trùng (cùng số, cùng người)', 'Same decision twice for a person'),
    ('quarantine_rule', 'duplicate_unit_code', 18, 'Mã cơ quan trùng trong cùng giai đoạn', 'Agency code twice in a period'),
    ('quarantine_rule', 'share_sum', 19, 'Tổng tỷ lệ chuyển đổi khác 1', 'Lineage shares do not add up to 1')
),

final as (
    select
        domain::varchar as domain,
        code::varchar as code,
        sort_order::integer as sort_order,
        label_vi::varchar as label_vi,
        label_en::varchar as label_en
    from labels
)

select * from final
