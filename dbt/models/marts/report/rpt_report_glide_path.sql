{#- The retirement glide path (Biểu 05) as of each report month: from the month's own roster,
    month by month to December of the streamlining horizon (seed staffing_framework), the
    cadres and civil servants of agencies with a civil-servant quota who would still be in
    post if nobody left except by natural retirement (Decree 135 pension start on Appendix I,
    int_persons_pension_dated; docs/rules.md S4, S6), against that quota. The same rule as fct_glide_path (a person leaves in the month their
    pension starts; anyone already past it leaves the month after the base month), but the
    base is the report month, not the latest one, so the report of a past month shows the
    glide path issued then. Only provinces that delivered the month in full are projected (a
    partial roster would project a false shortage); the nation adds them up. The first row,
    projection_month = report_month, equals the month's staffing balance
    (rpt_report_balance). surplus_close_month: the first month with no surplus (the report
    month itself if there is none), null if it does not close by the horizon. -#}
with months as (
    select * from {{ ref('int_roster_months_selected') }}
    where period = 'post'
),

units as (
    select * from {{ ref('int_new_units_located') }}
),

pension as (
    select * from {{ ref('int_persons_pension_dated') }}
),

complete as (
    select report_month, province_code from {{ ref('fct_delivery_status') }}
    where is_complete
),

scopes as (
    select * from {{ ref('rpt_report_scope') }}
),

framework as (
    select * from {{ ref('staffing_framework') }}
    where is_active
),

horizon as (
    select make_date(max(value)::bigint, 12, 1) as last_month
    from framework
    where parameter = 'streamlining_horizon_year'
),

staff_categories as (
    select * from {{ ref('policy_staff_categories') }}
),

-- As fct_glide_path: the civil-servant quota only (docs/rules.md S4), natural retirement on
-- Appendix I (S6).
quota as (
    select province_code, sum(staffing_quota) as staffing_quota
    from units
    where staffing_quota is not null and unit_kind is distinct from 'public_service'
    group by province_code
),

in_quota_staff as (
    select
        months.report_month,
        units.province_code,
        greatest(pension.pension_start_date_appendix_i, (months.report_month + interval 1 month)::date)::date
            as exit_month
    from months
    inner join units on units.unit_code = months.unit_code
    inner join complete
        on complete.report_month = months.report_month
        and complete.province_code = units.province_code
    inner join staff_categories
        on staff_categories.staff_category = months.staff_category
        and staff_categories.quota_kind = 'civil_servant'
    left join pension on pension.person_key = months.person_key
    where units.staffing_quota is not null and units.unit_kind is distinct from 'public_service'
),

base as (
    select report_month, province_code, count(*) as headcount
    from in_quota_staff
    group by all
),

exits as (
    select report_month, province_code, exit_month, count(*) as n_exits
    from in_quota_staff
    group by all
),

by_province as (
    select
        complete.report_month,
        complete.province_code as scope_code,
        coalesce(base.headcount, 0) as headcount,
        coalesce(quota.staffing_quota, 0) as staffing_quota
    from complete
    left join base
        on base.report_month = complete.report_month
        and base.province_code = complete.province_code
    left join quota on quota.province_code = complete.province_code
),

by_scope_base as (
    select
        report_month,
        scope_code,
        headcount,
        staffing_quota
    from by_province
    union all
    select
        report_month,
        'VN' as scope_code,
        sum(headcount) as headcount,
        sum(staffing_quota) as staffing_quota
    from by_province
    group by report_month
),

by_scope_exits as (
    select
        report_month,
        province_code as scope_code,
        exit_month,
        n_exits
    from exits
    union all
    select
        report_month,
        'VN' as scope_code,
        exit_month,
        sum(n_exits) as n_exits
    from exits
    group by report_month, exit_month
),

projection as (
    select
        by_scope_base.report_month,
        by_scope_base.scope_code,
        by_scope_base.headcount,
        by_scope_base.staffing_quota,
        unnest(generate_series(by_scope_base.report_month, horizon.last_month, interval 1 month))::date
            as projection_month
    from by_scope_base
    cross join horizon
),

projected as (
    select
        projection.report_month,
        projection.scope_code,
        projection.projection_month,
        projection.staffing_quota,
        projection.headcount - coalesce(sum(by_scope_exits.n_exits) filter (
            where by_scope_exits.exit_month <= projection.projection_month
        ), 0) as projected_headcount_in_quota,
        coalesce(sum(by_scope_exits.n_exits) filter (
            where by_scope_exits.exit_month = projection.projection_month
            and projection.projection_month > projection.report_month
        ), 0) as retirements_in_month
    from projection
    left join by_scope_exits
        on by_scope_exits.report_month = projection.report_month
        and by_scope_exits.scope_code = projection.scope_code
    group by
        projection.report_month, projection.scope_code, projection.projection_month,
        projection.staffing_quota, projection.headcount
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
