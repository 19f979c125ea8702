{#- Where every person stands in every post-merger report month M (July 2025 on, every month
    with a roster): one row per (report_month, person) for each person seen on any
    pre-merger roster (a snapshot before the merger date; rosters may start in January
    2025) and each person seen on a post-merger roster by M. What a person has the same in
    every month (their last pre-merger and first post-merger roster rows) is kept once per
    person in int_persons_before_after; a row here carries only is_seen_before and the origin
    province from it, which the flows count by.

    - stayed / moved: on M's roster (int_roster_months_selected: each province's latest
      roster in M) and on a pre-merger roster; stayed when the unit in M is a lineage
      successor (int_unit_lineage_resolved) of the last pre-merger unit, else moved.
    - left: on a pre-merger roster and not on M's roster. is_left_before_merger when the
      first roster without the person is a pre-merger one (with monthly rosters: last seen
      before June 2025, e.g. a Decree 178 leaver of February to May).
    - joined: on M's roster and on no pre-merger roster; joined_then_left: seen after the
      merger by M, on no pre-merger roster, and not on M's roster.
    - not_reported: not on M's roster, the province they were last seen in (its new
      province) did not deliver M in full (int_province_months_delivered: incomplete,
      rejected, not delivered), and no roster of that province before M shows them gone:
      unknown, not a leaver. A person already gone from an earlier roster stays left.
    A person who leaves and comes back is judged month by month: stayed or moved in a month
    whose roster lists them, left in a month whose roster does not.

    left_month is the report month of the first roster without the person: the first month,
    from the month they were last seen, in which their province delivered a roster that does
    not list them (for a pre-merger row, the old province in pre-merger months and its new
    province after); when the province delivered nothing since, M itself. A province missing
    from M therefore shows as its people missing; the delivery status says why.
    left_reason: `decision` (the latest decision of the person with a leave date on or before
    the end of left_month), else `retirement` (the Decree 135 pension start of the person's
    last roster row by M, int_retirement_points_computed, on or before it), else `unexplained`.

    Partitioned by report month (dbt/macros/partition_months.sql): a run given months rewrites
    only their rows. A row of month M reads nothing delivered after M except the delivery status
    of M and the months before it (which looks reference_window_months ahead): the runner
    rewrites every month from the first month whose inputs or delivery statuses changed
    (dagster_project/warehouse/changed_months.py: the statuses are computed in the dbt step
    before this model's). -#}
{{ config(**by_report_month()) }}

-- The month's rosters are read several times below: not materialized, so each reads the table
-- (and only the columns it needs) instead of a copy of all of it held in memory.
with selected as not materialized (
    select * from {{ ref('int_roster_months_selected') }}
),

units as (
    select * from {{ ref('stg_deliveries__units') }}
),

province_lineage as (
    select * from {{ ref('stg_reference__lineage_provinces') }}
),

lineage as (
    select distinct old_unit_code, new_unit_code from {{ ref('int_unit_lineage_resolved') }}
),

territory as (
    select * from {{ ref('int_old_units_mapped') }}
),

delivery as (
    select * from {{ ref('int_province_months_delivered') }}
),

decisions as (
    select * from {{ ref('stg_deliveries__decisions') }}
),

-- Every month from the merger to the last roster, also one no province delivered.
report_months as (
    select report_month from selected
    where period = 'post'
    union
    select report_month from delivery
),

-- The rosters that can show a person gone: every pre-merger one, and a post-merger one only
-- when its province delivered the month in full (an incomplete or partly rejected roster
-- proves nothing about who is missing from it).
province_months as (
    select distinct selected.report_month, selected.period, selected.province_code
    from selected
    left join delivery
        on delivery.report_month = selected.report_month
        and delivery.province_code = selected.province_code
        and selected.period = 'post'
    where selected.province_code is not null
        and (selected.period = 'pre' or coalesce(delivery.delivery_status, 'delivered') = 'delivered')
),

-- Each person once, with what does not change from month to month (the last pre-merger
-- row, the first post-merger one, the origin province: int_persons_before_after), so the 9
-- million person-months below carry it instead of looking it up row by row (at national
-- scale four joins of the person-months on person_key took 100 of 117 s).
persons as (
    select * from {{ ref('int_persons_before_after') }}
),

grid as (
    select
        report_months.report_month,
        persons.*
    from report_months
    inner join persons
        on persons.is_seen_before or persons.first_post_month <= report_months.report_month
    where {{ in_partition_months('report_months.report_month') }}
),

-- Who is on the rosters of the run's months.
listed as (
    select report_month, person_key from selected
    where {{ in_partition_months('report_month') }}
),

-- An anti-join on the run's months of the rosters (a correlated `not exists` read every month).
absent as (
    select
        grid.*,
        cast(grid.report_month + interval 1 month as date) as next_month
    from grid
    anti join listed
        on listed.report_month = grid.report_month
        and listed.person_key = grid.person_key
),

-- The roster rows of the persons absent from some month of the run: all the as-of join below
-- needs to read (national scale: the full build's model 27.3 -> 19.5 s, same rows). Read from
-- the roster rows with their retirement points (the same rows, one per person and date), so
-- the row last seen brings its point: looking the point up afterwards, by (person, date)
-- among the 7.3 million rows, was 2.1 of the 7.6 s of operator time of an added month's
-- query at national scale.
absent_roster as (
    select points.person_key, points.snapshot_date, points.period, points.unit_code, points.pension_start_date
    from {{ ref('int_retirement_points_computed') }} as points
    semi join absent on absent.person_key = points.person_key
),

-- As of M, the person's last roster row by the end of M (any snapshot, selected or not: the
-- roster has one row per person and date), placed in its province: where to look for the
-- first roster without them.
last_seen as (
    select
        absent.*,
        cast(date_trunc('month', seen.snapshot_date) as date) as last_seen_month,
        seen.snapshot_date as last_seen_snapshot_date,
        seen.period as last_seen_period,
        seen.pension_start_date as last_seen_pension_start_date,
        units.province_code as last_seen_province_code,
        case
            when seen.period = 'pre' then province_lineage.new_province_code
            else units.province_code
        end as last_seen_new_province_code
    from absent
    asof left join absent_roster as seen
        on seen.person_key = absent.person_key
        and seen.snapshot_date < absent.next_month
    left join units
        on units.unit_code = seen.unit_code
        and units.period = seen.period
    left join province_lineage
        on province_lineage.old_province_code = units.province_code
        and seen.period = 'pre'
),

-- One row per (person, month last seen): the last row seen is that month's last row of theirs.
departures as (
    select distinct
        person_key,
        last_seen_month,
        last_seen_snapshot_date,
        last_seen_period,
        last_seen_province_code,
        last_seen_new_province_code
    from last_seen
),

-- Where the first roster without a person is: among the rosters of their province from the
-- month they were last seen in (the old province's in pre-merger months, the new province's
-- after; province_months), the month last seen itself when its roster does not list them,
-- else the next. Every later roster up to the report month M shows them gone (they are on no
-- roster after the one last seen, by the end of M), and one after M changes nothing below
-- (left_month is at most M). So each (period, province, month last seen) is looked up once,
-- not each person's every later month (at national scale an added month put 3.7 million
-- such months against the rosters; the query alone 3.0 -> 2.6 s, same rows).
departure_keys as (
    select 'pre' as period, last_seen_province_code as province_code, last_seen_month
    from departures
    where last_seen_period = 'pre'
    union
    select 'post' as period, last_seen_new_province_code as province_code, last_seen_month
    from departures
),

