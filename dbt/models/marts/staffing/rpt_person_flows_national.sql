{#- The national person flows in one row, counted directly (not summed from the province
    report): persons_before = stayed + moved + left and persons_now = stayed + moved +
    joined are checked on it. joined_then_left (recruited after the merger and gone by the
    latest roster) is in neither head count. -#}
with roster as (
    select * from {{ ref('int_roster_snapshots_deduplicated') }}
),

reconciliation as (
    select * from {{ ref('fct_person_reconciliation') }}
),

counted as (
    select
        count(distinct person_key) filter (
            where snapshot_date = (select max(snapshot_date) from roster where period = 'pre')
        ) as persons_before,
        count(distinct person_key) filter (
            where snapshot_date = (select max(snapshot_date) from roster) and period = 'post'
        ) as persons_now
    from roster
),

flows as (
    select
        count(*) filter (where outcome = 'stayed') as stayed,
        count(*) filter (where outcome = 'moved') as moved,
        count(*) filter (where outcome = 'left') as left_total,
        count(*) filter (where outcome = 'left' and left_reason = 'decision') as left_by_decision,
        count(*) filter (where outcome = 'left' and left_reason = 'retirement') as left_by_retirement,
        count(*) filter (where outcome = 'left' and left_reason = 'unexplained') as left_unexplained,
        count(*) filter (where outcome = 'joined') as joined,
        count(*) filter (where outcome = 'joined_then_left') as joined_then_left
    from reconciliation
),

final as (
    select
        counted.persons_before::bigint as persons_before,
        flows.stayed::bigint as stayed,
        flows.moved::bigint as moved,
        flows.left_total::bigint as left_total,
        flows.left_by_decision::bigint as left_by_decision,
        flows.left_by_retirement::bigint as left_by_retirement,
        flows.left_unexplained::bigint as left_unexplained,
        counted.persons_now::bigint as persons_now,
        flows.joined::bigint as joined,
        flows.joined_then_left::bigint as joined_then_left
    from counted
    cross join flows
)

select * from final
