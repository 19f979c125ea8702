{#- The staffing balance per report month and new commune (the agencies of a commune
    rolled up), against the exact framework norm of docs/rules.md S2. surplus is the sum of
    the agencies' surpluses (agencies with a quota); gross_surplus and gross_shortage keep
    what a net figure hides. surplus_vs_norm compares the in-quota staff of the
    commune's government agencies with the framework norm. The sums are the macro piece
    staffing_balance_sums shared with the province and national rollups; a commune's
    quota and leaders allowed are shown even in a month its province did not deliver. -#}
{{ config(**by_report_month(tags=['by_month'])) }}

with balance as (
    select * from {{ ref('fct_staffing_balance') }}
    where level = 'commune' and {{ in_partition_months('report_month') }}
),

norms as (
    select * from {{ ref('int_commune_norms_computed') }}
),

rolled as (
    select
        report_month,
        commune_code,
        province_code,
        {{ staffing_balance_sums() }},
        sum(headcount_in_quota) filter (where unit_kind = 'government') as headcount_in_quota_government
    from balance
    group by report_month, commune_code, province_code
),

final as (
    select
        rolled.report_month::date as report_month,
        rolled.commune_code::varchar as commune_code,
        rolled.province_code::varchar as province_code,
        norms.commune_type::varchar as commune_type,
        norms.population::bigint as population,
        rolled.headcount::bigint as headcount,
        rolled.headcount_in_quota::bigint as headcount_in_quota,
        coalesce(rolled.headcount_in_quota_government, 0)::bigint as headcount_in_quota_government,
        rolled.headcount_commune_part_time::bigint as headcount_commune_part_time,
        rolled.staffing_quota_all::bigint as staffing_quota,
        norms.norm_posts::integer as norm_posts,
        rolled.surplus::bigint as surplus,
        rolled.gross_surplus::bigint as gross_surplus,
        rolled.gross_shortage::bigint as gross_shortage,
        (coalesce(rolled.headcount_in_quota_government, 0) - norms.norm_posts)::bigint as surplus_vs_norm,
        rolled.leaders::bigint as leaders,
        rolled.leaders_allowed_all::bigint as leaders_allowed
    from rolled
    left join norms on norms.commune_code = rolled.commune_code
)

select * from final
