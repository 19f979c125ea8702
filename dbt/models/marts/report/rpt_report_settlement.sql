{#- Decree 178/67 and 154 settlement month by month (Biểu 06) as each report month sees it:
    for every month from the first with a decision, leave or payment up to the report month,
    the decisions taken, the people who left, what the rules say is due for them, what was
    paid and how it compares, and what is still owed (outstanding) at the end of the month
    (rpt_policy_money_by_province_month); then the total row: the flows added up to the end
    of the report month, and what is outstanding at its end (the last month's stock). The nation adds up every
    province (and decisions whose unit could not be placed in a province); a province reads
    its own rows. *_million_vnd are the same amounts in triệu đồng (millions), exact, for the
    charts and the summary. -#}
with money as (
    select * from {{ ref('rpt_policy_money_by_province_month') }}
),

scopes as (
    select * from {{ ref('rpt_report_scope') }}
),

scoped as (
    select
        scopes.report_month,
        scopes.scope_code,
        money.report_month as month,
        sum(money.n_decided) as n_decided,
        sum(money.n_left) as n_left,
        sum(money.due_vnd) as due_vnd,
        sum(money.n_paid) as n_paid,
        sum(money.paid_vnd) as paid_vnd,
        sum(money.n_overpaid) as n_overpaid,
        sum(money.overpaid_vnd) as overpaid_vnd,
        sum(money.n_underpaid) as n_underpaid,
        sum(money.underpaid_vnd) as underpaid_vnd,
        sum(money.n_paid_ineligible) as n_paid_ineligible,
        sum(money.paid_ineligible_vnd) as paid_ineligible_vnd,
        sum(money.n_outstanding) as n_outstanding,
        sum(money.outstanding_vnd) as outstanding_vnd
    from scopes
    inner join money
        on money.report_month <= scopes.report_month
        and (scopes.scope_code = 'VN' or money.province_code = scopes.scope_code)
    group by all
),

monthly as (
    select *, 'detail' as row_kind from scoped
),

total as (
    select
        report_month,
        scope_code,
        cast(null as date) as month,
        sum(n_decided) as n_decided,
        sum(n_left) as n_left,
        sum(due_vnd) as due_vnd,
        sum(n_paid) as n_paid,
        sum(paid_vnd) as paid_vnd,
        sum(n_overpaid) as n_overpaid,
        sum(overpaid_vnd) as overpaid_vnd,
        sum(n_underpaid) as n_underpaid,
        sum(underpaid_vnd) as underpaid_vnd,
        sum(n_paid_ineligible) as n_paid_ineligible,
        sum(paid_ineligible_vnd) as paid_ineligible_vnd,
        arg_max(n_outstanding, month) as n_outstanding,
        arg_max(outstanding_vnd, month) as outstanding_vnd,
        'total' as row_kind
    from scoped
    group by report_month, scope_code
),

final as (
    select
        report_month::date as report_month,
        scope_code::varchar as scope_code,
        (row_number() over (partition by report_month, scope_code order by row_kind, month))::integer as row_order,
        row_kind::varchar as row_kind,
        month::date as month,
        n_decided::bigint as n_decided,
        n_left::bigint as n_left,
        due_vnd::bigint as due_vnd,
        n_paid::bigint as n_paid,
        paid_vnd::bigint as paid_vnd,
        n_overpaid::bigint as n_overpaid,
        overpaid_vnd::bigint as overpaid_vnd,
        n_underpaid::bigint as n_underpaid,
        underpaid_vnd::bigint as underpaid_vnd,
        n_paid_ineligible::bigint as n_paid_ineligible,
        paid_ineligible_vnd::bigint as paid_ineligible_vnd,
        coalesce(n_outstanding, 0)::bigint as n_outstanding,
        coalesce(outstanding_vnd, 0)::bigint as outstanding_vnd,
        (paid_vnd::decimal(24, 0) * 0.000001::decimal(7, 6))::decimal(24, 6) as paid_million_vnd,
        (coalesce(outstanding_vnd, 0)::decimal(24, 0) * 0.000001::decimal(7, 6))::decimal(24, 6)
            as outstanding_million_vnd,
        (due_vnd::decimal(24, 0) * 0.000001::decimal(7, 6))::decimal(24, 6) as due_million_vnd
    from (  -- noqa: AL10
        select * from monthly
        union all by name
        select * from total
    )
)

select * from final
