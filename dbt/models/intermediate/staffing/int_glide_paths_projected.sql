{#- The retirement glide path (lộ trình nghỉ hưu), the one place it is computed: for every
    post-merger report month taken as the base and every new province, month by month from
    the base month to December of the streamlining horizon (seed staffing_framework), the
    cadres and civil servants (categories with quota_kind civil_servant in seed
    policy_staff_categories) of agencies with a civil-servant quota (docs/rules.md S4) on
    the base month's roster who would still be in post if nobody left except by natural
    retirement, against the province's civil-servant quota.
    A person leaves in the month their pension starts on Appendix I (docs/rules.md S6:
    Appendix II is a right to retire earlier, not a date anyone must leave); anyone already
    past it on the base roster leaves the month after the base month. The
    *_if_appendix_ii columns show the option of everyone with the right using it.
    Projected headcount = the base headcount minus the exits up to the month, so the model
    counts people once per base month and projects aggregates, not persons.
    fct_glide_path reads each province's latest base; rpt_report_glide_path reads the base
    that is the report month. -#}
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

framework as (
    select * from {{ ref('staffing_framework') }}
    where is_active
),

staff_categories as (
    select * from {{ ref('policy_staff_categories') }}
),

horizon as (
    select make_date(max(value)::bigint, 12, 1) as last_month
    from framework
    where parameter = 'streamlining_horizon_year'
),

-- The civil-servant quota only: a public service unit's quota counts public employees (S4).
quota_units as (
    select * from units
    where staffing_quota is not null and quota_kind = 'civil_servant'
),

quota as (
    select province_code, sum(staffing_quota) as staffing_quota
    from quota_units
    group by province_code
),

in_quota_staff as (
    select
        months.report_month as base_month,
        quota_units.province_code,
        greatest(
            pension.pension_start_date_appendix_i, (months.report_month + interval 1 month)::date
        ) as exit_month,
        greatest(
            pension.pension_start_date, (months.report_month + interval 1 month)::date
        ) as exit_month_if_appendix_ii
    from months
    inner join quota_units on quota_units.unit_code = months.unit_code
    inner join staff_categories
        on staff_categories.staff_category = months.staff_category
        and staff_categories.quota_kind = 'civil_servant'
    left join pension on pension.person_key = months.person_key
),

headcounts as (
    select base_month, province_code, count(*) as headcount
    from in_quota_staff
    group by all
),

exits as (
    select base_month, province_code, exit_month as projection_month, count(*) as n_exits
    from in_quota_staff
    group by all
),

exits_if_appendix_ii as (
    select base_month, province_code, exit_month_if_appendix_ii as projection_month, count(*) as n_exits
    from in_quota_staff
    group by all
),

bases as (
    select distinct report_month as base_month from months
),

provinces as (
    select province_code from units
    union
    select province_code from months
),

grid as (
    select
        bases.base_month,
        provinces.province_code,
        unnest(generate_series(bases.base_month, horizon.last_month, interval 1 month))::date
            as projection_month
    from bases
    cross join provinces
    cross join horizon
),

projected as (
    select
        grid.base_month,
        grid.province_code,
        grid.projection_month,
        coalesce(headcounts.headcount, 0) as headcount,
        coalesce(quota.staffing_quota, 0) as staffing_quota,
        coalesce(exits.n_exits, 0) as retirements_in_month,
        coalesce(headcounts.headcount, 0) - sum(coalesce(exits.n_exits, 0)) over (
            partition by grid.base_month, grid.province_code order by grid.projection_month
        ) as projected_headcount_in_quota,
        coalesce(headcounts.headcount, 0) - sum(coalesce(exits_if_appendix_ii.n_exits, 0)) over (
            partition by grid.base_month, grid.province_code order by grid.projection_month
        ) as projected_headcount_if_appendix_ii
    from grid
    left join headcounts
        on headcounts.base_month = grid.base_month
        and headcounts.province_code = grid.province_code
    left join quota on quota.province_code = grid.province_code
    left join exits
        on exits.base_month = grid.base_month
        and exits.province_code = grid.province_code
        and exits.projection_month = grid.projection_month
    left join exits_if_appendix_ii
        on exits_if_appendix_ii.base_month = grid.base_month
        and exits_if_appendix_ii.province_code = grid.province_code
        and exits_if_appendix_ii.projection_month = grid.projection_month
),

final as (
    select
        base_month::date as base_month,
        province_code::varchar as province_code,
        projection_month::date as projection_month,
        headcount::bigint as headcount_in_quota,
        projected_headcount_in_quota::bigint as projected_headcount_in_quota,
        retirements_in_month::bigint as retirements_in_month,
        staffing_quota::bigint as staffing_quota,
        (projected_headcount_in_quota - staffing_quota)::bigint as projected_surplus,
        projected_headcount_if_appendix_ii::bigint as projected_headcount_if_appendix_ii,
        (projected_headcount_if_appendix_ii - staffing_quota)::bigint as projected_surplus_if_appendix_ii
    from projected
)

select * from final
