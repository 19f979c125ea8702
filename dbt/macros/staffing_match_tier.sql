{#- One tier of the redeployment matching: within each group of equal `keys` (rows with a
    null key sit the tier out), surplus units (`supply`) and short units (`demand`) are
    laid end to end in order of size (largest first, then unit code), each as an interval
    as long as its remaining capacity; a move is the overlap of a supply interval with a
    demand interval. So no unit gives more than its surplus or receives more than its
    shortage, and the result is the greedy largest-first fill, deterministic. Both
    relations need: report_month, province_code, unit_code, old_district_code, field,
    capacity. -#}
{% macro staffing_match_tier(supply, demand, keys, tier_name, tier_rank) -%}
with supply_laid as (
    select
        *,
        sum(capacity) over (
            partition by {{ keys | join(', ') }}
            order by capacity desc, unit_code
            rows between unbounded preceding and current row
        ) as interval_end
    from {{ supply }}
    where true {% for key in keys %}and {{ key }} is not null {% endfor %}
),

demand_laid as (
    select
        *,
        sum(capacity) over (
            partition by {{ keys | join(', ') }}
            order by capacity desc, unit_code
            rows between unbounded preceding and current row
        ) as interval_end
    from {{ demand }}
    where true {% for key in keys %}and {{ key }} is not null {% endfor %}
)

select
    supply_laid.report_month,
    supply_laid.province_code,
    supply_laid.unit_code as from_unit_code,
    demand_laid.unit_code as to_unit_code,
    supply_laid.old_district_code as from_old_district_code,
    demand_laid.old_district_code as to_old_district_code,
    supply_laid.field as from_field,
    demand_laid.field as to_field,
    least(supply_laid.interval_end, demand_laid.interval_end)
        - greatest(supply_laid.interval_end - supply_laid.capacity, demand_laid.interval_end - demand_laid.capacity)
        as n_persons,
    '{{ tier_name }}' as match_tier,
    {{ tier_rank }} as tier_rank
from supply_laid
inner join demand_laid
    on {% for key in keys %}demand_laid.{{ key }} = supply_laid.{{ key }} and {% endfor %}
    supply_laid.interval_end - supply_laid.capacity < demand_laid.interval_end
    and demand_laid.interval_end - demand_laid.capacity < supply_laid.interval_end
{%- endmacro %}
