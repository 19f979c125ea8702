{#- Headcount per report month, new unit and field (chuyên môn) where the roster says it. -#}
{{ config(**by_report_month(tags=['monthly'])) }}

with months as (
    select * from {{ ref('int_roster_months_selected') }}
    where period = 'post' and {{ in_partition_months('report_month') }}
),

units as (
    select * from {{ ref('int_new_units_located') }}
),

staff_categories as (
    select * from {{ ref('policy_staff_categories') }}
),

final as (
    select
        months.report_month::date as report_month,
        months.unit_code::varchar as unit_code,
        units.province_code::varchar as province_code,
        months.field::varchar as field,
        count(*)::bigint as headcount,
        (count(*) filter (where staff_categories.quota_kind = 'civil_servant'))::bigint as headcount_in_quota,
        (count(*) filter (where months.is_leader))::bigint as leaders
    from months
    inner join units on units.unit_code = months.unit_code
    left join staff_categories on staff_categories.staff_category = months.staff_category
    group by months.report_month, months.unit_code, units.province_code, months.field
)

select * from final
