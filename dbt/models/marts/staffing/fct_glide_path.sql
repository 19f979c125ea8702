{#- The retirement glide path (lộ trình nghỉ hưu) per new province, from the latest report
    month to December of the streamlining horizon: the projection of
    int_glide_paths_projected (docs/rules.md S4, S6) whose base is the province's own latest
    roster (base_month: the last report month with a roster of the province; the latest
    report month when it has none), so a province whose latest roster is a month behind
    still has its staff; every province is projected over the same months, and the first
    of them shows no retirements. surplus_close_month is the first month with no surplus
    (the first projected month if there is none), null if it does not close by the
    horizon. -#}
with months as (
    select * from {{ ref('int_roster_months_selected') }}
    where period = 'post'
),

glide_paths as (
    select * from {{ ref('int_glide_paths_projected') }}
),

provinces as (
    select province_code from {{ ref('dim_province') }}
    where period = 'post'
),

latest as (
    select max(report_month) as first_month from months
),

province_base as (
    select
        provinces.province_code,
        coalesce(max(months.report_month), any_value(latest.first_month)) as base_month
    from provinces
    cross join latest
    left join months on months.province_code = provinces.province_code
    group by provinces.province_code
),

projection_months as (
    select distinct glide_paths.projection_month
    from glide_paths
    inner join latest on latest.first_month = glide_paths.base_month
),

projected as (
    select
        province_base.province_code,
        projection_months.projection_month,
        province_base.base_month,
        coalesce(glide_paths.projected_headcount_in_quota, 0) as projected_headcount_in_quota,
        case
            when projection_months.projection_month = latest.first_month then 0
            else coalesce(glide_paths.retirements_in_month, 0)
        end as retirements_in_month,
        coalesce(glide_paths.staffing_quota, 0) as staffing_quota,
        coalesce(glide_paths.projected_headcount_if_appendix_ii, 0) as projected_headcount_if_appendix_ii
    from province_base
    cross join projection_months
    cross join latest
    left join glide_paths
        on glide_paths.province_code = province_base.province_code
        and glide_paths.base_month = province_base.base_month
        and glide_paths.projection_month = projection_months.projection_month
),

final as (
    select
        province_code::varchar as province_code,
        projection_month::date as projection_month,
        base_month::date as base_month,
        projected_headcount_in_quota::bigint as projected_headcount_in_quota,
        retirements_in_month::bigint as retirements_in_month,
        staffing_quota::bigint as staffing_quota,
        (projected_headcount_in_quota - staffing_quota)::bigint as projected_surplus,
        (min(projection_month) filter (where projected_headcount_in_quota <= staffing_quota) over (
            partition by province_code
        ))::date as surplus_close_month,
        projected_headcount_if_appendix_ii::bigint as projected_headcount_if_appendix_ii,
        (projected_headcount_if_appendix_ii - staffing_quota)::bigint as projected_surplus_if_appendix_ii
    from projected
)

select * from final
