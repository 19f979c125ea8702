{#- The glide path of a month starts from that month's staffing balance: in its first month
    the projected cadres and civil servants and the quota are the balance's, for every report
    whose balance is counted. Returns the reports where they differ. -#}
with glide as (
    select * from {{ ref('rpt_report_glide_path') }}
    where projection_month = report_month
),

balance as (
    select * from {{ ref('rpt_report_balance') }}
    where row_kind = 'total' and is_counted
)

select balance.report_month, balance.scope_code,
       balance.headcount_in_quota, glide.projected_headcount_in_quota,
       balance.staffing_quota, glide.staffing_quota as glide_quota
from balance
left join glide using (report_month, scope_code)
where glide.projected_headcount_in_quota is distinct from balance.headcount_in_quota
    or glide.staffing_quota is distinct from balance.staffing_quota
