{#- The payment audit on the summary (Biểu 01, part D): one row per (report, finding) with the
    number of decisions and the amount the finding is about (rpt_report_audit_decisions), in
    đồng and in triệu đồng. Every finding of rpt_report_audit_findings marked
    is_always_shown has a row (zero when there is none); the others (`not_computed`) appear
    once a decision has them. A finding with no row in rpt_report_audit_findings still gets
    its own line, labelled with its code (and the test report_codes_are_labelled fails). -#}
{{ config(**by_report_month(tags=['by_audit_month'], months='audit_months')) }}

with decisions as (
    select * from {{ ref('rpt_report_audit_decisions') }}
    where {{ in_partition_months('report_month', name='audit_months') }}
),

findings as (
    select * from {{ ref('rpt_report_audit_findings') }}
),

scopes as (
    select * from {{ ref('rpt_report_scope') }}
    where {{ in_partition_months('report_month', name='audit_months') }}
),

counted as (
    select
        scopes.report_month,
        scopes.scope_code,
        decisions.finding,
        count(*) as n_decisions,
        sum(decisions.finding_amount_vnd) as amount_vnd
    from scopes
    inner join decisions
        on decisions.report_month = scopes.report_month
        and (scopes.scope_code = 'VN' or decisions.province_code = scopes.scope_code)
    group by all
),

spine as (
    select scopes.report_month, scopes.scope_code, findings.finding
    from scopes
    cross join findings
    where findings.is_always_shown
    union
    select report_month, scope_code, finding from counted
),

final as (
    select
        spine.report_month::date as report_month,
        spine.scope_code::varchar as scope_code,
        spine.finding::varchar as finding,
        coalesce(findings.sort_order, 99)::integer as sort_order,
        coalesce(findings.label_vi, spine.finding)::varchar as label_vi,
        coalesce(findings.label_en, spine.finding)::varchar as label_en,
        coalesce(findings.is_finding, true)::boolean as is_finding,
        coalesce(counted.n_decisions, 0)::bigint as n_decisions,
        (case when findings.amount_basis = 'none' then null else coalesce(counted.amount_vnd, 0) end)::bigint
            as amount_vnd,
        (case when findings.amount_basis = 'none' then null
            else (coalesce(counted.amount_vnd, 0)::decimal(24, 0) * 0.000001::decimal(7, 6))
        end)::decimal(24, 6)
            as amount_million_vnd
    from spine
    left join findings on findings.finding = spine.finding
    left join counted
        on counted.report_month = spine.report_month
        and counted.scope_code = spine.scope_code
        and counted.finding = spine.finding
)

select * from final
