{#- The column holds exactly `expected` distinct non-null values (optionally where
    `where_sql` holds). -#}
{% test expect_distinct_count(model, column_name, expected, where_sql=none) %}
with counted as (
    select count(distinct {{ column_name }}) as n_found
    from {{ model }}
    {% if where_sql %}where {{ where_sql }}{% endif %}
)
select n_found, {{ expected }} as n_expected
from counted
where n_found != {{ expected }}
{% endtest %}
