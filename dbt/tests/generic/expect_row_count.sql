{#- The model holds exactly `expected` rows (optionally where `where_sql` holds).
    Fails with one row stating the count found. -#}
{% test expect_row_count(model, expected, where_sql=none) %}
with counted as (
    select count(*) as n_found
    from {{ model }}
    {% if where_sql %}where {{ where_sql }}{% endif %}
)
select n_found, {{ expected }} as n_expected
from counted
where n_found != {{ expected }}
{% endtest %}
