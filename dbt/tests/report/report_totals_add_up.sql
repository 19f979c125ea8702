{#- Every table of the report ends with a total that is the sum of its rows: the staffing
    balance (detail rows, counted ones), the units, the audit (detail rows, and the
    subtotals of each finding), the cohort, the settlement (flows) and the files. Returns the
    totals that differ from the sum of their rows. -#}
with balance as (
    select report_month, scope_code, 'balance' as sheet,
           sum(headcount) filter (where row_kind = 'detail') as rows_sum,
           sum(headcount) filter (where row_kind = 'total') as total
    from {{ ref('rpt_report_balance') }}
    group by all
),

balance_surplus as (
    select report_month, scope_code, 'balance surplus',
           sum(surplus) filter (where row_kind = 'detail'),
           sum(surplus) filter (where row_kind = 'total')
    from {{ ref('rpt_report_balance') }}
    group by all
),

units as (
    select report_month, scope_code, 'units',
           sum(headcount) filter (where row_kind = 'detail'),
           sum(headcount) filter (where row_kind = 'total')
    from {{ ref('rpt_report_units') }}
    group by all
),

audit as (
    select report_month, scope_code, 'audit',
           count(*) filter (where row_kind = 'detail'),
           sum(n_decisions) filter (where row_kind = 'total')
    from {{ ref('rpt_report_audit_detail') }}
    group by all
),

audit_amounts as (
    select report_month, scope_code, 'audit subtotal ' || coalesce(province_code, '-') || ' ' || finding,
           sum(finding_amount_vnd) filter (where row_kind = 'detail'),
           sum(finding_amount_vnd) filter (where row_kind = 'subtotal')
    from {{ ref('rpt_report_audit_detail') }}
    where finding is not null
    group by all
),

cohort as (
    select report_month, scope_code, 'cohort',
           sum(persons) filter (where row_kind = 'detail'),
           sum(persons) filter (where row_kind = 'total')
    from {{ ref('rpt_report_cohort') }}
    group by all
),

settlement as (
    select report_month, scope_code, 'settlement paid',
           sum(paid_vnd) filter (where row_kind = 'detail'),
           sum(paid_vnd) filter (where row_kind = 'total')
    from {{ ref('rpt_report_settlement') }}
    group by all
),

files as (
    select report_month, scope_code, 'files',
           sum(rows_read) filter (where row_kind = 'detail'),
           sum(rows_read) filter (where row_kind = 'total')
    from {{ ref('rpt_report_files') }}
    group by all
),

all_checks as (
    select * from balance
    union all select * from balance_surplus
    union all select * from units
    union all select * from audit
    union all select * from audit_amounts
    union all select * from cohort
    union all select * from settlement
    union all select * from files
)

select * from all_checks
where rows_sum is distinct from total
    and not (rows_sum is null and total = 0)
