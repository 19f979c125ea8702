{#- The retirement glide path (Biểu 05) as of each report month: the projection of
    int_glide_paths_projected (docs/rules.md S4, S6) whose base is the report month itself,
    so the report of a past month shows the glide path issued then (fct_glide_path starts
    from the latest roster instead). Only provinces that delivered the month in full are
    projected (a partial roster would project a false shortage); the nation adds them up.
    The first row, projection_month = report_month, equals the month's staffing balance
    (rpt_report_balance). surplus_close_month: the first month with no surplus (the report
    month itself if there is none), null if it does not close by the horizon. -#}
with glide_paths as (
    select * from {{ ref('int_glide_paths_projected') }}
),

complete as (
    select report_month, province_code from {{ ref('fct_delivery_status') }}
    where is_complete
),

scopes as (
    select * from {{ ref('rpt_report_scope') }}
),

by_province as (
    select
        complete.report_month,
        complete.province_code as scope_code,
        glide_paths.projection_month,
        glide_paths.projected_headcount_in_quota,
        glide_paths.staffing_quota,
        glide_paths.retirements_in_month
    from complete
    inner join glide_paths
        on glide_paths.base_month = complete.report_month
        and glide_paths.province_code = complete.province_code
),

projected as (
    select * from by_province
    union all
    select
        report_month,
        'VN' as scope_code,
        projection_month,
        sum(projected_headcount_in_quota) as projected_headcount_in_quota,
        sum(staffing_quota) as staffing_quota,
        sum(retirements_in_month) as retirements_in_month
    from by_province
    group by report_month, projection_month
),

with_close as (
    select
        projected.*,
        projected.projected_headcount_in_quota - projected.staffing_quota as projected_surplus,
        min(projected.projection_month) filter (
            where projected.projected_headcount_in_quota <= projected.staffing_quota
        ) over (partition by projected.report_month, projected.scope_code) as surplus_close_month
    from projected
    inner join scopes
        on scopes.report_month = projected.report_month
        and scopes.scope_code = projected.scope_code
),

final as (
    select
        report_month::date as report_month,
        scope_code::varchar as scope_code,
        projection_month::date as projection_month,
        projected_headcount_in_quota::bigint as projected_headcount_in_quota,
        staffing_quota::bigint as staffing_quota,
        projected_surplus::bigint as projected_surplus,
        retirements_in_month::bigint as retirements_in_month,
        surplus_close_month::date as surplus_close_month,
        (projection_month = surplus_close_month)::boolean as is_close_month
    from with_close
)

select * from final
