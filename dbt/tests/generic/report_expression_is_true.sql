{#- Every row of the model satisfies `expression` (the rows that do not are returned). -#}
{% test report_expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}
