{#- Generic tests of the staffing and reconciliation models. -#}

{#- Every value of `field` in `to` (optionally where `where_sql` holds) appears in the
    tested column: e.g. every old agency has at least one resolved lineage edge. -#}
{% test staffing_covers(model, column_name, to, field, where_sql=none) %}
select parent.{{ field }} as missing_value
from {{ to }} as parent
where parent.{{ field }} is not null
    {% if where_sql %}and ({{ where_sql }}){% endif %}
    and not exists (
        select 1 from {{ model }} as child where child.{{ column_name }} = parent.{{ field }}
    )
{% endtest %}

{#- Redeployment suggestions never take more than a unit's surplus nor give more than a
    unit's shortage in the same report month (`balance` is fct_staffing_balance). -#}
{% test staffing_moves_within_capacity(model, balance) %}
with given as (
    select report_month, from_unit_code as unit_code, sum(n_persons) as n_persons
    from {{ model }}
    group by report_month, from_unit_code
),

taken as (
    select report_month, to_unit_code as unit_code, sum(n_persons) as n_persons
    from {{ model }}
    group by report_month, to_unit_code
)

select 'from' as side, given.report_month, given.unit_code, given.n_persons, balance.surplus
from given
left join {{ balance }} as balance
    on balance.report_month = given.report_month and balance.unit_code = given.unit_code
where balance.surplus is null or given.n_persons > balance.surplus
union all
select 'to' as side, taken.report_month, taken.unit_code, taken.n_persons, balance.surplus
from taken
left join {{ balance }} as balance
    on balance.report_month = taken.report_month and balance.unit_code = taken.unit_code
where balance.surplus is null or taken.n_persons > -balance.surplus
{% endtest %}

{#- Generic test: every row of the model satisfies `expression` (optionally only rows where
    `where_sql` holds). Fails with the offending rows. Used for the flow identities
    (persons before = stayed + moved + left; persons now = stayed + moved + joined) and the
    staffing balance arithmetic. -#}
{% test staffing_expression_is_true(model, expression, where_sql=none) %}
select *
from {{ model }}
where not ({{ expression }})
{% if where_sql %}and ({{ where_sql }}){% endif %}
{% endtest %}
