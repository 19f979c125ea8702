{#- Suggested moves (điều động) from surplus agencies to short agencies in the same new
    province, per report month: one row per (from, to) pair and tier. A suggestion, not a
    decision: who moves is for the province to choose. Nearest first by the lineage and
    matching field where known, in four tiers, each working on what the previous ones left
    (macro staffing_match_tier: a greedy largest-first fill that never exceeds a surplus or a
    shortage): 1 same old district and same field, 2 same old district, 3 same province and
    same field, 4 same province. An agency's old district is that of its new commune
    (int_new_units_located; province agencies have none and join in tiers 3-4); its field is
    the most common field of its in-quota staff that month (categories with quota_kind
    civil_servant in seed policy_staff_categories; null if nobody states one). Only agencies
    with a quota take part. -#}
{{ config(**by_report_month(tags=['by_month'])) }}

{%- set tiers = [
    ('same_district_same_field', ['report_month', 'province_code', 'old_district_code', 'field']),
    ('same_district', ['report_month', 'province_code', 'old_district_code']),
    ('same_province_same_field', ['report_month', 'province_code', 'field']),
    ('same_province', ['report_month', 'province_code']),
] -%}
with balance as (
    select * from {{ ref('fct_staffing_balance') }}
    where
        staffing_quota is not null and surplus <> 0 and quota_kind = 'civil_servant'
        and {{ in_partition_months('report_month') }}
),

units as (
    select * from {{ ref('int_new_units_located') }}
),

months as (
    select * from {{ ref('int_roster_months_selected') }}
    where period = 'post' and {{ in_partition_months('report_month') }}
),

staff_categories as (
    select * from {{ ref('policy_staff_categories') }}
),

unit_field as (
    select months.report_month, months.unit_code, months.field
    from months
    inner join staff_categories
        on staff_categories.staff_category = months.staff_category
        and staff_categories.quota_kind = 'civil_servant'
    where months.field is not null
    group by months.report_month, months.unit_code, months.field
    qualify
        row_number() over (
            partition by months.report_month, months.unit_code order by count(*) desc, months.field
        ) = 1
),

located as (
    select
        balance.report_month,
        balance.province_code,
        balance.unit_code,
        units.old_district_code,
        unit_field.field,
        balance.surplus
    from balance
    inner join units on units.unit_code = balance.unit_code
    left join unit_field
        on unit_field.report_month = balance.report_month
        and unit_field.unit_code = balance.unit_code
),

supply_0 as (
    select report_month, province_code, unit_code, old_district_code, field, surplus as capacity
    from located
    where surplus > 0
),

demand_0 as (
    select report_month, province_code, unit_code, old_district_code, field, -surplus as capacity
    from located
    where surplus < 0
),

{% for tier_name, keys in tiers %}
{%- set i = loop.index %}
moves_{{ i }} as (
    {{ staffing_match_tier('supply_' ~ (i - 1), 'demand_' ~ (i - 1), keys, tier_name, i) }}
),

given_{{ i }} as (
    select report_month, from_unit_code, sum(n_persons) as n_persons
    from moves_{{ i }}
    group by report_month, from_unit_code
),

taken_{{ i }} as (
    select report_month, to_unit_code, sum(n_persons) as n_persons
    from moves_{{ i }}
    group by report_month, to_unit_code
),

supply_{{ i }} as (
    select
        supply.report_month, supply.province_code, supply.unit_code,
        supply.old_district_code, supply.field,
        supply.capacity - coalesce(given.n_persons, 0) as capacity
    from supply_{{ i - 1 }} as supply
    left join given_{{ i }} as given
        on given.report_month = supply.report_month and given.from_unit_code = supply.unit_code
    where supply.capacity - coalesce(given.n_persons, 0) > 0
),

demand_{{ i }} as (
    select
        demand.report_month, demand.province_code, demand.unit_code,
        demand.old_district_code, demand.field,
        demand.capacity - coalesce(taken.n_persons, 0) as capacity
    from demand_{{ i - 1 }} as demand
    left join taken_{{ i }} as taken
        on taken.report_month = demand.report_month and taken.to_unit_code = demand.unit_code
    where demand.capacity - coalesce(taken.n_persons, 0) > 0
),

{% endfor %}
matched as (
    {% for tier_name, keys in tiers %}
    select * from moves_{{ loop.index }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        report_month::date as report_month,
        province_code::varchar as province_code,
        from_unit_code::varchar as from_unit_code,
        to_unit_code::varchar as to_unit_code,
        n_persons::bigint as n_persons,
        match_tier::varchar as match_tier,
        tier_rank::integer as tier_rank,
        (case when match_tier like '%same_field' then from_field end)::varchar as field,
        from_old_district_code::varchar as from_old_district_code,
        to_old_district_code::varchar as to_old_district_code
    from matched
    where n_persons > 0
)

select * from final
