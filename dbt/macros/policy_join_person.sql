{#- The person behind each decision-like row (decision_no, person_key, decree, policy,
    decision_date, leave_date, is_voluntary, amount_paid_vnd, paid_date), one row per
    (decision_no, person_key): one decision number often lists many people, so every join
    here is on the number AND the person (POLICY.md A15). The latest roster
    row on or before the leave date, the arrangement date of the last pre-merger unit
    (default var merger_date), the new province of the unit, the base salary in force the day
    before the leave date. Used for real decisions (int_policy_decisions_joined) and for the
    hypothetical ones of the cohort (int_policy_cohort_joined). -#}
{% macro policy_join_person(decisions) %}
with decisions as (
    select * from {{ decisions }}
),

personnel as (
    select * from {{ ref('stg_deliveries__personnel') }}
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

units_by_period as (
    select
        unit_code,
        period,
        min(province_code) as province_code,
        min(arrangement_date) as arrangement_date
    from units
    group by unit_code, period
),

-- An old agency's main successor: the largest share, then the smallest code.
successor_units as (
    select old_unit_code, new_unit_code
    from unit_lineage
    qualify row_number() over (
        partition by old_unit_code order by share desc, new_unit_code
    ) = 1
),

-- One roster row per person and snapshot (ingest already quarantines a person listed twice
-- in one snapshot; the order makes any survivor deterministic).
personnel_once as (
    select * from personnel
    qualify row_number() over (
        partition by person_key, snapshot_date order by unit_code, source_file
    ) = 1
),

-- The latest roster row on or before the leave date: an as-of join, which stays light at
-- national scale (millions of cohort rows x a roster row a month).
roster_at_leave as (
    select
        decisions.decision_no,
        personnel_once.*
    from decisions
    asof inner join personnel_once
        on personnel_once.person_key = decisions.person_key
        and decisions.leave_date >= personnel_once.snapshot_date
),

last_pre_merger_unit as (
    select
        decisions.decision_no,
        decisions.person_key,
        pre_roster.unit_code
    from decisions
    asof inner join (select * from personnel_once where period = 'pre') as pre_roster
        on pre_roster.person_key = decisions.person_key
        and decisions.leave_date >= pre_roster.snapshot_date
),

first_base_salary as (
    select base_salary_vnd from base_salary order by valid_from limit 1
),

base_salary_at_leave as (
    select
        decisions.decision_no,
        decisions.person_key,
        base_salary.base_salary_vnd
    from decisions
    asof left join base_salary
        on cast(decisions.leave_date - interval 1 day as date) >= base_salary.valid_from
),

final as (
    select
        decisions.decision_no,
        decisions.person_key,
        decisions.decree,
        decisions.policy,
        decisions.decision_date,
        decisions.leave_date,
        decisions.is_voluntary,
        decisions.amount_paid_vnd,
        decisions.paid_date,
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
        nullif(roster.deferral, '') as deferral,
        coalesce(
            pre_unit.arrangement_date, date '{{ var("merger_date") }}'
        ) as arrangement_date,
        -- No pre-merger roster row (never delivered, or quarantined): the window start is
        -- the default, not the person's own arrangement date.
        pre_unit.unit_code is null as is_arrangement_date_assumed,
        case
            when roster.period = 'post' then roster_unit.province_code
            else successor_unit.province_code
        end as province_code,
        coalesce(
            base_salary_at_leave.base_salary_vnd,
            (select base_salary_vnd from first_base_salary)
        ) as base_salary_vnd
    from decisions
    left join roster_at_leave as roster
        on roster.decision_no = decisions.decision_no
        and roster.person_key = decisions.person_key
    left join units_by_period as roster_unit
        on roster_unit.unit_code = roster.unit_code
        and roster_unit.period = roster.period
    left join successor_units
        on successor_units.old_unit_code = roster.unit_code
        and roster.period = 'pre'
    left join units_by_period as successor_unit
        on successor_unit.unit_code = successor_units.new_unit_code
        and successor_unit.period = 'post'
    left join last_pre_merger_unit
        on last_pre_merger_unit.decision_no = decisions.decision_no
        and last_pre_merger_unit.person_key = decisions.person_key
    left join units_by_period as pre_unit
        on pre_unit.unit_code = last_pre_merger_unit.unit_code
        and pre_unit.period = 'pre'
    left join base_salary_at_leave
        on base_salary_at_leave.decision_no = decisions.decision_no
        and base_salary_at_leave.person_key is not distinct from decisions.person_key
)

select * from final
{% endmacro %}
