{#- Staff still in post (Biểu 08) as of each report month: the people on the month's rosters
    with no leave decision taking effect by the first day of the next month
    (fct_policy_cohort), by the path each would qualify for if they left on that day, with
    what it would cost, and, for those who qualify for nothing, the rule that stops them (in
    Vietnamese). Group I (eligible) and group II (not eligible) carry their subtotals; the
    total row is everyone still in post, the same population as the summary's line B12
    (on the month's rosters, minus those already decided). -#}
{{ config(**by_report_month(tags=['by_month'])) }}

with cohort as (
    select * from {{ ref('fct_policy_cohort') }}
    where {{ in_partition_months('report_month') }}
),

labels as (
    select * from {{ ref('rpt_report_labels') }}
),

scopes as (
    select * from {{ ref('rpt_report_scope') }}
    where {{ in_partition_months('report_month') }}
),

scoped as (
    select
        scopes.report_month,
        scopes.scope_code,
        cohort.is_eligible,
        case when cohort.is_eligible then cohort.decree end as decree,
        case when cohort.is_eligible then cohort.policy end as policy,
        case when cohort.is_eligible then coalesce(cohort.band, cohort.part_time_group) end as band,
        case when not cohort.is_eligible then cohort.failed_rule end as failed_rule,
        count(*) as persons,
        sum(cohort.total_vnd) filter (where cohort.is_eligible) as total_vnd
    from scopes
    inner join cohort
        on cohort.report_month = scopes.report_month
        and (scopes.scope_code = 'VN' or cohort.province_code = scopes.scope_code)
    group by all
),

detail as (
    select
        scoped.*,
        'detail' as row_kind,
        case when scoped.is_eligible then 'I' else 'II' end as group_code,
        case
            when scoped.is_eligible
                then policy_labels.label_vi
                    || coalesce(' - ' || band_labels.label_vi, '')
            else coalesce(rule_labels.label_vi, scoped.failed_rule, 'Chưa xác định')
        end as row_label_vi,
        coalesce(policy_labels.sort_order * 10 + coalesce(band_labels.sort_order, 0), rule_labels.sort_order, 99)
            as label_order
    from scoped
    left join labels as policy_labels on policy_labels.domain = 'policy' and policy_labels.code = scoped.policy
    left join labels as band_labels on band_labels.domain = 'band' and band_labels.code = scoped.band
    left join labels as rule_labels on rule_labels.domain = 'failed_rule' and rule_labels.code = scoped.failed_rule
),

groups as (
    select
        report_month, scope_code, is_eligible, 'group' as row_kind,
        case when is_eligible then 'I' else 'II' end as group_code,
        case when is_eligible
                then 'I. Đủ điều kiện hưởng chính sách nếu nghỉ từ ngày '
                    || strftime(report_month + interval 1 month, '%d/%m/%Y')
            else 'II. Chưa đủ điều kiện'
        end as row_label_vi,
        0 as label_order,
        sum(persons) as persons,
        sum(total_vnd) as total_vnd
    from detail
    group by report_month, scope_code, is_eligible
),

total as (
    select
        report_month, scope_code, 'total' as row_kind, 'Z' as group_code,
        'Tổng số người còn công tác' as row_label_vi, 0 as label_order,
        sum(persons) as persons, sum(total_vnd) as total_vnd
    from detail
    group by report_month, scope_code
),

all_rows as (
    select * from detail
    union all by name
    select * from groups
    union all by name
    select * from total
),

final as (
    select
        report_month::date as report_month,
        scope_code::varchar as scope_code,
        (row_number() over (
            partition by report_month, scope_code
            order by group_code, row_kind <> 'group', label_order, row_label_vi
        ))::integer as row_order,
        row_kind::varchar as row_kind,
        row_label_vi::varchar as row_label_vi,
        is_eligible::boolean as is_eligible,
        decree::varchar as decree,
        policy::varchar as policy,
        band::varchar as band,
        failed_rule::varchar as failed_rule,
        persons::bigint as persons,
        total_vnd::bigint as total_vnd,
        (total_vnd::decimal(24, 0) * 0.000001::decimal(7, 6))::decimal(24, 6) as total_million_vnd
    from all_rows
)

select * from final
