{#- The retirement glide path (lộ trình nghỉ hưu) per new province: month by month from
    the latest report month to December of the streamlining horizon (2030, seed
    staffing_framework), the in-quota staff (categories with quota_kind civil_servant in seed
    policy_staff_categories, in agencies that carry a quota) who would still be in post if nobody left except by natural retirement
    on the Decree 135 ladder (int_persons_pension_dated), against the province's quota.
    Each province starts from its own latest roster (base_month: the last report month
    with a roster of the province; the latest report month when it has none), so a
    province whose latest roster is a month behind still has its staff; every province is
    projected over the same months. A person leaves in the month their pension starts;
    anyone already past it on the base roster leaves the month after the base month.
    surplus_close_month is the first month with no surplus (the first projected month if
    there is none), null if it does not close by the horizon.
    Natural retirements are projected on Appendix I for everyone (docs/rules.md S6):
    Appendix II is a right to retire earlier, not a date anyone must leave; the
    *_if_appendix_ii columns show the option beside it (everyone with the right using it).
    Only civil-servant quotas and their cadres and civil servants count (S4). -#}
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

provinces as (
    select province_code from {{ ref('dim_province') }}
    where period = 'post'
),

framework as (
    select * from {{ ref('staffing_framework') }}
    where is_active
),

staff_categories as (
    select * from {{ ref('policy_staff_categories') }}
),

base as (
    select max(report_month) as base_month from months
),

province_base as (
    select
        provinces.province_code,
        coalesce(max(months.report_month), any_value(base.base_month)) as base_month
    from provinces
    cross join base
    left join months on months.province_code = provinces.province_code
    group by provinces.province_code
),

horizon as (
    select make_date(max(value)::bigint, 12, 1) as last_month
    from framework
    where parameter = 'streamlining_horizon_year'
),

projection_months as (
    select unnest(generate_series(base.base_month, horizon.last_month, interval 1 month))::date as projection_month
    from base
    cross join horizon
),

-- The civil-servant quota only: a public service unit's quota counts public employees
-- (docs/rules.md S4).
quota as (
    select province_code, sum(staffing_quota) as staffing_quota
    from units
    where staffing_quota is not null and unit_kind is distinct from 'public_service'
    group by province_code
),

in_quota_staff as (
    select
        units.province_code,
        months.person_key,
        greatest(
            pension.pension_start_date_appendix_i, (province_base.base_month + interval 1 month)::date
        ) as exit_month,
        greatest(
            pension.pension_start_date, (province_base.base_month + interval 1 month)::date
        ) as exit_month_appendix_ii
    from months
    inner join units on units.unit_code = months.unit_code
    inner join province_base
        on province_base.province_code = units.province_code
        and province_base.base_month = months.report_month
    inner join staff_categories
        on staff_categories.staff_category = months.staff_category
        and staff_categories.quota_kind = 'civil_servant'
    left join pension on pension.person_key = months.person_key
    where units.staffing_quota is not null and units.unit_kind is distinct from 'public_service'
),

projected as (
    select
        provinces.province_code,
        projection_months.projection_month,
        count(in_quota_staff.person_key) filter (
            where in_quota_staff.exit_month is null
            or in_quota_staff.exit_month > projection_months.projection_month
        ) as projected_headcount_in_quota,
        count(in_quota_staff.person_key) filter (
            where in_quota_staff.exit_month_appendix_ii is null
            or in_quota_staff.exit_month_appendix_ii > projection_months.projection_month
        ) as projected_headcount_if_appendix_ii
    from provinces
    cross join projection_months
    left join in_quota_staff on in_quota_staff.province_code = provinces.province_code
    group by all
),

with_surplus as (
    select
        projected.*,
        province_base.base_month,
        coalesce(quota.staffing_quota, 0) as staffing_quota,
        projected.projected_headcount_in_quota - coalesce(quota.staffing_quota, 0) as projected_surplus,
        projected.projected_headcount_if_appendix_ii - coalesce(quota.staffing_quota, 0)
            as projected_surplus_if_appendix_ii,
        coalesce(
            lag(projected.projected_headcount_in_quota) over (
                partition by projected.province_code order by projected.projection_month
            ) - projected.projected_headcount_in_quota,
            0
        ) as retirements_in_month
    from projected
    inner join province_base on province_base.province_code = projected.province_code
    left join quota on quota.province_code = projected.province_code
),

final as (
    select
        province_code::varchar as province_code,
        projection_month::date as projection_month,
        base_month::date as base_month,
        projected_headcount_in_quota::bigint as projected_headcount_in_quota,
        retirements_in_month::bigint as retirements_in_month,
        staffing_quota::bigint as staffing_quota,
        projected_surplus::bigint as projected_surplus,
        (min(projection_month) filter (where projected_surplus <= 0) over (partition by province_code))::date
            as surplus_close_month,
        projected_headcount_if_appendix_ii::bigint as projected_headcount_if_appendix_ii,
        projected_surplus_if_appendix_ii::bigint as projected_surplus_if_appendix_ii
    from with_surplus
)

select * from final
