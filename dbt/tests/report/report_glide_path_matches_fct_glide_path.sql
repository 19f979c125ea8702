{{ config(severity='warn') }}
{#- The report computes the glide path from each report month's roster with the rule of
    fct_glide_path. Where fct_glide_path starts from the same month (a province's latest
    month, delivered in full) both must agree month by month; a difference means the rule
    of fct_glide_path changed and rpt_report_glide_path must follow. A warning, so a change
    of the mart is seen, not a stop of the build. -#}
with mart as (
    select * from {{ ref('fct_glide_path') }}
),

complete as (
    select report_month, province_code from {{ ref('fct_delivery_status') }}
    where is_complete
),

report as (
    select * from {{ ref('rpt_report_glide_path') }}
)

select mart.province_code, mart.projection_month,
       mart.projected_headcount_in_quota, report.projected_headcount_in_quota as report_headcount,
       mart.staffing_quota, report.staffing_quota as report_quota
from mart
inner join complete
    on complete.report_month = mart.base_month
    and complete.province_code = mart.province_code
left join report
    on report.report_month = mart.base_month
    and report.scope_code = mart.province_code
    and report.projection_month = mart.projection_month
where mart.projection_month >= mart.base_month
    and (report.projected_headcount_in_quota is distinct from mart.projected_headcount_in_quota
        or report.staffing_quota is distinct from mart.staffing_quota)
