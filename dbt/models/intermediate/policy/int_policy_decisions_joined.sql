{#- Every decision the policy engine computes, with what the rules need about the person
    (docs/rules.md A2-A13), one row per (decision_no, person_key): one quyết định often lists
    many people, so a decision is its number AND its person (A15). The real leave decisions
    (stg_deliveries__decisions) and the cohort's hypothetical ones
    (int_policy_cohort_candidates, is_hypothetical) go through the same joins and the same
    engine (int_policy_entitlements_computed), so the cohort can never drift from the audit.

    - the person's latest roster row on or before the leave date, with its retirement point
      (int_retirement_points_computed: every roster row with its point and the roster
      columns read here, so one lookup finds both); has_roster_row is false when there
      is none;
    - the arrangement date of the person's last pre-merger unit on or before the leave date
      (default var merger_date; is_arrangement_date_assumed when the person has no such
      pre-merger roster row);
    - the new province of the roster row's unit (a pre-merger unit via its main successor in
      the agency lineage: the largest share, then the smallest code);
    - the base salary in force the day before the leave date (policy_base_salary; a leave
      date before the first row takes the first row).

    All of it depends on the person and the leave date, not on the path: a person in post
    in a report month (int_policy_cohort_candidates, one leave date) is looked up once and
    given one hypothetical decision per (decree, policy) their category on that month's
    roster can use (rules.policy_decision_types) at the end, decision_no =
    person_key|YYYY-MM|decree|policy, voluntary (but not an early retirement the cohort would
    never show: last_band below). At national scale that is 7 million lookups rather than
    13 million. The last pre-merger row on or before the leave date is the
    roster row on or before it when that row is pre-merger, else (a post-merger row: the
    leave date is after every pre-merger snapshot) the person's last pre-merger row.
    A view, computed within int_policy_entitlements_computed (one row per row of it); its
    yml says where the grain is checked. -#}
with real_decisions as (
    select * from {{ ref('stg_deliveries__decisions') }}
),

hypothetical_decisions as (
    select * from {{ ref('int_policy_cohort_candidates') }}
),

