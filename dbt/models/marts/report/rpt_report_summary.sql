{#- The summary (Biểu 01) of every report: one row per (report, line) in print order, with a
    stable line code (Mã số) that a later restatement is compared on. Every figure is as of the
    report month and is read from the sheet that details it, so the summary and the sheets
    agree by construction: A the staffing balance (rpt_report_balance, total row; provinces
    that delivered the month in full), B the person flows (rpt_person_flows_province /
    _national, the month's rosters; B12 + B13 = B09, split by rpt_report_cohort), C the
    settlement to the end of the month (rpt_report_settlement, total row), D the payment
    audit at the end of the month (rpt_report_audit_summary: one line per finding), E the staff
    still in post (rpt_report_cohort), F the glide path from the month's roster
    (rpt_report_glide_path), G the data received (rpt_report_scope, rpt_report_files).
    persons is a count (people, agencies, decisions, files or rows: unit_vi says which);
    amount_vnd is whole đồng and amount_million_vnd the same in triệu đồng; note_vi adds what
    a figure needs (e.g. the month the surplus closes). Section rows (row_kind `section`)
    carry only their title. -#}
with scopes as (
    select * from {{ ref('rpt_report_scope') }}
),

balance as (
    select * from {{ ref('rpt_report_balance') }}
    where row_kind = 'total'
),

flows_province as (
    select * from {{ ref('rpt_person_flows_province') }}
),

flows_national as (
    select * from {{ ref('rpt_person_flows_national') }}
),

settlement as (
    select * from {{ ref('rpt_report_settlement') }}
    where row_kind = 'total'
),

audit as (
    select * from {{ ref('rpt_report_audit_summary') }}
),

cohort as (
    select * from {{ ref('rpt_report_cohort') }}
),

glide as (
    select * from {{ ref('rpt_report_glide_path') }}
),

files as (
    select * from {{ ref('rpt_report_files') }}
    where row_kind = 'total'
),

delivery as (
    select * from {{ ref('rpt_report_delivery') }}
    where scope_code = province_code
),

catalogue (line_code, sort_order, is_section, label_vi, label_en, unit_vi) as (
    values
    ('A', 100, true, 'A. CÂN ĐỐI BIÊN CHẾ{counted}', 'A. Staffing balance{counted_en}', null),
    ('A01', 101, false, 'Số cơ quan, đơn vị được tính', 'Agencies counted', 'cơ quan'),
    ('A02', 102, false, 'Tổng số người trong danh sách của các cơ quan, đơn vị', 'Headcount on the rosters', 'người'),
    (
        'A03',
        103,
        false,
        'Cán bộ, công chức ở cơ quan được giao biên chế',
        'Cadres and civil servants in agencies with a quota',
        'người'
    ),
    ('A04', 104, false, 'Biên chế được giao', 'Staffing quota', 'người'),
    (
        'A05',
        105,
        false,
        'Dôi dư (+) / thiếu (−) so với biên chế được giao',
        'Surplus (+) / shortage (−) against the quota',
        'người'
    ),
    ('A06', 106, false, '— Tổng số dôi dư ở các cơ quan thừa biên chế', '— Gross surplus in agencies over quota', 'người'),
    ('A07', 107, false, '— Tổng số thiếu ở các cơ quan thiếu biên chế', '— Gross shortage in agencies under quota', 'người'),
    (
        'A08',
        108,
        false,
        'Khung số lượng cán bộ, công chức cấp xã theo quy mô dân số',
        'Commune staffing framework (population norm)',
        'người'
    ),
    ('A09', 109, false, 'Lãnh đạo, quản lý ở cơ quan hành chính cấp xã', 'Leaders in commune government agencies', 'người'),
    ('A10', 110, false, 'Số lãnh đạo tối đa theo quy định', 'Leaders allowed', 'người'),
    ('A11', 111, false, 'Số lãnh đạo vượt quy định', 'Leaders over the allowance', 'người'),
    (
        'B',
        200,
        true,
        'B. BIẾN ĐỘNG NHÂN SỰ SO VỚI TRƯỚC SẮP XẾP (theo danh sách tháng)',
        'B. Person flows since the merger (the month''s rosters)',
        null
    ),
    ('B01', 201, false, 'Số người trước sắp xếp (có trong danh sách đến 30/6/2025)', 'Persons before the merger', 'người'),
    ('B02', 202, false, '— Ở lại cơ quan kế thừa', '— Stayed in a successor agency', 'người'),
    ('B03', 203, false, '— Chuyển sang cơ quan khác', '— Moved to another agency', 'người'),
    ('B04', 204, false, '— Đã nghỉ việc', '— Left', 'người'),
    ('B05', 205, false, '   + theo quyết định nghỉ việc', '   + by a leave decision', 'người'),
    ('B06', 206, false, '   + nghỉ hưu đúng tuổi', '   + retired at the retirement age', 'người'),
    ('B07', 207, false, '   + không rõ lý do (chưa có quyết định)', '   + unexplained (no decision)', 'người'),
    (
        'B08',
        208,
        false,
        '— Chưa có số liệu tháng (tỉnh gửi thiếu hoặc chưa gửi)',
        '— Not reported (province month missing)',
        'người'
    ),
    ('B09', 209, false, 'Số người trong danh sách tháng', 'Persons on the month''s rosters', 'người'),
    (
        'B10',
        210,
        false,
        '— Từ các cơ quan trước sắp xếp (ở lại hoặc chuyển đến)',
        '— From the old agencies (stayed or moved in)',
        'người'
    ),
    ('B11', 211, false, '— Tuyển mới, tiếp nhận sau sắp xếp', '— Joined after the merger', 'người'),
    ('B12', 212, false, '— Đã có quyết định nghỉ việc (nghỉ đến ngày {next})', '— Already decided to leave (by {next})', 'người'),
    ('B13', 213, false, '— Còn công tác (chi tiết tại Biểu 08)', '— Still in post (form 08)', 'người'),
    (
        'C',
        300,
        true,
        'C. THỰC HIỆN CHÍNH SÁCH NGHỈ VIỆC (lũy kế đến hết tháng)',
        'C. Settlement (cumulative to the end of the month)',
        null
    ),
    ('C01', 301, false, 'Số quyết định nghỉ việc đã ban hành', 'Leave decisions issued', 'người'),
    (
        'C02',
        302,
        false,
        'Số người đã nghỉ theo quyết định; kinh phí theo quy định',
        'Persons who left by decision; entitlement due',
        'người'
    ),
    ('C03', 303, false, 'Đã chi trả', 'Paid', 'người'),
    (
        'C04',
        304,
        false,
        'Còn tồn đọng cuối tháng (đã nghỉ, đủ điều kiện, chưa chi)',
        'Outstanding at the end of the month',
        'người'
    ),
    ('D', 400, true, 'D. KẾT QUẢ KIỂM TRA CHI TRẢ (đến hết tháng)', 'D. Payment audit (to the end of the month)', null),
    (
        'E',
        500,
        true,
        'E. ĐỐI TƯỢNG CÒN CÔNG TÁC: CHẾ ĐỘ NẾU NGHỈ TỪ NGÀY {next}',
        'E. Staff in post: entitlement if they left on {next}',
        null
    ),
    ('E01', 501, false, 'Số người còn công tác', 'Staff still in post', 'người'),
    ('E02', 502, false, '— Đủ điều kiện nghỉ hưu trước tuổi', '— Eligible for early retirement', 'người'),
    ('E03', 503, false, '— Đủ điều kiện thôi việc', '— Eligible for resignation', 'người'),
    (
        'E04',
        504,
        false,
        '— Đủ điều kiện nghỉ việc theo Nghị định 154 (không chuyên trách cấp xã)',
        '— Eligible under Decree 154 (commune part-time)',
        'người'
    ),
    ('E05', 505, false, '— Chưa đủ điều kiện (lý do tại Biểu 08)', '— Not eligible (reasons in form 08)', 'người'),
    (
        'F',
        600,
        true,
        'F. LỘ TRÌNH GIẢM DÔI DƯ ĐẾN THÁNG {horizon} (chỉ tính nghỉ hưu đúng tuổi{counted_short})',
        'F. Glide path to {horizon} (natural retirements only)',
        null
    ),
    ('F01', 601, false, 'Dôi dư (+) / thiếu (−) đầu kỳ dự báo', 'Surplus at the start of the projection', 'người'),
    ('F02', 602, false, 'Số nghỉ hưu đúng tuổi đến tháng {horizon}', 'Natural retirements to {horizon}', 'người'),
    ('F03', 603, false, 'Dôi dư (+) / thiếu (−) dự kiến tháng {horizon}', 'Projected surplus in {horizon}', 'người'),
    ('F04', 604, false, 'Tháng hết dôi dư (nếu chỉ chờ nghỉ hưu)', 'Month the surplus closes (retirements only)', null),
    ('G', 700, true, 'G. TIẾP NHẬN SỐ LIỆU', 'G. Data received', null),
    ('G01', 701, false, 'Số tỉnh, thành phố đã gửi đủ số liệu tháng', 'Provinces that delivered the month in full', 'tỉnh'),
    ('G02', 702, false, 'Số tệp dữ liệu làm căn cứ báo cáo', 'Files the report rests on', 'tệp'),
    ('G03', 703, false, '— Trong đó: tệp bị từ chối cả tệp', '— of which rejected whole', 'tệp'),
    ('G04', 704, false, 'Số dòng dữ liệu bị cách ly (không nạp)', 'Rows quarantined (not loaded)', 'dòng')
),

flows as (
    select
        flows_province.report_month, flows_province.province_code as scope_code,
        persons_before, stayed_out as stayed, moved_out as moved, left_total, left_by_decision,
        left_by_retirement, left_unexplained, not_reported, persons_now,
        stayed_in + moved_in as from_old, joined
    from flows_province
    union all
    select
        report_month, 'VN' as scope_code, persons_before, stayed, moved, left_total, left_by_decision,
        left_by_retirement, left_unexplained, not_reported, persons_now, stayed + moved as from_old, joined
    from flows_national
),

cohort_lines as (
    select
        report_month, scope_code,
        sum(persons) filter (where row_kind = 'total') as in_post,
        sum(persons) filter (where row_kind = 'detail' and policy = 'early_retirement') as n_early,
        sum(total_vnd) filter (where row_kind = 'detail' and policy = 'early_retirement') as vnd_early,
        sum(persons) filter (where row_kind = 'detail' and policy = 'resignation') as n_resign,
        sum(total_vnd) filter (where row_kind = 'detail' and policy = 'resignation') as vnd_resign,
        sum(persons) filter (where row_kind = 'detail' and policy = 'part_time_leave') as n_part_time,
        sum(total_vnd) filter (where row_kind = 'detail' and policy = 'part_time_leave') as vnd_part_time,
        sum(persons) filter (where row_kind = 'group' and not is_eligible) as n_not_eligible
    from cohort
    group by report_month, scope_code
),

glide_lines as (
    select
        report_month, scope_code,
        arg_min(projected_surplus, projection_month) as surplus_start,
        sum(retirements_in_month) as retirements,
        arg_max(projected_surplus, projection_month) as surplus_end,
        max(projection_month) as horizon_month,
        any_value(surplus_close_month) as surplus_close_month
    from glide
    group by report_month, scope_code
),

horizon as (
    select max(projection_month) as horizon_month from glide
),

valued as (
    select s.report_month, s.scope_code, v.line_code, v.persons, v.amount_vnd, v.note_vi
    from scopes as s
    left join balance as b on b.report_month = s.report_month and b.scope_code = s.scope_code
    left join flows as f on f.report_month = s.report_month and f.scope_code = s.scope_code
    left join settlement as m on m.report_month = s.report_month and m.scope_code = s.scope_code
    left join cohort_lines as c on c.report_month = s.report_month and c.scope_code = s.scope_code
    left join glide_lines as g on g.report_month = s.report_month and g.scope_code = s.scope_code
    left join files as q on q.report_month = s.report_month and q.scope_code = s.scope_code
    left join delivery as d on d.report_month = s.report_month and d.scope_code = s.scope_code
    cross join lateral (
        values
        ('A01', b.n_units, null::bigint, case when s.is_provisional and s.scope_code = 'VN'
                then 'Không tính ' || (s.n_provinces_expected - s.n_provinces_complete) || ' tỉnh chưa gửi đủ số liệu'
        end),
        ('A02', b.headcount, null, null),
        ('A03', b.headcount_in_quota, null, null),
        ('A04', b.staffing_quota, null, null),
        ('A05', b.surplus, null, null),
        ('A06', b.gross_surplus, null, case when b.n_units_surplus > 0 then 'Ở ' || b.n_units_surplus || ' cơ quan' end),
        ('A07', b.gross_shortage, null, case when b.n_units_shortage > 0 then 'Ở ' || b.n_units_shortage || ' cơ quan' end),
        ('A08', b.norm_posts, null, null),
        ('A09', b.leaders_with_allowance, null, null),
        ('A10', b.leaders_allowed, null, null),
        ('A11', b.leaders_over, null, case when b.n_units_leaders_over > 0 then 'Ở ' || b.n_units_leaders_over || ' cơ quan' end),
        ('B01', f.persons_before, null, null),
        ('B02', f.stayed, null, null),
        ('B03', f.moved, null, null),
        ('B04', f.left_total, null, null),
        ('B05', f.left_by_decision, null, null),
        ('B06', f.left_by_retirement, null, null),
        ('B07', f.left_unexplained, null, null),
        ('B08', f.not_reported, null, null),
        ('B09', f.persons_now, null, null),
        ('B10', f.from_old, null, null),
        ('B11', f.joined, null, null),
        ('B12', f.persons_now - coalesce(c.in_post, 0), null, null),
        ('B13', coalesce(c.in_post, 0), null, null),
        ('C01', m.n_decided, null, null),
        ('C02', m.n_left, m.due_vnd, null),
        ('C03', m.n_paid, m.paid_vnd, null),
        ('C04', m.n_outstanding, m.outstanding_vnd, null),
        (
            'E01', coalesce(c.in_post, 0),
            coalesce(c.vnd_early, 0) + coalesce(c.vnd_resign, 0) + coalesce(c.vnd_part_time, 0), null
        ),
        ('E02', coalesce(c.n_early, 0), coalesce(c.vnd_early, 0), null),
        ('E03', coalesce(c.n_resign, 0), coalesce(c.vnd_resign, 0), null),
        ('E04', coalesce(c.n_part_time, 0), coalesce(c.vnd_part_time, 0), null),
        ('E05', coalesce(c.n_not_eligible, 0), null, null),
        ('F01', g.surplus_start, null, case when g.report_month is null then 'Không lập: số liệu tháng chưa đủ' end),
        ('F02', g.retirements, null, null),
        ('F03', g.surplus_end, null, null),
        ('F04', null, null, case
            when g.report_month is null then null
            when g.surplus_close_month = s.report_month then 'Không dôi dư'
            when g.surplus_close_month is not null then 'Tháng ' || strftime(g.surplus_close_month, '%m/%Y')
            else 'Chưa hết dôi dư đến tháng ' || strftime(g.horizon_month, '%m/%Y')
        end),
        ('G01', s.n_provinces_complete, null, case
            when s.scope_code <> 'VN'
                then d.delivery_status_vi
                    || coalesce(', danh sách ngày ' || strftime(d.snapshot_date, '%d/%m/%Y'), '')
            else 'Trên ' || s.n_provinces_expected || ' tỉnh có dữ liệu'
                || case when s.n_provinces > s.n_provinces_expected
                        then '; ' || (s.n_provinces - s.n_provinces_expected) || ' tỉnh chưa gửi dữ liệu lần nào'
                    else ''
                end
        end),
        ('G02', q.n_files, null, null),
        ('G03', q.n_files_rejected, null, null),
        ('G04', q.rows_quarantined, null, null)
    ) as v (line_code, persons, amount_vnd, note_vi)
),

fixed_lines as (
    select
        scopes.report_month,
        scopes.scope_code,
        catalogue.line_code,
        catalogue.sort_order,
        catalogue.is_section,
        catalogue.label_vi,
        catalogue.label_en,
        catalogue.unit_vi,
        valued.persons,
        valued.amount_vnd,
        valued.note_vi
    from scopes
    cross join catalogue
    left join valued
        on valued.report_month = scopes.report_month
        and valued.scope_code = scopes.scope_code
        and valued.line_code = catalogue.line_code
),

audit_lines as (
    select
        report_month,
        scope_code,
        'D' || lpad(sort_order::varchar, 2, '0') as line_code,
        400 + sort_order as sort_order,
        false as is_section,
        label_vi,
        label_en,
        'quyết định' as unit_vi,
        n_decisions as persons,
        amount_vnd,
        cast(null as varchar) as note_vi
    from audit
),

lines as (
    select * from fixed_lines
    union all by name
    select * from audit_lines
),

final as (
    select
        lines.report_month::date as report_month,
        lines.scope_code::varchar as scope_code,
        (row_number() over (partition by lines.report_month, lines.scope_code order by lines.sort_order))::integer
            as row_order,
        lines.line_code::varchar as line_code,
        (case when lines.is_section then 'section' else 'line' end)::varchar as row_kind,
        replace(
            replace(replace(replace(
                lines.label_vi,
                '{next}', strftime(lines.report_month + interval 1 month, '%d/%m/%Y')
            ),
            '{horizon}', coalesce(strftime(horizon.horizon_month, '%m/%Y'), '')),
            '{counted}', case when lines.scope_code = 'VN' then ' (các tỉnh đã gửi đủ số liệu tháng)' else '' end),
            '{counted_short}', case when lines.scope_code = 'VN' then '; các tỉnh đã gửi đủ số liệu' else '' end
        )::varchar as label_vi,
        replace(
            replace(replace(
                lines.label_en,
                '{next}', strftime(lines.report_month + interval 1 month, '%d/%m/%Y')
            ),
            '{horizon}', coalesce(strftime(horizon.horizon_month, '%m/%Y'), '')),
            '{counted_en}', case when lines.scope_code = 'VN' then ' (provinces that delivered the month in full)' else '' end
        )::varchar as label_en,
        lines.unit_vi::varchar as unit_vi,
        lines.persons::bigint as persons,
        lines.amount_vnd::bigint as amount_vnd,
        (lines.amount_vnd::decimal(24, 0) * 0.000001::decimal(7, 6))::decimal(24, 6) as amount_million_vnd,
        lines.note_vi::varchar as note_vi
    from lines
    cross join horizon
)

select * from final
