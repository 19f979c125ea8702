{#- None of `columns` is null in any row: one scan of the model for all of them, not one test
    (and one query, 20-40 ms of dbt's own time each) per column. Fails with one row per
    column that has nulls, its name and how many; the failure count is the number of null
    values (fail_calc). -#}
{% test not_null_columns(model, columns) %}
{{ config(fail_calc='coalesce(sum(n_null), 0)') }}
with counted as (
    select
        {%- for column in columns %}
        count(*) filter (where {{ column }} is null) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
)
select column_name, n_null
from counted
unpivot (n_null for column_name in ({{ columns | join(', ') }}))
where n_null > 0
{% endtest %}
