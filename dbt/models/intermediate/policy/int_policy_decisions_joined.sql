{#- Every decision the policy engine computes, with what the rules need about the person
    (docs/rules.md A2-A13), one row per (decision_no, person_key): one quyết định often lists
    many people, so a decision is its number AND its person (A15). The real leave decisions
    (stg_deliveries__decisions) and the cohort's hypothetical ones
    (int_policy_cohort_candidates, is_hypothetical) go through the same joins and the same
    engine (int_policy_entitlements_computed), so the cohort can never drift from the audit.

    - the person's latest roster row on or before the leave date
      (int_roster_snapshots_deduplicated), with its retirement point
      (int_retirement_points_computed); has_roster_row is false when there is none;
    - the arrangement date of the person's last pre-merger unit (default var merger_date;
      is_arrangement_date_assumed when the person has no pre-merger roster row);
    - the new province of the roster row's unit (a pre-merger unit via its main successor in
      the agency lineage: the largest share, then the smallest code);
    - the base salary in force the day before the leave date (policy_base_salary; a leave
      date before the first row takes the first row).
    The as-of joins stay light at national scale (millions of cohort rows x a roster row a
    month). -#}
with real_decisions as (
    select * from {{ ref('stg_deliveries__decisions') }}
),

hypothetical_decisions as (
    select * from {{ ref('int_policy_cohort_candidates') }}
),

roster as (
    select * from {{ ref('int_roster_snapshots_deduplicated') }}
),

retirement_points as (
    select * from {{ ref('int_retirement_points_computed') }}
),

units as (
    select * from {{ ref('stg_deliveries__units') }}
),

unit_lineage as (
    select * from {{ ref('stg_deliveries__lineage') }}
),

base_salary as (
    select * from {{ ref('policy_base_salary') }}
),

decisions as (
    select
        decision_no,
        person_key,
        decree,
        policy,
        decision_date,
        leave_date,
        is_voluntary,
        amount_paid_vnd,
        paid_date,
        false as is_hypothetical
    from real_decisions
    union all
    select
        decision_no,
        person_key,
        decree,
        policy,
        decision_date,
        leave_date,
        is_voluntary,
        amount_paid_vnd,
        paid_date,
        true as is_hypothetical
    from hypothetical_decisions
),

units_by_period as (
    select
        unit_code,
        period,
        min(province_code) as province_code,
        min(arrangement_date) as arrangement_date
    from units
    group by unit_code, period
),

successor_units as (
    select
        old_unit_code,
        new_unit_code
    from unit_lineage
    qualify
        row_number() over (
            partition by old_unit_code order by share desc, new_unit_code
        ) = 1
),

pre_merger_roster as (
    select
        person_key,
        snapshot_date,
        unit_code
    from roster
    where period = 'pre'
),

first_base_salary as (
    select base_salary_vnd from base_salary
    order by valid_from
    limit 1
),

at_leave as (
    select
        decisions.*,
        roster.person_key is not null as has_roster_row,
        roster.snapshot_date,
        roster.period as roster_period,
        roster.unit_code,
        roster.sex,
        roster.date_of_birth,
        roster.staff_category,
        roster.salary_coefficient,
        roster.leadership_allowance_coefficient,
        roster.beyond_frame_pct,
        roster.other_allowances_vnd,
        roster.monthly_allowance_vnd,
        roster.si_months,
        roster.hardship_years,
        roster.deferral
    from decisions
    asof left join roster
        on roster.person_key = decisions.person_key
        and roster.snapshot_date <= decisions.leave_date
),

with_pre_merger_unit as (
    select
        at_leave.*,
        pre_merger_roster.unit_code as pre_merger_unit_code
    from at_leave
    asof left join pre_merger_roster
        on pre_merger_roster.person_key = at_leave.person_key
        and pre_merger_roster.snapshot_date <= at_leave.leave_date
),

with_base_salary as (
    select
        with_pre_merger_unit.*,
        base_salary.base_salary_vnd as base_salary_in_force_vnd
    from with_pre_merger_unit
    asof left join base_salary
        on cast(with_pre_merger_unit.leave_date - interval 1 day as date) >= base_salary.valid_from
),

final as (
    select
        d.decision_no,
        d.person_key,
        d.decree,
        d.policy,
        d.decision_date,
        d.leave_date,
        d.is_voluntary,
        d.amount_paid_vnd,
        d.paid_date,
        d.is_hypothetical,
        d.has_roster_row,
        d.snapshot_date,
        d.roster_period,
        d.unit_code,
        d.sex,
        d.date_of_birth,
        d.staff_category,
        d.salary_coefficient,
        d.leadership_allowance_coefficient,
        d.beyond_frame_pct,
        d.other_allowances_vnd,
        d.monthly_allowance_vnd,
        d.si_months,
        d.hardship_years,
        d.deferral,
        retirement_points.retirement_appendix,
        retirement_points.pension_start_date,
        coalesce(pre_unit.arrangement_date, date '{{ var("merger_date") }}') as arrangement_date,
        -- No pre-merger roster row (never delivered, or quarantined): the window start is
        -- the default, not the person's own arrangement date.
        pre_unit.unit_code is null as is_arrangement_date_assumed,
        case
            when d.roster_period = 'post' then roster_unit.province_code
            else successor_unit.province_code
        end as province_code,
        coalesce(
            d.base_salary_in_force_vnd,
            (select first_base_salary.base_salary_vnd from first_base_salary)
        ) as base_salary_vnd
    from with_base_salary as d
    left join retirement_points
        on retirement_points.person_key = d.person_key
        and retirement_points.snapshot_date = d.snapshot_date
    left join units_by_period as roster_unit
        on roster_unit.unit_code = d.unit_code
        and roster_unit.period = d.roster_period
    left join successor_units
        on successor_units.old_unit_code = d.unit_code
        and d.roster_period = 'pre'
    left join units_by_period as successor_unit
        on successor_unit.unit_code = successor_units.new_unit_code
        and successor_unit.period = 'post'
    left join units_by_period as pre_unit
        on pre_unit.unit_code = d.pre_merger_unit_code
        and pre_unit.period = 'pre'
)

select * from final
