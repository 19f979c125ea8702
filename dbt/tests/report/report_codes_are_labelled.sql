{{ config(severity='warn') }}
{#- Every code the report prints has a Vietnamese label (rpt_report_labels,
    rpt_report_audit_findings): a policy, failed rule or quarantine rule added upstream shows
    here until its label is added (the report then prints the code itself). -#}
with used as (
    select distinct 'policy' as domain, policy as code from {{ ref('rpt_report_audit_detail') }}
    where policy is not null
    union
    select distinct 'failed_rule', failed_rule from {{ ref('rpt_report_audit_detail') }}
    where failed_rule is not null
    union
    select distinct 'policy', policy from {{ ref('rpt_report_cohort') }} where policy is not null
    union
    select distinct 'failed_rule', failed_rule from {{ ref('rpt_report_cohort') }} where failed_rule is not null
    union
    select distinct 'quarantine_rule', rule from {{ ref('rpt_report_quarantine') }} where rule is not null
    union
    select distinct 'table_name', table_name from {{ ref('rpt_report_files') }} where table_name is not null
    union
    select distinct 'audit_finding', finding from {{ ref('rpt_report_audit_decisions') }}
),

labelled as (
    select domain, code from {{ ref('rpt_report_labels') }}
    union
    select 'audit_finding', finding from {{ ref('rpt_report_audit_findings') }}
)

select used.*
from used
left join labelled using (domain, code)
where labelled.code is null
