{#- The roster of each report month, one row per (report_month, person), for every month
    that has a roster, pre-merger months included (docs/delivery_contract.md: a report month takes
    EACH PROVINCE's latest roster in it). Provinces date their monthly roster differently
    (the 28th to the 31st, the 15th, sometimes a month late), so there is no one snapshot
    date per month: the province of a roster row is the province of its unit in the
    snapshot's period (pre: the old province, post: the new one), and the month keeps, for
    each province, only the rows of that province's latest snapshot date in the month.
    A person on two provinces' selections in one month (moved between the two dates) counts
    once: the latest snapshot date (the roster has one row per person and date).
    report_month is the first day of the snapshot's month (2025-07-30 and 2025-07-31 both
    report 2025-07-01). new_province_code is the new province (via the province lineage for
    a pre-merger row; the province itself for a post-merger row). A province that delivered
    nothing in a month has no rows in it: its people are missing from that month. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'month_partition': {'column': 'report_month', 'months': 'input_months'}},
    pre_hook="{{ delete_partition_months('report_month', 'input_months') }}",
) }}

with roster as (
    select * from {{ ref('int_roster_snapshots_deduplicated') }}
    where {{ in_partition_months('snapshot_date', name='input_months') }}
),

units as (
    select * from {{ ref('stg_deliveries__units') }}
),

province_lineage as (
    select * from {{ ref('stg_reference__lineage_provinces') }}
),

-- Read twice (each province's latest date, the rows of it): not materialized, each reads the
-- roster again instead of a copy of all of it held in memory.
placed as not materialized (
    select
        cast(date_trunc('month', roster.snapshot_date) as date) as report_month,
        roster.period,
        units.province_code,
        case
            when roster.period = 'pre' then province_lineage.new_province_code
            else units.province_code
        end as new_province_code,
        roster.snapshot_date,
        roster.person_key,
        roster.unit_code,
        roster.staff_category,
        roster.is_leader,
        roster.field,
        roster.quality_rating,
        roster.rating_year
    from roster
    left join units
        on units.unit_code = roster.unit_code
        and units.period = roster.period
    left join province_lineage
        on province_lineage.old_province_code = units.province_code
        and roster.period = 'pre'
),

province_latest as (
    select
        report_month,
        province_code,
        max(snapshot_date) as snapshot_date
    from placed
    group by report_month, province_code
),

-- The rows of each province's latest roster in the month.
province_selected as not materialized (
    select placed.*
    from placed
    inner join province_latest
        on province_latest.report_month = placed.report_month
        and province_latest.province_code is not distinct from placed.province_code
        and province_latest.snapshot_date = placed.snapshot_date
),

-- A person on two provinces' selections keeps the later date's row (the roster has one row per
-- person and date, so the row is unique): the other rows of such a person are dropped, an
-- anti-join on those few pairs, not a join of every row to its month's latest date (national
-- scale, all months, no such person: the query alone 4.9-5.1 s -> 3.1-3.2 s, same rows).
repeated_latest as (
    select report_month, person_key, max(snapshot_date) as snapshot_date
    from province_selected
    group by report_month, person_key
    having count(*) > 1
),

final as (
    select province_selected.*
    from province_selected
    anti join repeated_latest
        on repeated_latest.report_month = province_selected.report_month
        and repeated_latest.person_key = province_selected.person_key
        and repeated_latest.snapshot_date <> province_selected.snapshot_date
)

select * from final
