{#- Hypothetical leave decisions for the cohort still in post (POLICY.md Part A): for each
    report month, each person on a roster by the first day of the next month who has no
    leave decision on or before that day, one candidate per (decree, policy) their category
    can use (rules.policy_decision_types), leaving on the first day of the next month, decided
    the day before, voluntarily. Report months run from the first to the last roster snapshot
    month (no wall-clock date). -#}
with personnel as (
    select * from {{ ref('stg_deliveries__personnel') }}
),

decisions as (
    select * from {{ ref('stg_deliveries__decisions') }}
),

decision_types as (
    select * from {{ ref('policy_decision_types') }}
),

bounds as (
    select
        cast(date_trunc('month', min(snapshot_date)) as date) as first_month,
        cast(date_trunc('month', max(snapshot_date)) as date) as last_month
    from personnel
),

report_months as (
    select
        cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date)
            as report_month
    from bounds
    where first_month is not null
),

months as (
    select
        report_month,
        cast(report_month + interval 1 month as date) as next_month
    from report_months
),

latest_roster_rows as (
    select
        months.report_month,
        months.next_month,
        personnel.person_key,
        personnel.staff_category
    from months
    inner join personnel
        on personnel.snapshot_date <= months.next_month
    qualify row_number() over (
        partition by months.report_month, personnel.person_key
        order by personnel.snapshot_date desc, personnel.unit_code, personnel.source_file
    ) = 1
),

in_post as (
    select *
    from latest_roster_rows
    where not exists (
        select 1
        from decisions
        where decisions.person_key = latest_roster_rows.person_key
            and decisions.leave_date <= latest_roster_rows.next_month
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