departure_rosters as (
    select
        departure_keys.period,
        departure_keys.province_code,
        departure_keys.last_seen_month,
        bool_or(province_months.report_month = departure_keys.last_seen_month) as has_month_seen,
        min(province_months.report_month) filter (
            where province_months.report_month > departure_keys.last_seen_month
        ) as next_month
    from departure_keys
    inner join province_months
        on province_months.period = departure_keys.period
        and province_months.province_code = departure_keys.province_code
        and province_months.report_month >= departure_keys.last_seen_month
    group by departure_keys.period, departure_keys.province_code, departure_keys.last_seen_month
),

listed_when_seen as (
    select departures.person_key, departures.last_seen_month
    from departures
    semi join selected
        on selected.report_month = departures.last_seen_month
        and selected.person_key = departures.person_key
),

departure_months as (
    select
        departures.person_key,
        departures.last_seen_month,
        -- least() skips nulls: null only when no roster of the province can show them gone
        least(
            case
                when (pre.has_month_seen or post.has_month_seen) and listed_when_seen.person_key is null
                    then departures.last_seen_month
            end,
            pre.next_month,
            post.next_month
        ) as first_absent_month
    from departures
    left join departure_rosters as pre
        on pre.period = 'pre'
        and departures.last_seen_period = 'pre'
        and pre.province_code = departures.last_seen_province_code
        and pre.last_seen_month = departures.last_seen_month
    left join departure_rosters as post
        on post.period = 'post'
        and post.province_code = departures.last_seen_new_province_code
        and post.last_seen_month = departures.last_seen_month
    left join listed_when_seen
        on listed_when_seen.person_key = departures.person_key
        and listed_when_seen.last_seen_month = departures.last_seen_month
),

