{#- The audit sheet (Biểu 07), row by row in print order: every decision with a finding at
    the end of the report month (rpt_report_audit_decisions; findings marked is_finding, so
    not the payments that match), grouped by province and finding, the largest amount first,
    with a subtotal after each finding of a province (`subtotal`), a total after each province
    (`province_total`, the nation only) and the grand total (`total`). The failed rule,
    the policy and the finding are in Vietnamese. Subtotal and total rows count decisions and
    add up the computed totals, the amounts paid and, within one finding, its amount;
    finding_amount_vnd is left empty where findings of different kinds would be added. -#}
{{ config(**by_report_month(tags=['by_audit_month'], months='audit_months')) }}

with decisions as (
    select * from {{ ref('rpt_report_audit_decisions') }}
    where {{ in_partition_months('report_month', name='audit_months') }}
),

findings as (
    select * from {{ ref('rpt_report_audit_findings') }}
),

labels as (
    select * from {{ ref('rpt_report_labels') }}
),

provinces as (
    select province_code, province_name from {{ ref('dim_province') }}
    where period = 'post'
),

scopes as (
    select * from {{ ref('rpt_report_scope') }}
    where {{ in_partition_months('report_month', name='audit_months') }}
),

scoped as (
    select
        scopes.report_month,
        scopes.scope_code,
        decisions.* exclude (report_month),  -- noqa: RF02
        coalesce(findings.sort_order, 99) as finding_order,
        coalesce(findings.label_vi, decisions.finding) as finding_vi
    from scopes
    inner join decisions
        on decisions.report_month = scopes.report_month
        and (scopes.scope_code = 'VN' or decisions.province_code = scopes.scope_code)
    left join findings on findings.finding = decisions.finding
    where coalesce(findings.is_finding, true)
),

detail as (
    select
        scoped.*,
        'detail' as row_kind,
        0 as kind_order,
        1 as n_decisions,
        scoped.decision_no as row_label_vi
    from scoped
),

subtotal as (
    select
        report_month, scope_code, province_code, finding, any_value(finding_order) as finding_order,
        any_value(finding_vi) as finding_vi,
        'subtotal' as row_kind, 1 as kind_order, count(*) as n_decisions,
        'Cộng: ' || lower(any_value(finding_vi)) as row_label_vi,
        sum(total_vnd) as total_vnd, sum(amount_paid_vnd) as amount_paid_vnd,
        sum(difference_vnd) as difference_vnd, sum(finding_amount_vnd) as finding_amount_vnd
    from scoped
    group by report_month, scope_code, province_code, finding
),

province_total as (
    select
        scoped.report_month, scoped.scope_code, scoped.province_code, 1000 as finding_order,
        'province_total' as row_kind, 2 as kind_order, count(*) as n_decisions,
        'Cộng ' || coalesce(any_value(provinces.province_name), 'chưa xác định tỉnh') as row_label_vi,
        sum(scoped.total_vnd) as total_vnd, sum(scoped.amount_paid_vnd) as amount_paid_vnd
    from scoped
    left join provinces on provinces.province_code = scoped.province_code
    where scoped.scope_code = 'VN'
    group by scoped.report_month, scoped.scope_code, scoped.province_code
),

grand_total as (
    select
        report_month, scope_code, cast(null as varchar) as province_code, 2000 as finding_order,
        'total' as row_kind, 3 as kind_order, count(*) as n_decisions,
        'Tổng cộng' as row_label_vi,
        sum(total_vnd) as total_vnd, sum(amount_paid_vnd) as amount_paid_vnd
    from scoped
    group by report_month, scope_code
),

all_rows as (
    select * from detail
    union all by name
    select * from subtotal
    union all by name
    select * from province_total
    union all by name
    select * from grand_total
),

final as (
    select
        all_rows.report_month::date as report_month,
        all_rows.scope_code::varchar as scope_code,
        (row_number() over (
            partition by all_rows.report_month, all_rows.scope_code
            order by
                all_rows.row_kind = 'total', all_rows.province_code nulls last, all_rows.finding_order, all_rows.kind_order,
                abs(all_rows.finding_amount_vnd) desc nulls last, all_rows.decision_no, all_rows.person_key
        ))::integer as row_order,
        all_rows.row_kind::varchar as row_kind,
        all_rows.row_label_vi::varchar as row_label_vi,
        all_rows.province_code::varchar as province_code,
        (case when all_rows.row_kind = 'detail' then coalesce(provinces.province_name, 'Chưa xác định tỉnh') end)::varchar
            as province_name,
        all_rows.finding::varchar as finding,
        all_rows.finding_vi::varchar as finding_vi,
        all_rows.decision_no::varchar as decision_no,
        all_rows.person_key::varchar as person_key,
        all_rows.decree::varchar as decree,
        all_rows.policy::varchar as policy,
        policy_labels.label_vi::varchar as policy_vi,
        all_rows.decision_date::date as decision_date,
        all_rows.leave_date::date as leave_date,
        all_rows.paid_date::date as paid_date,
        all_rows.failed_rule::varchar as failed_rule,
        coalesce(rule_labels.label_vi, all_rows.failed_rule)::varchar as failed_rule_vi,
        all_rows.n_decisions::bigint as n_decisions,
        all_rows.total_vnd::bigint as total_vnd,
        all_rows.amount_paid_vnd::bigint as amount_paid_vnd,
        all_rows.difference_vnd::bigint as difference_vnd,
        all_rows.finding_amount_vnd::bigint as finding_amount_vnd
    from all_rows
    left join provinces on provinces.province_code = all_rows.province_code
    left join labels as policy_labels
        on policy_labels.domain = 'policy' and policy_labels.code = all_rows.policy
    left join labels as rule_labels
        on rule_labels.domain = 'failed_rule' and rule_labels.code = all_rows.failed_rule
)

select * from final
