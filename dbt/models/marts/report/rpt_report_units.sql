{#- Every agency of a province (Biểu 04, province reports only), per report month: head
    counts by category, the cadres and civil servants against the quota, and the leaders
    against the allowance where docs/rules.md S5 sets one (commune government agencies), with
    is_leaders_over marking an agency over it. Province-level agencies first, then the
    communes' agencies commune by commune, then the province total. Figures are empty for a
    month the province has not delivered in full (fct_staffing_balance). -#}
{{ config(**by_report_month(tags=['by_month'])) }}

with balance as (
    select * from {{ ref('fct_staffing_balance') }}
    where {{ in_partition_months('report_month') }}
),

communes as (
    select commune_code, commune_name from {{ ref('dim_commune') }}
    where period = 'post'
),

labels as (
    select * from {{ ref('rpt_report_labels') }}
),

scopes as (
    select * from {{ ref('rpt_report_scope') }}
    where scope_code <> 'VN' and {{ in_partition_months('report_month') }}
),

detail as (
    select
        balance.report_month,
        balance.province_code as scope_code,
        'detail' as row_kind,
        balance.level = 'commune' as is_commune,
        balance.unit_code,
        balance.unit_name,
        balance.level,
        balance.unit_kind,
        balance.commune_code,
        communes.commune_name,
        balance.delivery_status = 'delivered' as is_counted,
        balance.headcount,
        balance.headcount_cadre,
        balance.headcount_civil_servant,
        balance.headcount_public_employee,
        balance.headcount_contract_worker,
        balance.headcount_commune_part_time,
        balance.headcount_in_quota,
        balance.staffing_quota,
        balance.surplus,
        balance.leaders,
        balance.leaders_allowed,
        balance.leaders_over_allowed
    from balance
    inner join scopes
        on scopes.report_month = balance.report_month
        and scopes.scope_code = balance.province_code
    left join communes on communes.commune_code = balance.commune_code
),

total as (
    select
        report_month, scope_code, 'total' as row_kind, true as is_commune,
        'Tổng cộng' as unit_name, bool_and(is_counted) as is_counted,
        sum(headcount) as headcount,
        sum(headcount_cadre) as headcount_cadre,
        sum(headcount_civil_servant) as headcount_civil_servant,
        sum(headcount_public_employee) as headcount_public_employee,
        sum(headcount_contract_worker) as headcount_contract_worker,
        sum(headcount_commune_part_time) as headcount_commune_part_time,
        sum(headcount_in_quota) as headcount_in_quota,
        sum(staffing_quota) as staffing_quota,
        sum(surplus) as surplus,
        sum(leaders) as leaders,
        sum(leaders_allowed) as leaders_allowed,
        sum(greatest(leaders_over_allowed, 0)) as leaders_over_allowed
    from detail
    group by report_month, scope_code
),

all_rows as (
    select * from detail
    union all by name
    select * from total
),

final as (
    select
        all_rows.report_month::date as report_month,
        all_rows.scope_code::varchar as scope_code,
        (row_number() over (
            partition by all_rows.report_month, all_rows.scope_code
            order by all_rows.row_kind = 'total', all_rows.is_commune, all_rows.commune_code, all_rows.unit_code
        ))::integer as row_order,
        all_rows.row_kind::varchar as row_kind,
        all_rows.unit_code::varchar as unit_code,
        all_rows.unit_name::varchar as unit_name,
        level_labels.label_vi::varchar as level_vi,
        kind_labels.label_vi::varchar as unit_kind_vi,
        all_rows.commune_code::varchar as commune_code,
        all_rows.commune_name::varchar as commune_name,
        all_rows.is_counted::boolean as is_counted,
        all_rows.headcount::bigint as headcount,
        all_rows.headcount_cadre::bigint as headcount_cadre,
        all_rows.headcount_civil_servant::bigint as headcount_civil_servant,
        all_rows.headcount_public_employee::bigint as headcount_public_employee,
        all_rows.headcount_contract_worker::bigint as headcount_contract_worker,
        all_rows.headcount_commune_part_time::bigint as headcount_commune_part_time,
        all_rows.headcount_in_quota::bigint as headcount_in_quota,
        all_rows.staffing_quota::bigint as staffing_quota,
        (case when all_rows.is_counted then all_rows.surplus end)::bigint as surplus,
        all_rows.leaders::bigint as leaders,
        all_rows.leaders_allowed::bigint as leaders_allowed,
        (case when all_rows.row_kind = 'total' then all_rows.leaders_over_allowed
            else greatest(all_rows.leaders_over_allowed, 0)
        end)::bigint as leaders_over,
        coalesce(all_rows.leaders_over_allowed > 0, false)::boolean as is_leaders_over
    from all_rows
    left join labels as level_labels on level_labels.domain = 'level' and level_labels.code = all_rows.level
    left join labels as kind_labels on kind_labels.domain = 'unit_kind' and kind_labels.code = all_rows.unit_kind
)

select * from final
