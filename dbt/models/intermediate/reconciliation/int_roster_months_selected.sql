{#- The post-merger rosters by report month: the month's last snapshot (month-end), one row
    per person (int_roster_snapshots_deduplicated).
    report_month is the first day of the snapshot's month: snapshot 2025-07-31 reports
    2025-07-01. -#}
with roster as (
    select * from {{ ref('int_roster_snapshots_deduplicated') }}
    where period = 'post'
),

month_snapshots as (
    select
        date_trunc('month', snapshot_date)::date as report_month,
        max(snapshot_date) as snapshot_date
    from roster
    group by 1
),

final as (
    select
        month_snapshots.report_month,
        roster.snapshot_date,
        roster.person_key,
        roster.unit_code,
        roster.staff_category,
        roster.is_leader,
        roster.field
    from roster
    inner join month_snapshots on month_snapshots.snapshot_date = roster.snapshot_date
)

select * from final
