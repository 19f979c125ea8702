{#- Roll fct_staffing_balance up to `group_columns` (always with report_month): the
    shared body of the province and national staffing balance reports. norm_posts is the
    sum of the exact commune norms (int_commune_norms_computed) of the communes that have
    agencies in the group, not of the apportioned agency figures. -#}
{% macro staffing_balance_rollup(group_columns) -%}
with balance as (
    select * from {{ ref('fct_staffing_balance') }}
),

norms as (
    select * from {{ ref('int_commune_norms_computed') }}
),

commune_norms as (
    select distinct
        balance.report_month,
        {% for column in group_columns %}balance.{{ column }},{% endfor %}
        balance.commune_code,
        norms.norm_posts
    from balance
    inner join norms on norms.commune_code = balance.commune_code
),

norm_totals as (
    select
        report_month,
        {% for column in group_columns %}{{ column }},{% endfor %}
        sum(norm_posts) as norm_posts
    from commune_norms
    group by all
),

rolled as (
    select
        report_month,
        {% for column in group_columns %}{{ column }},{% endfor %}
        count(distinct unit_code) as n_units,
        sum(headcount) as headcount,
        sum(headcount_cadre) as headcount_cadre,
        sum(headcount_civil_servant) as headcount_civil_servant,
        sum(headcount_public_employee) as headcount_public_employee,
        sum(headcount_contract_worker) as headcount_contract_worker,
        sum(headcount_commune_part_time) as headcount_commune_part_time,
        sum(headcount_in_quota) as headcount_in_quota,
        sum(headcount_in_quota) filter (where staffing_quota is not null) as headcount_in_quota_with_quota,
        sum(staffing_quota) as staffing_quota,
        sum(surplus) as surplus,
        sum(greatest(surplus, 0)) as gross_surplus,
        sum(greatest(-surplus, 0)) as gross_shortage,
        count(*) filter (where surplus > 0) as n_units_surplus,
        count(*) filter (where surplus < 0) as n_units_shortage,
        sum(leaders) as leaders,
        sum(leaders) filter (where leaders_allowed is not null) as leaders_with_allowance,
        sum(leaders_allowed) as leaders_allowed
    from balance
    group by all
),

final as (
    select
        rolled.report_month::date as report_month,
        {% for column in group_columns %}rolled.{{ column }}::varchar as {{ column }},{% endfor %}
        rolled.n_units::bigint as n_units,
        rolled.headcount::bigint as headcount,
        rolled.headcount_cadre::bigint as headcount_cadre,
        rolled.headcount_civil_servant::bigint as headcount_civil_servant,
        rolled.headcount_public_employee::bigint as headcount_public_employee,
        rolled.headcount_contract_worker::bigint as headcount_contract_worker,
        rolled.headcount_commune_part_time::bigint as headcount_commune_part_time,
        rolled.headcount_in_quota::bigint as headcount_in_quota,
        coalesce(rolled.headcount_in_quota_with_quota, 0)::bigint as headcount_in_quota_with_quota,
        coalesce(rolled.staffing_quota, 0)::bigint as staffing_quota,
        coalesce(norm_totals.norm_posts, 0)::bigint as norm_posts,
        coalesce(rolled.surplus, 0)::bigint as surplus,
        coalesce(rolled.gross_surplus, 0)::bigint as gross_surplus,
        coalesce(rolled.gross_shortage, 0)::bigint as gross_shortage,
        rolled.n_units_surplus::bigint as n_units_surplus,
        rolled.n_units_shortage::bigint as n_units_shortage,
        rolled.leaders::bigint as leaders,
        coalesce(rolled.leaders_with_allowance, 0)::bigint as leaders_with_allowance,
        coalesce(rolled.leaders_allowed, 0)::bigint as leaders_allowed
    from rolled
    left join norm_totals
        on norm_totals.report_month = rolled.report_month
        {% for column in group_columns %}and norm_totals.{{ column }} = rolled.{{ column }}{% endfor %}
)

select * from final
{%- endmacro %}
