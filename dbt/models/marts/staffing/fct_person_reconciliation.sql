{#- One row per person ever on a roster, followed from the old structure to the new one.
    Before = on the last pre-merger snapshot; now = on the latest snapshot. The outcome is
    judged on the current unit against the lineage of the last pre-merger unit
    (int_unit_lineage_resolved). A leaver is explained by a decision whose leave date is
    on or before the first snapshot without the person (the latest such), else by a
    natural retirement (Decree 135 pension start on or before that snapshot), else flagged
    unexplained. -#}
with roster as (
    select * from {{ ref('int_roster_snapshots_deduplicated') }}
),

units as (
    select * from {{ ref('stg_deliveries__units') }}
),

lineage as (
    select distinct old_unit_code, new_unit_code from {{ ref('int_unit_lineage_resolved') }}
),

territory as (
    select * from {{ ref('int_old_units_mapped') }}
),

pension as (
    select * from {{ ref('int_persons_pension_dated') }}
),

decisions as (
    select * from {{ ref('stg_deliveries__decisions') }}
),

person_snapshots as (
    select person_key, snapshot_date, period, unit_code, staff_category
    from roster
),

snapshot_dates as (
    select
        snapshot_date,
        lead(snapshot_date) over (order by snapshot_date) as next_snapshot_date
    from (select distinct snapshot_date from roster)
),

latest as (
    select max(snapshot_date) as latest_snapshot_date from roster
),

last_pre as (
    select * from person_snapshots
    where period = 'pre'
    qualify row_number() over (partition by person_key order by snapshot_date desc) = 1
),

first_post as (
    select * from person_snapshots
    where period = 'post'
    qualify row_number() over (partition by person_key order by snapshot_date) = 1
),

current_roster as (
    select person_snapshots.*
    from person_snapshots
    inner join latest on latest.latest_snapshot_date = person_snapshots.snapshot_date
    where person_snapshots.period = 'post'
),

persons as (
    select
        seen.person_key,
        seen.last_seen_snapshot_date,
        snapshot_dates.next_snapshot_date as first_absent_snapshot_date
    from (
        select person_key, max(snapshot_date) as last_seen_snapshot_date
        from person_snapshots
        group by person_key
    ) as seen
    left join snapshot_dates on snapshot_dates.snapshot_date = seen.last_seen_snapshot_date
),

origin as (
    select distinct old_unit_code, new_province_code from territory
),

within_area as (
    select distinct last_pre.person_key
    from last_pre
    inner join current_roster on current_roster.person_key = last_pre.person_key
    inner join units as new_unit
        on new_unit.unit_code = current_roster.unit_code and new_unit.period = 'post'
    inner join territory on territory.old_unit_code = last_pre.unit_code
    where (new_unit.level = 'commune' and new_unit.commune_code = territory.new_commune_code)
        or (
            new_unit.level = 'province'
            and territory.old_level in ('province', 'district')
            and new_unit.province_code = territory.new_province_code
        )
),

explaining_decision as (
    select
        persons.person_key,
        decisions.decision_no,
        decisions.decree,
        decisions.policy,
        decisions.leave_date
    from persons
    inner join decisions on decisions.person_key = persons.person_key
    where persons.first_absent_snapshot_date is not null
        and decisions.leave_date <= persons.first_absent_snapshot_date
    qualify row_number() over (
        partition by persons.person_key order by decisions.leave_date desc, decisions.decision_no desc
    ) = 1
),

joined as (
    select
        persons.person_key,
        last_pre.snapshot_date as last_pre_snapshot_date,
        last_pre.unit_code as last_pre_unit_code,
        last_pre.staff_category as last_pre_staff_category,
        origin.new_province_code as origin_province_code,
        first_post.snapshot_date as first_post_snapshot_date,
        first_post.unit_code as first_post_unit_code,
        current_roster.unit_code as current_unit_code,
        current_unit.province_code as current_province_code,
        current_roster.staff_category as current_staff_category,
        lineage.old_unit_code is not null as is_successor,
        within_area.person_key is not null as is_within_area,
        persons.last_seen_snapshot_date,
        persons.first_absent_snapshot_date,
        pension.pension_start_date,
        explaining_decision.decision_no,
        explaining_decision.decree as decision_decree,
        explaining_decision.policy as decision_policy,
        explaining_decision.leave_date as decision_leave_date
    from persons
    left join last_pre on last_pre.person_key = persons.person_key
    left join origin on origin.old_unit_code = last_pre.unit_code
    left join first_post on first_post.person_key = persons.person_key
    left join current_roster on current_roster.person_key = persons.person_key
    left join units as current_unit
        on current_unit.unit_code = current_roster.unit_code and current_unit.period = 'post'
    left join lineage
        on lineage.old_unit_code = last_pre.unit_code
        and lineage.new_unit_code = current_roster.unit_code
    left join within_area on within_area.person_key = persons.person_key
    left join pension on pension.person_key = persons.person_key
    left join explaining_decision on explaining_decision.person_key = persons.person_key
),

classified as (
    select
        *,
        case
            when last_pre_unit_code is not null and current_unit_code is not null
                then case when is_successor then 'stayed' else 'moved' end
            when last_pre_unit_code is not null then 'left'
            when current_unit_code is not null then 'joined'
            else 'joined_then_left'
        end as outcome,
        case
            when current_unit_code is not null then null
            when decision_no is not null then 'decision'
            when pension_start_date <= first_absent_snapshot_date then 'retirement'
            else 'unexplained'
        end as left_reason
    from joined
),

final as (
    select
        person_key::varchar as person_key,
        outcome::varchar as outcome,
        origin_province_code::varchar as origin_province_code,
        last_pre_snapshot_date::date as last_pre_snapshot_date,
        last_pre_unit_code::varchar as last_pre_unit_code,
        last_pre_staff_category::varchar as last_pre_staff_category,
        first_post_snapshot_date::date as first_post_snapshot_date,
        first_post_unit_code::varchar as first_post_unit_code,
        current_unit_code::varchar as current_unit_code,
        current_province_code::varchar as current_province_code,
        current_staff_category::varchar as current_staff_category,
        (case when outcome in ('stayed', 'moved') then is_successor end)::boolean as is_lineage_successor,
        (case
            when outcome <> 'moved' then null
            when is_within_area then 'within_area'
            when current_province_code = origin_province_code then 'same_province'
            else 'other_province'
        end)::varchar as moved_scope,
        last_seen_snapshot_date::date as last_seen_snapshot_date,
        date_trunc('month', first_absent_snapshot_date)::date as left_month,
        left_reason::varchar as left_reason,
        coalesce(left_reason = 'unexplained', false)::boolean as is_unexplained_leaver,
        decision_no::varchar as decision_no,
        decision_decree::varchar as decision_decree,
        decision_policy::varchar as decision_policy,
        decision_leave_date::date as decision_leave_date
    from classified
)

select * from final
