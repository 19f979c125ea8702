{#- Time and rounding helpers of the Decree 178/67 policy engine (docs/rules.md A3-A5, A14).
    They mirror dagster_project/policy/rules.py, which is the independent check. -#}

{#- Months since year 0: year * 12 + month - 1, so month arithmetic is integer arithmetic. -#}
{% macro policy_month_index(date_expr) -%}
    (year({{ date_expr }}) * 12 + month({{ date_expr }}) - 1)
{%- endmacro %}

{#- A4: months early, from the leave month to the pension-start month; a leave date on the
    1st counts from its own month, any other day from the next month. -#}
{% macro policy_months_early(pension_start_expr, leave_expr) -%}
    cast(
        {{ policy_month_index(pension_start_expr) }}
        - {{ policy_month_index(leave_expr) }}
        - case when day({{ leave_expr }}) = 1 then 0 else 1 end
        as integer
    )
{%- endmacro %}

{#- The first day of the month with that index. -#}
{% macro policy_month_start(index_expr) -%}
    make_date(cast(({{ index_expr }}) // 12 as bigint), cast(({{ index_expr }}) % 12 + 1 as bigint), 1)
{%- endmacro %}

{#- Whole months from start to end (A5, Civil Code 2015 Art. 147): the largest k >= 0 with
    start + k months <= end, where adding months keeps the day of month or, when the target
    month has no such day, takes its last day. So a month runs from a date to the same day
    of the next month or to that month's last day: 31/08 -> 30/09, 31/01 -> 28/02,
    30/01 -> 28/02, 28/02 -> 28/03 and 31/03 -> 30/04 are each one month; 15/08 -> 14/09 is
    none. Never negative (SI months accrued after a roster snapshot). -#}
{% macro policy_whole_months(start_expr, end_expr) -%}
    greatest(
        0,
        (year({{ end_expr }}) - year({{ start_expr }})) * 12
        + month({{ end_expr }}) - month({{ start_expr }})
        - case
            when day({{ end_expr }}) < day({{ start_expr }})
                and {{ end_expr }} < last_day({{ end_expr }})
                then 1
            else 0
        end
    )
{%- endmacro %}

{#- A5: whole years plus 0 (no odd months), 0.5 (1-6 odd months) or 1 (7-11). For months >= 0. -#}
{% macro policy_round_years(months_expr) -%}
    cast(
        ({{ months_expr }}) // 12
        + case
            when ({{ months_expr }}) % 12 = 0 then 0.0
            when ({{ months_expr }}) % 12 <= 6 then 0.5
            else 1.0
        end
        as decimal(6, 1)
    )
{%- endmacro %}

{#- A14: half-up to whole VND. DuckDB rounds a DECIMAL half away from zero, which is half-up
    for the non-negative amounts here. -#}
{% macro policy_round_vnd(amount_expr) -%}
    cast(round(cast({{ amount_expr }} as decimal(38, 10)), 0) as bigint)
{%- endmacro %}
