{#- The payment audit as it stood at the end of each report month: one row per (report
    month, decision) for every decision (its number and its person) dated on or before the
    month's last day (fct_policy_entitlement). A payment counts from its paid_date (from the
    leave date when it has none, as in rpt_policy_money_by_province_month) and only once that
    day has passed: a decision paid later is `unpaid` in the month. finding is the audit
    status of the month (rpt_report_audit_findings): the status of fct_policy_entitlement for
    a decision paid by then, `paid_ineligible` for a payment on an ineligible decision,
    `ineligible_unpaid` for an ineligible decision not paid, `unpaid` for an eligible one
    not paid yet; any other status (e.g. `not_computed`) is kept as it is. finding_amount_vnd
    is the amount the finding is about (amount_basis): the excess, the shortfall, the amount
    paid, or the computed total still owed. Rewritten by report month (the run's audit months,
    dbt/macros/partition_months.sql). -#}
{{ config(**by_report_month(tags=['by_audit_month'], months='audit_months')) }}

with entitlements as (
    select * from {{ ref('fct_policy_entitlement') }}
),

findings as (
    select * from {{ ref('rpt_report_audit_findings') }}
),

months as (
    select distinct report_month, period_end_date from {{ ref('rpt_report_scope') }}
    where {{ in_partition_months('report_month', name='audit_months') }}
),

as_of as (
    select
        months.report_month,
        entitlements.*,
        entitlements.amount_paid_vnd is not null
        and coalesce(entitlements.paid_date, entitlements.leave_date) <= months.period_end_date
            as is_paid_by_month
    from months
    inner join entitlements on entitlements.decision_date <= months.period_end_date
),

classified as (
    select
        as_of.*,
        case
            when as_of.is_paid_by_month
                then
                    case when as_of.audit_status = 'ineligible' then 'paid_ineligible' else as_of.audit_status end
            when as_of.audit_status in ('paid_matches', 'overpaid', 'underpaid') then 'unpaid'
            when as_of.audit_status = 'ineligible' then 'ineligible_unpaid'
            else as_of.audit_status
        end as finding
    from as_of
),

final as (
    select
        classified.report_month::date as report_month,
        classified.decision_no::varchar as decision_no,
        classified.person_key::varchar as person_key,
        classified.province_code::varchar as province_code,
        classified.decree::varchar as decree,
        classified.policy::varchar as policy,
        classified.decision_date::date as decision_date,
        classified.leave_date::date as leave_date,
        classified.is_eligible::boolean as is_eligible,
        classified.failed_rule::varchar as failed_rule,
        classified.audit_status::varchar as audit_status,
        classified.finding::varchar as finding,
        classified.total_vnd::bigint as total_vnd,
        (case when classified.is_paid_by_month then classified.amount_paid_vnd end)::bigint as amount_paid_vnd,
        (case when classified.is_paid_by_month then classified.paid_date end)::date as paid_date,
        (case when classified.is_paid_by_month then classified.difference_vnd end)::bigint as difference_vnd,
        (case findings.amount_basis
            when 'excess' then classified.difference_vnd
            when 'shortfall' then -classified.difference_vnd
            when 'computed' then classified.total_vnd
            when 'paid' then case when classified.is_paid_by_month then coalesce(classified.amount_paid_vnd, 0) else 0 end
        end)::bigint as finding_amount_vnd
    from classified
    left join findings on findings.finding = classified.finding
)

select * from final
