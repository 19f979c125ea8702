{#- The person flows per new province, with the two identities as columns to check:
    persons_before (counted on the last pre-merger roster, by the new province of the old
    unit) = stayed_out + moved_out + left, and persons_now (counted on the latest roster,
    by the current unit's province) = stayed_in + moved_in + joined. The head counts come
    from the rosters, the flows from fct_person_reconciliation, so the identities are a
    real check of the reconciliation. -#}
with roster as (
    select * from {{ ref('int_roster_snapshots_deduplicated') }}
),

units as (
    select * from {{ ref('stg_deliveries__units') }}
),

province_lineage as (
    select * from {{ ref('bridge_province_lineage') }}
),

provinces as (
    select province_code from {{ ref('dim_province') }}
    where period = 'post'
),

reconciliation as (
    select * from {{ ref('fct_person_reconciliation') }}
),

before_roster as (
    select distinct roster.person_key, province_lineage.new_province_code as province_code
    from roster
    inner join units on units.unit_code = roster.unit_code and units.period = 'pre'
    inner join province_lineage on province_lineage.old_province_code = units.province_code
    where roster.snapshot_date = (select max(snapshot_date) from roster where period = 'pre')
),

now_roster as (
    select distinct roster.person_key, units.province_code
    from roster
    inner join units on units.unit_code = roster.unit_code and units.period = 'post'
    where roster.snapshot_date = (select max(snapshot_date) from roster)
        and roster.period = 'post'
),

counted_before as (
    select province_code, count(distinct person_key) as persons_before
    from before_roster
    group by province_code
),

counted_now as (
    select province_code, count(distinct person_key) as persons_now
    from now_roster
    group by province_code
),

flows_out as (
    select
        origin_province_code as province_code,
        count(*) filter (where outcome = 'stayed') as stayed_out,
        count(*) filter (where outcome = 'moved') as moved_out,
        count(*) filter (where outcome = 'moved' and moved_scope = 'other_province') as moved_to_other_province,
        count(*) filter (where outcome = 'left') as left_total,
        count(*) filter (where outcome = 'left' and left_reason = 'decision') as left_by_decision,
        count(*) filter (where outcome = 'left' and left_reason = 'retirement') as left_by_retirement,
        count(*) filter (where outcome = 'left' and left_reason = 'unexplained') as left_unexplained
    from reconciliation
    where origin_province_code is not null
    group by origin_province_code
),

flows_in as (
    select
        current_province_code as province_code,
        count(*) filter (where outcome = 'stayed') as stayed_in,
        count(*) filter (where outcome = 'moved') as moved_in,
        count(*) filter (where outcome = 'joined') as joined
    from reconciliation
    where current_province_code is not null
    group by current_province_code
),

final as (
    select
        provinces.province_code::varchar as province_code,
        coalesce(counted_before.persons_before, 0)::bigint as persons_before,
        coalesce(flows_out.stayed_out, 0)::bigint as stayed_out,
        coalesce(flows_out.moved_out, 0)::bigint as moved_out,
        coalesce(flows_out.moved_to_other_province, 0)::bigint as moved_to_other_province,
        coalesce(flows_out.left_total, 0)::bigint as left_total,
        coalesce(flows_out.left_by_decision, 0)::bigint as left_by_decision,
        coalesce(flows_out.left_by_retirement, 0)::bigint as left_by_retirement,
        coalesce(flows_out.left_unexplained, 0)::bigint as left_unexplained,
        coalesce(counted_now.persons_now, 0)::bigint as persons_now,
        coalesce(flows_in.stayed_in, 0)::bigint as stayed_in,
        coalesce(flows_in.moved_in, 0)::bigint as moved_in,
        coalesce(flows_in.joined, 0)::bigint as joined
    from provinces
    left join counted_before on counted_before.province_code = provinces.province_code
    left join counted_now on counted_now.province_code = provinces.province_code
    left join flows_out on flows_out.province_code = provinces.province_code
    left join flows_in on flows_in.province_code = provinces.province_code
)

select * from final
