{#- The national person flows, one row per post-merger report month, counted directly (not
    summed from the province report): persons_before (everyone on any pre-merger roster) =
    stayed + moved + left_total + not_reported and persons_now (the month's roster: each
    province's latest roster in the month) = stayed + moved + joined are checked on every row.
    not_reported: not on the month's roster while their province did not deliver the month in
    full (unknown, not leavers; fct_delivery_status). joined_then_left (recruited after the
    merger and not on the month's roster) and not_reported_joined (recruited, and their
    province's month is missing) are in neither head count. -#}
{{ config(**by_report_month(tags=['by_month'])) }}

with roster as (
    select * from {{ ref('int_roster_snapshots_deduplicated') }}
),

selected as (
    select * from {{ ref('int_roster_months_selected') }}
    where {{ in_partition_months('report_month') }}
),

reconciliation as (
    select * from {{ ref('int_person_months_reconciled') }}
    where {{ in_partition_months('report_month') }}
),

report_months as (
    select distinct report_month from reconciliation
),

counted_before as (
    select count(distinct person_key) as persons_before
    from roster
    where period = 'pre'
),

counted_now as (
    select report_month, count(*) as persons_now
    from selected
    where period = 'post'
    group by report_month
),

flows as (
    select
        report_month,
        count(*) filter (where outcome = 'stayed') as stayed,
        count(*) filter (where outcome = 'moved') as moved,
        count(*) filter (where outcome = 'left') as left_total,
        count(*) filter (where outcome = 'left' and is_left_before_merger) as left_before_merger,
        count(*) filter (where outcome = 'left' and left_reason = 'decision') as left_by_decision,
        count(*) filter (where outcome = 'left' and left_reason = 'retirement') as left_by_retirement,
        count(*) filter (where outcome = 'left' and left_reason = 'unexplained') as left_unexplained,
        count(*) filter (where outcome = 'joined') as joined,
        count(*) filter (where outcome = 'joined_then_left') as joined_then_left,
        count(*) filter (where outcome = 'not_reported' and is_seen_before) as not_reported,
        count(*) filter (where outcome = 'not_reported' and not is_seen_before) as not_reported_joined
    from reconciliation
    group by report_month
),

final as (
    select
        report_months.report_month::date as report_month,
        counted_before.persons_before::bigint as persons_before,
        coalesce(flows.stayed, 0)::bigint as stayed,
        coalesce(flows.moved, 0)::bigint as moved,
        coalesce(flows.left_total, 0)::bigint as left_total,
        coalesce(flows.left_before_merger, 0)::bigint as left_before_merger,
        coalesce(flows.left_by_decision, 0)::bigint as left_by_decision,
        coalesce(flows.left_by_retirement, 0)::bigint as left_by_retirement,
        coalesce(flows.left_unexplained, 0)::bigint as left_unexplained,
        coalesce(flows.not_reported, 0)::bigint as not_reported,
        coalesce(counted_now.persons_now, 0)::bigint as persons_now,
        coalesce(flows.joined, 0)::bigint as joined,
        coalesce(flows.joined_then_left, 0)::bigint as joined_then_left,
        coalesce(flows.not_reported_joined, 0)::bigint as not_reported_joined
    from report_months
    cross join counted_before
    left join counted_now on counted_now.report_month = report_months.report_month
    left join flows on flows.report_month = report_months.report_month
)

select * from final