left_months as (
    select
        last_seen.*,
        last_seen.last_seen_pension_start_date as pension_start_date,
        coalesce(departure_months.first_absent_month < last_seen.report_month, false)
            as has_left_before_month,
        least(
            coalesce(departure_months.first_absent_month, last_seen.report_month),
            last_seen.report_month
        ) as left_month
    from last_seen
    left join departure_months
        on departure_months.person_key = last_seen.person_key
        and departure_months.last_seen_month = last_seen.last_seen_month
),

-- Looked up once per (person, left_month), not per person month: a leaver is absent from every
-- month after leaving, with the same left_month (national scale, full build: 3.7 million absent
-- person months, 0.36 million pairs; the query alone 14.3-15.7 s -> 12.0-13.7 s, same rows).
explaining_decision as (
    select
        leavers.person_key,
        leavers.left_month,
        decisions.decision_no,
        decisions.decree,
        decisions.policy,
        decisions.leave_date
    from (select distinct person_key, left_month from left_months) as leavers
    inner join decisions
        on decisions.person_key = leavers.person_key
        and decisions.leave_date < cast(leavers.left_month + interval 1 month as date)
    qualify
        row_number() over (
            partition by leavers.person_key, leavers.left_month
            order by decisions.leave_date desc, decisions.decision_no desc
        ) = 1
),

-- The grid's person months on M's roster (the grid's rows, from the roster's side: each
-- roster row with its person): a post-merger row places the person in M.
on_roster as (
    select
        report_months.report_month,
        persons.*,
        selected.period = 'post' as is_current,
        selected.unit_code,
        selected.province_code,
        selected.staff_category,
        selected.snapshot_date
    from selected
    inner join report_months on report_months.report_month = selected.report_month
    inner join persons
        on persons.person_key = selected.person_key
        and (persons.is_seen_before or persons.first_post_month <= report_months.report_month)
    where {{ in_partition_months('report_months.report_month') }}
),

-- Whether a new agency lies inside an old agency's area on the commune lineage, for the
-- (last pre-merger unit, unit in the month) pairs that occur in the run's months (only
-- on_roster reads them; an added month at national scale: 4 months 11.2 -> 8.2 s).
unit_pairs as (
    select distinct persons.last_pre_unit_code as old_unit_code, selected.unit_code as new_unit_code
    from selected
    inner join persons on persons.person_key = selected.person_key and persons.is_seen_before
    where selected.period = 'post' and {{ in_partition_months('selected.report_month') }}
),

within_area as (
    select distinct unit_pairs.old_unit_code, unit_pairs.new_unit_code
    from unit_pairs
    inner join units as new_unit
        on new_unit.unit_code = unit_pairs.new_unit_code and new_unit.period = 'post'
    inner join territory on territory.old_unit_code = unit_pairs.old_unit_code
    where (new_unit.level = 'commune' and new_unit.commune_code = territory.new_commune_code)
        or (
            new_unit.level = 'province'
            and territory.old_level in ('province', 'district')
            and new_unit.province_code = territory.new_province_code
        )
),

