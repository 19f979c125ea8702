{#- Hypothetical leave decisions for the cohort still in post (docs/rules.md): for each
    report month with a roster, each person on the month's roster (int_roster_months_selected:
    each province's latest roster in the month) who has no leave decision on or before the
    first day of the next month, one candidate per (decree, policy) their category on that
    roster can use (rules.policy_decision_types), leaving on the first day of the next month,
    decided the day before, voluntarily. Someone who left without a decision is on no later
    month's roster, so is in no later month's cohort. No wall-clock date. -#}
with months as (
    select * from {{ ref('int_roster_months_selected') }}
),

decisions as (
    select * from {{ ref('stg_deliveries__decisions') }}
),

decision_types as (
    select * from {{ ref('policy_decision_types') }}
),

on_roster as (
    select
        report_month,
        cast(report_month + interval 1 month as date) as next_month,
        person_key,
        staff_category
    from months
),

in_post as (
    select *
    from on_roster
    where not exists (
            select 1
            from decisions
            where decisions.person_key = on_roster.person_key
                and decisions.leave_date <= on_roster.next_month
        )
),

final as (
    select
        in_post.person_key || '|' || strftime(in_post.report_month, '%Y-%m') || '|'
        || decision_types.decree || '|' || decision_types.policy as decision_no,
        in_post.person_key,
        decision_types.decree,
        decision_types.policy,
        cast(in_post.next_month - interval 1 day as date) as decision_date,
        in_post.next_month as leave_date,
        true as is_voluntary,
        cast(null as bigint) as amount_paid_vnd,
        cast(null as date) as paid_date
    from in_post
    inner join decision_types
        on decision_types.staff_category = in_post.staff_category
)

select * from final
