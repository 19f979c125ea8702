{#- Pieces of the staffing balance rollups (rpt_staffing_balance_commune, _province,
    _national), each called inside a model's own `with` block, so every rollup sums
    fct_staffing_balance the same way and its refs stay in the model file. -#}

{#- The aggregates of fct_staffing_balance rows (`balance`), for a `select ... group by`.
    Only agencies whose province delivered the month in full (delivery_status `delivered`)
    have figures (the others are null, never a shortage); the *_counted sums keep only
    those agencies for the quota and the leaders allowed, which are known either way. The
    quota, in-quota head counts and surplus are the civil-servant balance: units whose quota
    is a civil-servant quota (quota_kind civil_servant); a public service unit's balance of
    public employees is its own row of fct_staffing_balance, never added in
    (docs/rules.md S4). -#}
{% macro staffing_balance_sums() -%}
    count(distinct unit_code) as n_units,
    count(distinct unit_code) filter (where delivery_status = 'delivered') as n_units_counted,
    count(distinct province_code) filter (where delivery_status <> 'delivered')
        as n_provinces_not_delivered,
    string_agg(distinct province_code, ', ' order by province_code)
        filter (where delivery_status <> 'delivered') as provinces_not_delivered,
    min(delivery_status) filter (where delivery_status <> 'delivered') as worst_status,
    sum(headcount) as headcount,
    sum(headcount_cadre) as headcount_cadre,
    sum(headcount_civil_servant) as headcount_civil_servant,
    sum(headcount_public_employee) as headcount_public_employee,
    sum(headcount_contract_worker) as headcount_contract_worker,
    sum(headcount_commune_part_time) as headcount_commune_part_time,
    sum(headcount_in_quota) filter (where quota_kind = 'civil_servant') as headcount_in_quota,
    sum(headcount_in_quota) filter (where quota_kind = 'civil_servant' and staffing_quota is not null)
        as headcount_in_quota_with_quota,
    sum(staffing_quota) filter (where quota_kind = 'civil_servant') as staffing_quota_all,
    sum(staffing_quota) filter (where quota_kind = 'civil_servant' and delivery_status = 'delivered')
        as staffing_quota_counted,
    sum(surplus) filter (where quota_kind = 'civil_servant') as surplus,
    sum(greatest(surplus, 0)) filter (where quota_kind = 'civil_servant') as gross_surplus,
    sum(greatest(-surplus, 0)) filter (where quota_kind = 'civil_servant') as gross_shortage,
    count(*) filter (where quota_kind = 'civil_servant' and surplus > 0) as n_units_surplus,
    count(*) filter (where quota_kind = 'civil_servant' and surplus < 0) as n_units_shortage,
    sum(leaders) as leaders,
    sum(leaders) filter (where leaders_allowed is not null) as leaders_with_allowance,
    sum(leaders_allowed) as leaders_allowed_all,
    sum(leaders_allowed) filter (where delivery_status = 'delivered') as leaders_allowed_counted
{%- endmacro %}

{#- The published columns of a province or national rollup from `rolled` (staffing_balance_sums)
    and `norm_totals` (the exact commune norms of the counted communes): figures are null
    when no agency of the group is counted, else the sums with 0 for none. -#}
{% macro staffing_balance_counted_columns(rolled, norm_totals) -%}
    {{ rolled }}.n_units::bigint as n_units,
    {{ rolled }}.n_units_counted::bigint as n_units_counted,
    {{ rolled }}.n_provinces_not_delivered::bigint as n_provinces_not_delivered,
    {{ rolled }}.provinces_not_delivered::varchar as provinces_not_delivered,
    {% for column, source in [
        ('headcount', 'headcount'), ('headcount_cadre', 'headcount_cadre'),
        ('headcount_civil_servant', 'headcount_civil_servant'),
        ('headcount_public_employee', 'headcount_public_employee'),
        ('headcount_contract_worker', 'headcount_contract_worker'),
        ('headcount_commune_part_time', 'headcount_commune_part_time'),
        ('headcount_in_quota', 'headcount_in_quota'),
        ('headcount_in_quota_with_quota', 'headcount_in_quota_with_quota'),
        ('staffing_quota', 'staffing_quota_counted')] -%}
    (case when {{ rolled }}.n_units_counted > 0 then coalesce({{ rolled }}.{{ source }}, 0) end)::bigint as {{ column }},
    {% endfor -%}
    (case when {{ rolled }}.n_units_counted > 0 then coalesce({{ norm_totals }}.norm_posts, 0) end)::bigint as norm_posts,
    {% for column in ['surplus', 'gross_surplus', 'gross_shortage'] -%}
    (case when {{ rolled }}.n_units_counted > 0 then coalesce({{ rolled }}.{{ column }}, 0) end)::bigint as {{ column }},
    {% endfor -%}
    {{ rolled }}.n_units_surplus::bigint as n_units_surplus,
    {{ rolled }}.n_units_shortage::bigint as n_units_shortage,
    {% for column, source in [('leaders', 'leaders'), ('leaders_with_allowance', 'leaders_with_allowance'),
                              ('leaders_allowed', 'leaders_allowed_counted')] -%}
    (case when {{ rolled }}.n_units_counted > 0 then coalesce({{ rolled }}.{{ source }}, 0) end)::bigint as {{ column }}
    {%- if not loop.last %},{% endif %}
    {% endfor %}
{%- endmacro %}

{#- The exact commune norms (docs/rules.md S2) of the communes with counted agencies, summed
    per report month and the given grouping columns, for the norm_totals of a province or
    national rollup: from `balance` (fct_staffing_balance) and `norms`
    (int_commune_norms_computed), the CTEs of the calling model. A commune counts once, not
    once per agency. -#}
{% macro staffing_counted_norm_totals(group_columns=[]) -%}
    select
        report_month,
        {% for column in group_columns %}{{ column }},
        {% endfor -%}
        sum(norm_posts) as norm_posts
    from (
        select distinct
            balance.report_month,
            {% for column in group_columns %}balance.{{ column }},
            {% endfor -%}
            balance.commune_code,
            norms.norm_posts
        from balance
        inner join norms on norms.commune_code = balance.commune_code
        where balance.delivery_status = 'delivered'
    )
    group by all
{%- endmacro %}