-- Every person month once: those on M's roster (nothing to look for about leaving), then
-- those absent from it (when they left, why, whether their province delivered M). Two
-- parts, not the grid joined to each (at national scale three joins of 9 million person
-- months on (report_month, person_key) took 27 of 64 s of CPU).
joined as (
    select
        on_roster.report_month,
        on_roster.person_key,
        on_roster.is_seen_before,
        on_roster.origin_province_code,
        case when on_roster.is_current then on_roster.unit_code end as current_unit_code,
        case when on_roster.is_current then on_roster.province_code end as current_province_code,
        case when on_roster.is_current then on_roster.staff_category end as current_staff_category,
        case when on_roster.is_current then on_roster.snapshot_date end as current_snapshot_date,
        lineage.old_unit_code is not null as is_successor,
        within_area.old_unit_code is not null as is_within_area,
        cast(null as date) as last_seen_snapshot_date,
        cast(null as date) as left_month,
        false as is_province_missing,
        cast(null as date) as pension_start_date,
        cast(null as varchar) as decision_no,
        cast(null as varchar) as decision_decree,
        cast(null as varchar) as decision_policy,
        cast(null as date) as decision_leave_date
    from on_roster
    left join lineage
        on on_roster.is_current
        and lineage.old_unit_code = on_roster.last_pre_unit_code
        and lineage.new_unit_code = on_roster.unit_code
    left join within_area
        on on_roster.is_current
        and within_area.old_unit_code = on_roster.last_pre_unit_code
        and within_area.new_unit_code = on_roster.unit_code
    union all
    select
        left_months.report_month,
        left_months.person_key,
        left_months.is_seen_before,
        left_months.origin_province_code,
        null as current_unit_code,
        null as current_province_code,
        null as current_staff_category,
        null as current_snapshot_date,
        false as is_successor,
        false as is_within_area,
        left_months.last_seen_snapshot_date,
        left_months.left_month,
        coalesce(delivery.delivery_status <> 'delivered' and not left_months.has_left_before_month, false)
            as is_province_missing,
        left_months.pension_start_date,
        explaining_decision.decision_no,
        explaining_decision.decree as decision_decree,
        explaining_decision.policy as decision_policy,
        explaining_decision.leave_date as decision_leave_date
    from left_months
    left join delivery
        on delivery.report_month = left_months.report_month
        and delivery.province_code = left_months.last_seen_new_province_code
    left join explaining_decision
        on explaining_decision.person_key = left_months.person_key
        and explaining_decision.left_month = left_months.left_month
),

classified as (
    select
        *,
        case
            when is_seen_before and current_unit_code is not null
                then case when is_successor then 'stayed' else 'moved' end
            when is_province_missing then 'not_reported'
            when is_seen_before then 'left'
            when current_unit_code is not null then 'joined'
            else 'joined_then_left'
        end as outcome,
        case
            when current_unit_code is not null or is_province_missing then null
            when decision_no is not null then 'decision'
            when pension_start_date < cast(left_month + interval 1 month as date) then 'retirement'
            else 'unexplained'
        end as left_reason
    from joined
),

final as (
    select
        report_month,
        person_key,
        outcome,
        is_seen_before,
        origin_province_code,
        current_unit_code,
        current_province_code,
        current_staff_category,
        case when outcome in ('stayed', 'moved') then is_successor end as is_lineage_successor,
        case
            when outcome <> 'moved' then null
            when is_within_area then 'within_area'
            when current_province_code = origin_province_code then 'same_province'
            else 'other_province'
        end as moved_scope,
        coalesce(current_snapshot_date, last_seen_snapshot_date) as last_seen_snapshot_date,
        case when outcome <> 'not_reported' then left_month end as left_month,
        coalesce(outcome = 'left' and left_month < date '{{ var("merger_date") }}', false)
            as is_left_before_merger,
        left_reason,
        coalesce(left_reason = 'unexplained', false) as is_unexplained_leaver,
        decision_no,
        decision_decree,
        decision_policy,
        decision_leave_date
    from classified
)

select * from final
