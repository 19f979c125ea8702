{#- The staffing balance (cân đối biên chế) per report month and new unit. A "new unit" is
    a post-merger agency (stg_deliveries__units, period post): province departments and,
    per new commune, its People's Committee office, departments, service centre, Party and
    mass-organisation bodies. Every agency gets a row every month, staffed or not, so a
    unit nobody reports to shows as a full shortage. norm_posts carries the commune
    framework norm (int_commune_norms_computed) on the commune's government agencies,
    apportioned by their share of the commune's government quota (equally if the commune
    has no quota); it is null for province agencies and other kinds, for which docs/rules.md
    sets no norm. Exact integer norms per commune are in rpt_staffing_balance_commune.
    A province whose roster of the month is not `delivered` (int_province_months_delivered:
    incomplete, rejected, not delivered) has its agencies' rows with delivery_status saying
    so and every head count, surplus and leader figure null: unknown, never a shortage.
    leaders_allowed (Resolution 332/NQ-CP, docs/rules.md S5) applies from the report month
    containing the seed row's valid_from (15 Oct 2025); null before.
    The quota is of the unit's kind (docs/rules.md S4, quota_kind): a public service unit's
    is a number of public employees, counted against its public employees; every other
    unit's is a civil-servant quota, counted against cadres and civil servants (categories of
    that quota_kind in seed policy_staff_categories). -#}
{{ config(**by_report_month(tags=['monthly'])) }}

with months as (
    select * from {{ ref('int_roster_months_selected') }}
    where period = 'post' and {{ in_partition_months('report_month') }}
),

units as (
    select * from {{ ref('int_new_units_located') }}
),

norms as (
    select * from {{ ref('int_commune_norms_computed') }}
),

delivery as (
    select * from {{ ref('int_province_months_delivered') }}
),

framework as (
    select * from {{ ref('staffing_framework') }}
    where is_active
),

staff_categories as (
    select * from {{ ref('policy_staff_categories') }}
),

leaders_rule as (
    select
        max(value) as leaders_per_commune_agency,
        cast(date_trunc('month', max(valid_from)) as date) as first_month
    from framework
    where parameter = 'leaders_per_commune_agency'
),

report_months as (
    select distinct report_month from months
),

counts as (
    select
        months.report_month,
        months.unit_code,
        count(*) as headcount,
        count(*) filter (where months.staff_category = 'cadre') as headcount_cadre,
        count(*) filter (where months.staff_category = 'civil_servant') as headcount_civil_servant,
        count(*) filter (where months.staff_category = 'public_employee') as headcount_public_employee,
        count(*) filter (where months.staff_category = 'contract_worker') as headcount_contract_worker,
        count(*) filter (where months.staff_category = 'commune_part_time') as headcount_commune_part_time,
        count(*) filter (where staff_categories.quota_kind = 'civil_servant') as headcount_civil_servant_kind,
        count(*) filter (where staff_categories.quota_kind = 'public_employee') as headcount_public_employee_kind,
        count(*) filter (where months.is_leader) as leaders
    from months
    left join staff_categories on staff_categories.staff_category = months.staff_category
    group by months.report_month, months.unit_code
),

counts_of_kind as (
    select
        counts.report_month,
        counts.unit_code,
        case
            when units.quota_kind = 'public_employee' then counts.headcount_public_employee_kind
            else counts.headcount_civil_servant_kind
        end as headcount_in_quota
    from counts
    inner join units on units.unit_code = counts.unit_code
),

government_quota as (
    select
        commune_code,
        sum(coalesce(staffing_quota, 0)) as commune_quota,
        count(*) as n_government_units
    from units
    where level = 'commune' and unit_kind = 'government'
    group by commune_code
),

spine as (
    select
        report_months.report_month,
        units.*,
        coalesce(delivery.delivery_status, 'not_delivered') as delivery_status,
        coalesce(delivery.delivery_status = 'delivered', false) as is_known
    from report_months
    cross join units
    left join delivery
        on delivery.report_month = report_months.report_month
        and delivery.province_code = units.province_code
),

final as (
    select
        spine.report_month::date as report_month,
        spine.unit_code::varchar as unit_code,
        spine.province_code::varchar as province_code,
        spine.commune_code::varchar as commune_code,
        spine.unit_name::varchar as unit_name,
        spine.level::varchar as level,
        spine.unit_kind::varchar as unit_kind,
        case when spine.is_known then coalesce(counts.headcount, 0) end::bigint as headcount,
        case when spine.is_known then coalesce(counts.headcount_cadre, 0) end::bigint as headcount_cadre,
        case when spine.is_known then coalesce(counts.headcount_civil_servant, 0) end::bigint as headcount_civil_servant,
        case when spine.is_known then coalesce(counts.headcount_public_employee, 0) end::bigint as headcount_public_employee,
        case when spine.is_known then coalesce(counts.headcount_contract_worker, 0) end::bigint as headcount_contract_worker,
        case when spine.is_known then coalesce(counts.headcount_commune_part_time, 0) end::bigint as headcount_commune_part_time,
        spine.quota_kind::varchar as quota_kind,
        (case when spine.is_known then coalesce(counts_of_kind.headcount_in_quota, 0) end)::bigint
            as headcount_in_quota,
        spine.staffing_quota::integer as staffing_quota,
        (case
            when spine.level = 'commune' and spine.unit_kind = 'government'
                then round(
                        norms.norm_posts * case
                            when government_quota.commune_quota > 0
                                then coalesce(spine.staffing_quota, 0)::double / government_quota.commune_quota
                            else 1.0 / government_quota.n_government_units
                        end, 2
                    )
        end)::decimal(9, 2) as norm_posts,
        (case
            when spine.is_known then coalesce(counts_of_kind.headcount_in_quota, 0) - spine.staffing_quota
        end)::bigint as surplus,
        (case when spine.is_known then coalesce(counts.leaders, 0) end)::bigint as leaders,
        (case
            when
                spine.level = 'commune' and spine.unit_kind = 'government'
                and spine.report_month >= coalesce(leaders_rule.first_month, spine.report_month)
                then leaders_rule.leaders_per_commune_agency
        end)::integer as leaders_allowed,
        (case
            when
                spine.is_known and spine.level = 'commune' and spine.unit_kind = 'government'
                and spine.report_month >= coalesce(leaders_rule.first_month, spine.report_month)
                then coalesce(counts.leaders, 0) - leaders_rule.leaders_per_commune_agency
        end)::bigint as leaders_over_allowed,
        spine.delivery_status::varchar as delivery_status
    from spine
    cross join leaders_rule
    left join counts
        on counts.report_month = spine.report_month
        and counts.unit_code = spine.unit_code
    left join counts_of_kind
        on counts_of_kind.report_month = spine.report_month
        and counts_of_kind.unit_code = spine.unit_code
    left join norms on norms.commune_code = spine.commune_code
    left join government_quota on government_quota.commune_code = spine.commune_code
)

select * from final
