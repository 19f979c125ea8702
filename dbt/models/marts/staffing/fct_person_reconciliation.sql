{#- One row per person, as of the latest report month (the last month with any roster):
    where the person went from the old structure to the new one. The same definitions as
    the monthly flows (int_person_months_reconciled, where they are written out): before =
    on any pre-merger roster, now = on that month's roster (each province's latest roster in
    the month). A person who left and came back counts by that month's roster. -#}
-- Read twice (the latest month, then its rows): not materialized, so the rows of the latest
-- month are read where they lie instead of a copy of every month held first (national scale,
-- 9.4 million person-months: 1.8 -> 0.16 s, same rows).
with months as not materialized (
    select * from {{ ref('int_person_months_reconciled') }}
),

latest as (
    select max(report_month) as report_month from months
),

-- The person's last pre-merger and first post-merger rows (the latter shown from its month on).
persons as (
    select * from {{ ref('int_persons_before_after') }}
),

final as (
    select
        months.report_month::date as report_month,
        months.person_key::varchar as person_key,
        months.outcome::varchar as outcome,
        months.origin_province_code::varchar as origin_province_code,
        persons.last_pre_snapshot_date::date as last_pre_snapshot_date,
        persons.last_pre_unit_code::varchar as last_pre_unit_code,
        persons.last_pre_staff_category::varchar as last_pre_staff_category,
        case when persons.first_post_month <= months.report_month then persons.first_post_snapshot_date end::date
            as first_post_snapshot_date,
        case when persons.first_post_month <= months.report_month then persons.first_post_unit_code end::varchar
            as first_post_unit_code,
        months.current_unit_code::varchar as current_unit_code,
        months.current_province_code::varchar as current_province_code,
        months.current_staff_category::varchar as current_staff_category,
        months.is_lineage_successor::boolean as is_lineage_successor,
        months.moved_scope::varchar as moved_scope,
        months.last_seen_snapshot_date::date as last_seen_snapshot_date,
        months.left_month::date as left_month,
        months.is_left_before_merger::boolean as is_left_before_merger,
        months.left_reason::varchar as left_reason,
        months.is_unexplained_leaver::boolean as is_unexplained_leaver,
        months.decision_no::varchar as decision_no,
        months.decision_decree::varchar as decision_decree,
        months.decision_policy::varchar as decision_policy,
        months.decision_leave_date::date as decision_leave_date
    from months
    inner join latest on latest.report_month = months.report_month
    left join persons on persons.person_key = months.person_key
)

select * from final