-- Every roster row with its retirement point. Read five times below: not materialized, so
-- each reads the table (and only the columns it needs) instead of a copy of all of it.
roster as not materialized (
    select
        person_key,
        snapshot_date,
        period as roster_period,
        unit_code,
        sex,
        date_of_birth,
        staff_category,
        salary_coefficient,
        leadership_allowance_coefficient,
        beyond_frame_pct,
        other_allowances_vnd,
        monthly_allowance_vnd,
        si_months,
        hardship_years,
        deferral,
        retirement_appendix,
        pension_start_date
    from {{ ref('int_retirement_points_computed') }}
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

decision_types as (
    select * from {{ ref('policy_decision_types') }}
),

-- A hypothetical early retirement more months early than the last band (A8) fails (too_early)
-- whatever else holds. Where the category can resign under the same decree, with at least
-- the months A10 asks, it is not spelled out: the cohort takes the resignation, which passes
-- every rule the early retirement would have passed first, and when it fails, fails on the
-- same rule, so the cohort's row is the same. The rules before the policy's own are the
-- person's, the leave date's, the decree's and the category's: so only where the roster row
-- at the leave date has the category the paths were chosen by (a person whose category
-- changed on the 1st keeps both). At national scale 5.4 of 13.4 million hypothetical
-- decisions, the cohort's query 21.3-21.9 s -> 17.7-19.0 s.
last_band as (
    select max(max_months_early) as max_months_early
    from {{ ref('policy_early_retirement_bands') }}
),

resignation_rule as (
    select * from {{ ref('policy_resignation') }}
),

resignation_types as (
    select decree, staff_category from decision_types
    where policy = 'resignation'
),

-- What is looked up once per row: a real decision, or a person in post in a report month
-- (whose decisions, one per path, are spelled out last).
real_rows as (
    select
        person_key,
        leave_date,
        false as is_hypothetical,
        decision_no,
        decree,
        policy,
        decision_date,
        is_voluntary,
        amount_paid_vnd,
        paid_date,
        cast(null as date) as report_month,
        cast(null as varchar) as candidate_staff_category
    from real_decisions
),

hypothetical_rows as (
    select
        person_key,
        leave_date,
        true as is_hypothetical,
        null as decision_no,
        null as decree,
        null as policy,
        decision_date,
        true as is_voluntary,
        cast(null as bigint) as amount_paid_vnd,
        cast(null as date) as paid_date,
        report_month,
        staff_category as candidate_staff_category
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

last_pre_merger_unit as (
    select
        person_key,
        arg_max(unit_code, snapshot_date) as unit_code
    from roster
    where roster_period = 'pre'
    group by person_key
),

first_base_salary as (
    select base_salary_vnd from base_salary
    order by valid_from
    limit 1
),

-- The base salary in force on a day: from its valid_from to the next row's.
base_salary_periods as (
    select
        base_salary_vnd,
        valid_from,
        lead(valid_from) over (order by valid_from) as valid_to
    from base_salary
),

-- The person's latest roster row on or before the leave date, with its retirement point (the
-- table holds both: at national scale, looking up the date first and joining the row and then
-- its point to it took three joins of 7 million rows): the latest of the person's roster
-- dates in a range, found by equi-joins, then that row.
-- - a real decision (a few hundred thousand): every date on or before the leave date (0.9 s at
--   national scale, against 4 s for an as-of join, whose cost is sorting every roster row);
-- - a hypothetical one (7 million on a full build, one per person and report month M, leaving
--   on the first day of M + 1): the person is on M's roster (int_roster_months_selected), so
--   the row is dated in M or on the leave date itself, and only those are looked at, by an
--   equi-join on (person, month). A build of two months finds them in 0.7-0.9 s at national
--   scale where an as-of join, sorting every roster row, took 2.9-3.3 s; all 16 months take
--   4.6-4.9 s against 5.0-5.8 s.
-- The same rows either way; each mart reads one half, the other is pruned.
real_roster_dates as (
    select
        keys.person_key,
        keys.leave_date,
        max(roster.snapshot_date) as snapshot_date
    from (select distinct person_key, leave_date from real_rows) as keys
    inner join roster
        on roster.person_key = keys.person_key
        and roster.snapshot_date <= keys.leave_date
    group by keys.person_key, keys.leave_date
),

real_at_leave as (
    select
        d.*,
        roster.person_key is not null as has_roster_row,
        roster.* exclude (person_key)  -- noqa: RF02
    from real_rows as d
    left join real_roster_dates
        on real_roster_dates.person_key = d.person_key
        and real_roster_dates.leave_date = d.leave_date
    left join roster
        on roster.person_key = d.person_key
        and roster.snapshot_date = real_roster_dates.snapshot_date
),

-- A hypothetical decision's roster dates: the person's rows of the report month and of the
-- leave date (the first day of the next month, which a roster row dated that day also
-- belongs to).
roster_by_month as (
    select
        person_key,
        snapshot_date,
        unnest(
            case
                when day(snapshot_date) = 1
                    then [
                            cast(date_trunc('month', snapshot_date) as date),
                            cast(date_trunc('month', snapshot_date) - interval 1 month as date)
                        ]
                else [cast(date_trunc('month', snapshot_date) as date)]
            end
        ) as report_month
    from roster
),

hypothetical_roster_dates as (
    select
        hypothetical_rows.person_key,
        hypothetical_rows.leave_date,
        max(roster_by_month.snapshot_date) as snapshot_date
    from hypothetical_rows
    inner join roster_by_month
        on roster_by_month.person_key = hypothetical_rows.person_key
        and roster_by_month.report_month = hypothetical_rows.report_month
    where roster_by_month.snapshot_date <= hypothetical_rows.leave_date
    group by hypothetical_rows.person_key, hypothetical_rows.leave_date
),

hypothetical_at_leave as (
    select
        d.*,
        roster.person_key is not null as has_roster_row,
        roster.* exclude (person_key)  -- noqa: RF02
    from hypothetical_rows as d
    left join hypothetical_roster_dates
        on hypothetical_roster_dates.person_key = d.person_key
        and hypothetical_roster_dates.leave_date = d.leave_date
    left join roster
        on roster.person_key = d.person_key
        and roster.snapshot_date = hypothetical_roster_dates.snapshot_date
),

at_leave as (
    select
        d.*,
        case
            when d.roster_period = 'pre' then d.unit_code
            when d.roster_period = 'post' then last_pre_merger_unit.unit_code
        end as pre_merger_unit_code
    from (
        select * from real_at_leave
        union all
        select * from hypothetical_at_leave
    ) as d
    left join last_pre_merger_unit
        on last_pre_merger_unit.person_key = d.person_key
),

placed as (
    select
        p.*,
        coalesce(pre_unit.arrangement_date, date '{{ var("merger_date") }}') as arrangement_date,
        -- No pre-merger roster row (never delivered, or quarantined): the window start is
        -- the default, not the person's own arrangement date.
        pre_unit.unit_code is null as is_arrangement_date_assumed,
        case
            when p.roster_period = 'post' then roster_unit.province_code
            else successor_unit.province_code
        end as province_code,
        coalesce(
            base_salary_periods.base_salary_vnd,
            (select first_base_salary.base_salary_vnd from first_base_salary)
        ) as base_salary_vnd
    from at_leave as p
    left join units_by_period as roster_unit
        on roster_unit.unit_code = p.unit_code
        and roster_unit.period = p.roster_period
    left join successor_units
        on successor_units.old_unit_code = p.unit_code
        and p.roster_period = 'pre'
    left join units_by_period as successor_unit
        on successor_unit.unit_code = successor_units.new_unit_code
        and successor_unit.period = 'post'
    left join units_by_period as pre_unit
        on pre_unit.unit_code = p.pre_merger_unit_code
        and pre_unit.period = 'pre'
    left join base_salary_periods
        on cast(p.leave_date - interval 1 day as date) >= base_salary_periods.valid_from
        and (
            base_salary_periods.valid_to is null
            or cast(p.leave_date - interval 1 day as date) < base_salary_periods.valid_to
        )
),

-- A person in post leaves by each (decree, policy) their category can use; a real decision
-- is itself.
final as (
    select
        case
            when d.is_hypothetical
                then
                    d.person_key || '|' || strftime(d.report_month, '%Y-%m') || '|'
                    || decision_types.decree || '|' || decision_types.policy
            else d.decision_no
        end as decision_no,
        d.person_key,
        case when d.is_hypothetical then decision_types.decree else d.decree end as decree,
        case when d.is_hypothetical then decision_types.policy else d.policy end as policy,
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
        d.retirement_appendix,
        d.pension_start_date,
        d.arrangement_date,
        d.is_arrangement_date_assumed,
        d.province_code,
        d.base_salary_vnd
    from placed as d
    left join decision_types
        on d.is_hypothetical
        and decision_types.staff_category = d.candidate_staff_category
    left join resignation_types
        on resignation_types.decree = decision_types.decree
        and resignation_types.staff_category = decision_types.staff_category
    cross join last_band
    cross join resignation_rule
    where
        not d.is_hypothetical
        or (
            decision_types.staff_category is not null
            and not coalesce(
                decision_types.policy = 'early_retirement'
                and resignation_types.decree is not null
                and d.staff_category = d.candidate_staff_category
                and {{ policy_months_early('d.pension_start_date', 'd.leave_date') }}
                > last_band.max_months_early
                and {{ policy_months_early('d.pension_start_date', 'd.leave_date') }}
                >= resignation_rule.min_months_early,
                false
            )
        )
)

select * from final
