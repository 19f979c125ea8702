{#- Roll fct_staffing_balance up to `group_columns` (always with report_month): the
    shared body of the province and national staffing balance reports. Only agencies whose
    province delivered the month in full (delivery_status `delivered`) are counted, in every
    figure, quota and norm included: a province whose month is missing, rejected or
    incomplete adds nothing (its own row has null figures), so it never shows as a shortage.
    n_provinces_not_delivered and provinces_not_delivered say which provinces are left out.
    norm_posts is the sum of the exact commune norms (int_commune_norms_computed) of the
    communes that have counted agencies in the group, not of the apportioned agency figures. -#}
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
    where balance.delivery_status = 'delivered'
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
        count(distinct unit_code) filter (where delivery_status = 'delivered') as n_units_counted,
        count(distinct province_code) filter (where delivery_status <> 'delivered') as n_provinces_not_delivered,
        string_agg(distinct province_code, ', ' order by province_code)
            filter (where delivery_status <> 'delivered') as provinces_not_delivered,
        min(delivery_status) filter (where delivery_status <> 'delivered') as worst_status,
        sum(headcount) as headcount,
        sum(headcount_cadre) as headcount_cadre,
        sum(headcount_civil_servant) as headcount_civil_servant,
        sum(headcount_public_employee) as headcount_public_employee,
        sum(headcount_contract_worker) as headcount_contract_worker,
        sum(headcount_commune_part_time) as headcount_commune_part_time,
        sum(headcount_in_quota) as headcount_in_quota,
        sum(headcount_in_quota) filter (where staffing_quota is not null) as headcount_in_quota_with_quota,
        sum(staffing_quota) filter (where delivery_status = 'delivered') as staffing_quota,
        sum(surplus) as surplus,
        sum(greatest(surplus, 0)) as gross_surplus,
        sum(greatest(-surplus, 0)) as gross_shortage,
        count(*) filter (where surplus > 0) as n_units_surplus,
        count(*) filter (where surplus < 0) as n_units_shortage,
        sum(leaders) as leaders,
        sum(leaders) filter (where leaders_allowed is not null) as leaders_with_allowance,
        sum(leaders_allowed) filter (where delivery_status = 'delivered') as leaders_allowed
    from balance
    group by all
),

final as (
    select
        rolled.report_month::date as report_month,
        {% for column in group_columns %}rolled.{{ column }}::varchar as {{ column }},{% endfor %}
        {% if 'province_code' in group_columns -%}
        coalesce(rolled.worst_status, 'delivered')::varchar as delivery_status,
        {% endif -%}
        rolled.n_units::bigint as n_units,
        rolled.n_units_counted::bigint as n_units_counted,
        rolled.n_provinces_not_delivered::bigint as n_provinces_not_delivered,
        rolled.provinces_not_delivered::varchar as provinces_not_delivered,
        {% for column in ['headcount', 'headcount_cadre', 'headcount_civil_servant',
                          'headcount_public_employee', 'headcount_contract_worker',
                          'headcount_commune_part_time', 'headcount_in_quota',
                          'headcount_in_quota_with_quota', 'staffing_quota'] -%}
        (case when rolled.n_units_counted > 0 then coalesce(rolled.{{ column }}, 0) end)::bigint as {{ column }},
        {% endfor -%}
        (case when rolled.n_units_counted > 0 then coalesce(norm_totals.norm_posts, 0) end)::bigint as norm_posts,
        {% for column in ['surplus', 'gross_surplus', 'gross_shortage'] -%}
        (case when rolled.n_units_counted > 0 then coalesce(rolled.{{ column }}, 0) end)::bigint as {{ column }},
        {% endfor -%}
        rolled.n_units_surplus::bigint as n_units_surplus,
        rolled.n_units_shortage::bigint as n_units_shortage,
        {% for column in ['leaders', 'leaders_with_allowance', 'leaders_allowed'] -%}
        (case when rolled.n_units_counted > 0 then coalesce(rolled.{{ column }}, 0) end)::bigint as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from rolled
    left join norm_totals
        on norm_totals.report_month = rolled.report_month
        {% for column in group_columns %}and norm_totals.{{ column }} = rolled.{{ column }}{% endfor %}
)

select * from final
{%- endmacro %}
