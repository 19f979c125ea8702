{#- The staffing balance sheet (Biểu 03) of every report, row by row, in print order.
    The nation: one row per province (rpt_staffing_balance_province, with its delivery status
    and data cut-off), then the national total (rpt_staffing_balance_national). A province:
    group I, its province-level agencies one by one, and group II, its new communes (the
    commune's agencies rolled up, with the exact framework norm of
    rpt_staffing_balance_commune), each group row carrying its subtotal, then the province
    total. Rows of a province whose month is not delivered in full keep their label, say so,
    and have no figures (unknown, never a shortage). Leaders are compared with the allowance
    where docs/rules.md S5 sets one (commune government agencies): leaders_over adds up the excess of
    the agencies over it. surplus_rank and shortage_rank order the detail rows with a surplus
    (largest first) and with a shortage (largest first), for the charts, within the group (provinces; a province's agencies; its communes). -#}
{{ config(**by_report_month(tags=['by_month'])) }}

with balance as (
    select * from {{ ref('fct_staffing_balance') }}
    where {{ in_partition_months('report_month') }}
),

province_balance as (
    select * from {{ ref('rpt_staffing_balance_province') }}
    where {{ in_partition_months('report_month') }}
),

national_balance as (
    select * from {{ ref('rpt_staffing_balance_national') }}
    where {{ in_partition_months('report_month') }}
),

commune_balance as (
    select * from {{ ref('rpt_staffing_balance_commune') }}
    where {{ in_partition_months('report_month') }}
),

communes as (
    select * from {{ ref('dim_commune') }}
    where period = 'post'
),

delivery as (
    select * from {{ ref('fct_delivery_status') }}
    where {{ in_partition_months('report_month') }}
),

scopes as (
    select * from {{ ref('rpt_report_scope') }}
    where {{ in_partition_months('report_month') }}
),

leaders_over as (
    select
        report_month,
        province_code,
        case when level = 'province' then unit_code else commune_code end as row_code,
        sum(greatest(leaders_over_allowed, 0)) as leaders_over,
        count(*) filter (where leaders_over_allowed > 0) as n_units_leaders_over
    from balance
    group by all
),

leaders_over_province as (
    select
        report_month, province_code, sum(leaders_over) as leaders_over,
        sum(n_units_leaders_over) as n_units_leaders_over
    from leaders_over
    group by all
),

-- Province scope: one row per province-level agency and per commune.
province_rows as (
    select
        balance.report_month,
        balance.province_code,
        case when balance.level = 'province' then 'I' else 'II' end as group_code,
        case when balance.level = 'province' then balance.unit_code else balance.commune_code end as row_code,
        any_value(case when balance.level = 'province' then balance.unit_name end) as unit_name,
        any_value(balance.delivery_status) as delivery_status,
        count(*) as n_units,
        sum(balance.headcount) as headcount,
        sum(balance.headcount_in_quota) filter (where balance.staffing_quota is not null) as headcount_in_quota,
        sum(balance.staffing_quota) as staffing_quota,
        sum(balance.surplus) as surplus,
        sum(greatest(balance.surplus, 0)) as gross_surplus,
        sum(greatest(-balance.surplus, 0)) as gross_shortage,
        count(*) filter (where balance.surplus > 0) as n_units_surplus,
        count(*) filter (where balance.surplus < 0) as n_units_shortage,
        sum(balance.leaders) filter (where balance.leaders_allowed is not null) as leaders_with_allowance,
        sum(balance.leaders_allowed) as leaders_allowed
    from balance
    group by all
),

province_detail as (
    select
        province_rows.report_month,
        province_rows.province_code as scope_code,
        'detail' as row_kind,
        province_rows.group_code,
        province_rows.row_code,
        coalesce(province_rows.unit_name, communes.commune_name, province_rows.row_code) as row_label_vi,
        province_rows.delivery_status,
        province_rows.delivery_status = 'delivered' as is_counted,
        province_rows.n_units,
        province_rows.headcount,
        province_rows.headcount_in_quota,
        province_rows.staffing_quota,
        case when province_rows.group_code = 'II' then commune_balance.norm_posts end as norm_posts,
        province_rows.surplus,
        province_rows.gross_surplus,
        province_rows.gross_shortage,
        province_rows.n_units_surplus,
        province_rows.n_units_shortage,
        province_rows.leaders_with_allowance,
        province_rows.leaders_allowed,
        leaders_over.leaders_over,
        leaders_over.n_units_leaders_over
    from province_rows
    left join communes on communes.commune_code = province_rows.row_code and province_rows.group_code = 'II'
    left join commune_balance
        on commune_balance.report_month = province_rows.report_month
        and commune_balance.commune_code = province_rows.row_code
        and province_rows.group_code = 'II'
    left join leaders_over
        on leaders_over.report_month = province_rows.report_month
        and leaders_over.province_code = province_rows.province_code
        and leaders_over.row_code = province_rows.row_code
),

province_groups as (
    select
        report_month,
        scope_code,
        'group' as row_kind,
        group_code,
        group_code as row_code,
        case group_code
            when 'I' then 'I. Cơ quan, đơn vị cấp tỉnh'
            else 'II. Đơn vị hành chính cấp xã (xã, phường, đặc khu)'
        end as row_label_vi,
        any_value(delivery_status) as delivery_status,
        bool_and(is_counted) as is_counted,
        sum(n_units) as n_units,
        sum(headcount) as headcount,
        sum(headcount_in_quota) as headcount_in_quota,
        sum(staffing_quota) as staffing_quota,
        sum(norm_posts) as norm_posts,
        sum(surplus) as surplus,
        sum(gross_surplus) as gross_surplus,
        sum(gross_shortage) as gross_shortage,
        sum(n_units_surplus) as n_units_surplus,
        sum(n_units_shortage) as n_units_shortage,
        sum(leaders_with_allowance) as leaders_with_allowance,
        sum(leaders_allowed) as leaders_allowed,
        sum(leaders_over) as leaders_over,
        sum(n_units_leaders_over) as n_units_leaders_over
    from province_detail
    group by report_month, scope_code, group_code
),

-- One line per province and month: the province's total in its own report, and its row
-- in the nation's.
province_lines as (
    select
        province_balance.report_month,
        province_balance.province_code,
        province_balance.delivery_status,
        province_balance.delivery_status = 'delivered' as is_counted,
        province_balance.n_units,
        province_balance.headcount,
        province_balance.headcount_in_quota_with_quota as headcount_in_quota,
        province_balance.staffing_quota,
        province_balance.norm_posts,
        province_balance.surplus,
        province_balance.gross_surplus,
        province_balance.gross_shortage,
        province_balance.n_units_surplus,
        province_balance.n_units_shortage,
        province_balance.leaders_with_allowance,
        province_balance.leaders_allowed,
        leaders_over_province.leaders_over,
        leaders_over_province.n_units_leaders_over
    from province_balance
    left join leaders_over_province
        on leaders_over_province.report_month = province_balance.report_month
        and leaders_over_province.province_code = province_balance.province_code
),

province_total as (
    select
        province_lines.* exclude (province_code),
        province_lines.province_code as scope_code,
        'total' as row_kind,
        'Z' as group_code,
        province_lines.province_code as row_code,
        'Tổng cộng' as row_label_vi
    from province_lines
),

-- The nation: one row per province, then the total.
national_detail as (
    select
        province_lines.* exclude (province_code),  -- noqa: RF02
        'VN' as scope_code,
        'detail' as row_kind,
        'I' as group_code,
        province_lines.province_code as row_code,
        delivery.province_name as row_label_vi
    from province_lines
    inner join delivery
        on delivery.report_month = province_lines.report_month
        and delivery.province_code = province_lines.province_code
),

national_total as (
    select
        national_balance.report_month,
        'VN' as scope_code,
        'total' as row_kind,
        'Z' as group_code,
        'VN' as row_code,
        'Tổng cộng' as row_label_vi,
        cast(null as varchar) as delivery_status,
        national_balance.n_units_counted > 0 as is_counted,
        national_balance.n_units_counted as n_units,
        national_balance.headcount,
        national_balance.headcount_in_quota_with_quota as headcount_in_quota,
        national_balance.staffing_quota,
        national_balance.norm_posts,
        national_balance.surplus,
        national_balance.gross_surplus,
        national_balance.gross_shortage,
        national_balance.n_units_surplus,
        national_balance.n_units_shortage,
        national_balance.leaders_with_allowance,
        national_balance.leaders_allowed,
        sum(national_detail.leaders_over) as leaders_over,
        sum(national_detail.n_units_leaders_over) as n_units_leaders_over
    from national_balance
    left join national_detail on national_detail.report_month = national_balance.report_month
    group by all
),

all_rows as (
    select * from province_detail
    union all by name
    select * from province_groups
    union all by name
    select * from province_total
    union all by name
    select * from national_detail
    union all by name
    select * from national_total
),

ordered as (
    select
        all_rows.*,
        row_number() over (
            partition by all_rows.report_month, all_rows.scope_code
            order by
                all_rows.group_code, all_rows.row_kind <> 'group',
                all_rows.surplus desc nulls last, all_rows.row_code
        ) as row_order,
        case when all_rows.row_kind = 'detail' and all_rows.surplus > 0 then row_number() over (
                    partition by
                        all_rows.report_month, all_rows.scope_code, all_rows.group_code,
                        all_rows.row_kind = 'detail' and all_rows.surplus > 0
                    order by all_rows.surplus desc, all_rows.row_code
                )
        end as surplus_rank,
        case when all_rows.row_kind = 'detail' and all_rows.surplus < 0 then row_number() over (
                    partition by
                        all_rows.report_month, all_rows.scope_code, all_rows.group_code,
                        all_rows.row_kind = 'detail' and all_rows.surplus < 0
                    order by all_rows.surplus, all_rows.row_code
                )
        end as shortage_rank
    from all_rows
    inner join scopes
        on scopes.report_month = all_rows.report_month
        and scopes.scope_code = all_rows.scope_code
),

statuses as (
    select * from {{ ref('delivery_statuses') }}
),

final as (
    select
        ordered.report_month::date as report_month,
        ordered.scope_code::varchar as scope_code,
        ordered.row_order::integer as row_order,
        ordered.row_kind::varchar as row_kind,
        ordered.group_code::varchar as group_code,
        ordered.row_code::varchar as row_code,
        (ordered.row_label_vi || case
            when ordered.row_kind = 'detail' and ordered.scope_code = 'VN' and not ordered.is_counted
                then ' (' || lower(statuses.status_vi) || ')'
            else ''
        end)::varchar as row_label_vi,
        ordered.delivery_status::varchar as delivery_status,
        statuses.status_vi::varchar as delivery_status_vi,
        delivery.snapshot_date::date as snapshot_date,
        ordered.is_counted::boolean as is_counted,
        ordered.n_units::bigint as n_units,
        (case when ordered.is_counted then ordered.headcount end)::bigint as headcount,
        (case when ordered.is_counted then ordered.headcount_in_quota end)::bigint as headcount_in_quota,
        (case when ordered.is_counted then ordered.staffing_quota end)::bigint as staffing_quota,
        (case when ordered.is_counted then ordered.norm_posts end)::bigint as norm_posts,
        (case when ordered.is_counted then ordered.surplus end)::bigint as surplus,
        (case when ordered.is_counted then greatest(ordered.surplus, 0) end)::bigint as surplus_positive,
        (case when ordered.is_counted then least(ordered.surplus, 0) end)::bigint as surplus_negative,
        (case when ordered.is_counted then ordered.gross_surplus end)::bigint as gross_surplus,
        (case when ordered.is_counted then ordered.gross_shortage end)::bigint as gross_shortage,
        (case when ordered.is_counted then ordered.n_units_surplus end)::bigint as n_units_surplus,
        (case when ordered.is_counted then ordered.n_units_shortage end)::bigint as n_units_shortage,
        (case when ordered.is_counted then ordered.leaders_with_allowance end)::bigint as leaders_with_allowance,
        (case when ordered.is_counted then ordered.leaders_allowed end)::bigint as leaders_allowed,
        (case when ordered.is_counted and ordered.leaders_allowed is not null
                then coalesce(ordered.leaders_over, 0)
        end)::bigint as leaders_over,
        (case when ordered.is_counted and ordered.leaders_allowed is not null
                then coalesce(ordered.n_units_leaders_over, 0)
        end)::bigint as n_units_leaders_over,
        coalesce(ordered.is_counted and ordered.leaders_over > 0, false)::boolean as is_leaders_over,
        ordered.surplus_rank::integer as surplus_rank,
        ordered.shortage_rank::integer as shortage_rank
    from ordered
    left join statuses on statuses.delivery_status = ordered.delivery_status
    left join delivery
        on delivery.report_month = ordered.report_month
        and delivery.province_code = ordered.row_code
        and ordered.scope_code = 'VN'
        and ordered.row_kind = 'detail'
)

select * from final
