{#- The cohort still in post (docs/rules.md), the people who get hypothetical leave
    decisions: for each report month with a roster, each person on the month's roster
    (int_roster_months_selected: each province's latest roster in the month) who has no leave
    decision on or before the first day of the next month, one row per (report_month,
    person_key) with the staff category of that roster row, leaving on the first day of the
    next month, decided the day before. int_policy_decisions_joined gives each of them one
    voluntary decision per (decree, policy) the category can use (rules.policy_decision_types).
    Someone who left without a decision is on no later month's roster, so is in no later
    month's cohort. No wall-clock date. A view: its one reader expands it. -#}
with months as (
    select * from {{ ref('int_roster_months_selected') }}
),

decisions as (
    select * from {{ ref('stg_deliveries__decisions') }}
),

on_roster as (
    select
        report_month,
        cast(report_month + interval 1 month as date) as next_month,
        person_key,
        staff_category
    from months
),

-- An anti-join, not a correlated `not exists`: DuckDB decorrelates that into a grouping of
-- every roster month that the run's months are not pushed into (a build of two months grouped
-- all 7.3 million rows at national scale).
in_post as (
    select on_roster.*
    from on_roster
    anti join decisions
        on decisions.person_key = on_roster.person_key
        and decisions.leave_date <= on_roster.next_month
),

final as (
    select
        report_month,
        person_key,
        staff_category,
        cast(next_month - interval 1 day as date) as decision_date,
        next_month as leave_date
    from in_post
)

select * from final
