{#- Decree 178/67 and 154 money by new province and month (docs/rules.md A15): decisions taken,
    people who left, what the rules say is due, what was paid and how it compares, and what
    is still outstanding at the end of the month. Report months run from the first to the
    last month any decision, leave or payment date falls in (no wall-clock date). A payment
    without a paid_date counts in its leave month. A payment on a decision sapnhap does not
    compute (audit_status not_computed: Decree 177 and the like) has its own line
    (n_paid_not_computed, paid_not_computed_vnd), not counted as paid to ineligible persons. -#}
with entitlements as (
    select
        *,
        cast(date_trunc('month', decision_date) as date) as decision_month,
        cast(date_trunc('month', leave_date) as date) as leave_month,
        case
            when amount_paid_vnd is not null
                then cast(date_trunc('month', coalesce(paid_date, leave_date)) as date)
        end as paid_month
    from {{ ref('fct_policy_entitlement') }}
),

bounds as (
    select
        least(min(decision_month), min(leave_month), min(paid_month)) as first_month,
        greatest(max(decision_month), max(leave_month), max(paid_month)) as last_month
    from entitlements
),

report_months as (
    select
        cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date)
            as report_month
    from bounds
    where first_month is not null
),

provinces as (
    select distinct province_code from entitlements
),

monthly as (
    select
        report_months.report_month,
        provinces.province_code,
        count(*) filter (where e.decision_month = report_months.report_month) as n_decided,
        count(*) filter (where e.leave_month = report_months.report_month) as n_left,
        coalesce(sum(e.total_vnd) filter (
            where e.is_eligible and e.leave_month = report_months.report_month
        ), 0) as due_vnd,
        count(*) filter (where e.paid_month = report_months.report_month) as n_paid,
        coalesce(sum(e.amount_paid_vnd) filter (
            where e.paid_month = report_months.report_month
        ), 0) as paid_vnd,
        coalesce(sum(e.total_vnd) filter (
            where e.paid_month = report_months.report_month
        ), 0) as computed_for_paid_vnd,
        count(*) filter (
            where e.paid_month = report_months.report_month and e.audit_status = 'overpaid'
        ) as n_overpaid,
        coalesce(sum(e.difference_vnd) filter (
            where e.paid_month = report_months.report_month and e.audit_status = 'overpaid'
        ), 0) as overpaid_vnd,
        count(*) filter (
            where e.paid_month = report_months.report_month and e.audit_status = 'underpaid'
        ) as n_underpaid,
        coalesce(-sum(e.difference_vnd) filter (
            where e.paid_month = report_months.report_month and e.audit_status = 'underpaid'
        ), 0) as underpaid_vnd,
        count(*) filter (
            where e.paid_month = report_months.report_month and e.audit_status = 'ineligible'
        ) as n_paid_ineligible,
        coalesce(sum(e.amount_paid_vnd) filter (
            where e.paid_month = report_months.report_month and e.audit_status = 'ineligible'
        ), 0) as paid_ineligible_vnd,
        count(*) filter (
            where e.paid_month = report_months.report_month and e.audit_status = 'not_computed'
        ) as n_paid_not_computed,
        coalesce(sum(e.amount_paid_vnd) filter (
            where e.paid_month = report_months.report_month and e.audit_status = 'not_computed'
        ), 0) as paid_not_computed_vnd,
        count(*) filter (
            where e.is_eligible
            and e.leave_month <= report_months.report_month
            and (e.paid_month is null or e.paid_month > report_months.report_month)
        ) as n_outstanding,
        coalesce(sum(e.total_vnd) filter (
            where e.is_eligible
            and e.leave_month <= report_months.report_month
            and (e.paid_month is null or e.paid_month > report_months.report_month)
        ), 0) as outstanding_vnd
    from report_months
    cross join provinces
    left join entitlements as e
        on e.province_code is not distinct from provinces.province_code
    group by report_months.report_month, provinces.province_code
),

final as (
    select
        report_month,
        province_code,
        cast(n_decided as integer) as n_decided,
        cast(n_left as integer) as n_left,
        cast(due_vnd as bigint) as due_vnd,
        cast(n_paid as integer) as n_paid,
        cast(paid_vnd as bigint) as paid_vnd,
        cast(computed_for_paid_vnd as bigint) as computed_for_paid_vnd,
        cast(n_overpaid as integer) as n_overpaid,
        cast(overpaid_vnd as bigint) as overpaid_vnd,
        cast(n_underpaid as integer) as n_underpaid,
        cast(underpaid_vnd as bigint) as underpaid_vnd,
        cast(n_paid_ineligible as integer) as n_paid_ineligible,
        cast(paid_ineligible_vnd as bigint) as paid_ineligible_vnd,
        cast(n_paid_not_computed as integer) as n_paid_not_computed,
        cast(paid_not_computed_vnd as bigint) as paid_not_computed_vnd,
        cast(n_outstanding as integer) as n_outstanding,
        cast(outstanding_vnd as bigint) as outstanding_vnd
    from monthly
)

select * from final
order by report_month, province_code
