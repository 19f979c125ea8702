{#- Each summary line is the figure of the sheet that details it: the staffing balance total
    (A), the settlement total (C), the audit by finding (D), the cohort total (E) and the
    first month of the glide path (F). Returns the lines that differ. -#}
with summary as (
    select * from {{ ref('rpt_report_summary') }}
    where row_kind = 'line'
),

balance as (
    select * from {{ ref('rpt_report_balance') }}
    where row_kind = 'total'
),

settlement as (
    select * from {{ ref('rpt_report_settlement') }}
    where row_kind = 'total'
),

audit as (
    select * from {{ ref('rpt_report_audit_summary') }}
),

cohort as (
    select * from {{ ref('rpt_report_cohort') }}
    where row_kind = 'total'
),

glide as (
    select * from {{ ref('rpt_report_glide_path') }}
    where projection_month = report_month
),

expected as (
    select report_month, scope_code, 'A02' as line_code, headcount as persons, null::bigint as amount_vnd from balance
    union all select report_month, scope_code, 'A03', headcount_in_quota, null from balance
    union all select report_month, scope_code, 'A04', staffing_quota, null from balance
    union all select report_month, scope_code, 'A05', surplus, null from balance
    union all select report_month, scope_code, 'C01', n_decided, null from settlement
    union all select report_month, scope_code, 'C02', n_left, due_vnd from settlement
    union all select report_month, scope_code, 'C03', n_paid, paid_vnd from settlement
    union all select report_month, scope_code, 'C04', n_outstanding, outstanding_vnd from settlement
    union all select report_month, scope_code, 'D' || lpad(sort_order::varchar, 2, '0'), n_decisions, amount_vnd
        from audit
    union all select report_month, scope_code, 'E01', persons, total_vnd from cohort
    union all select report_month, scope_code, 'F01', projected_surplus, null from glide
)

select expected.*, summary.persons as summary_persons, summary.amount_vnd as summary_amount_vnd
from expected
left join summary using (report_month, scope_code, line_code)
where summary.line_code is null
    or summary.persons is distinct from expected.persons
    or (expected.amount_vnd is not null and summary.amount_vnd is distinct from expected.amount_vnd)
