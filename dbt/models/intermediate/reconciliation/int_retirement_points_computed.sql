{#- The Decree 135/2020 retirement point (docs/rules.md A3) of every roster row, one row per
    (person_key, snapshot_date): the one place the ladder is read. The reconciliation
    (a leaver's last row by the month), the glide path (int_persons_pension_dated: a person's
    latest row) and the policy engine
    (int_policy_decisions_joined: the row on or before the leave date) all take it from here.

    The ladder the row is measured against is the policy_retirement_appendix row with the
    highest hardship threshold it reaches (Appendix II from 15 hardship years: the Appendix I
    ladder minus 60 months). The retirement month is birth month + age(Y) - reduction for
    the year Y in which it falls (policy_retirement_ladder); where the ladder steps, two
    consecutive years can both hold (a man born 01/1966 reaches 61y9m in 10/2027 and 62y0m
    in 01/2028) and the earliest is the retirement point, as in Decree 135's tables. The
    pension starts the month after. A row whose sex has no ladder keeps a null date. The
    ladder is evaluated once per distinct (sex, birth month, hardship years), not per row.
    pension_start_date_appendix_i is the same point on Appendix I (equal to
    pension_start_date for a row on Appendix I): Appendix II is a right to retire earlier,
    and the glide path projects natural retirements on Appendix I (docs/rules.md S6).

    Each row carries every column of the roster row, and this is the one table that stores the
    roster rows (int_roster_snapshots_deduplicated is a view of its roster columns): a decision
    finds its roster row and its point in one lookup of one table (at national scale, joining
    the roster to its points inside the policy engine cost 11 to 19 s of CPU on each of the
    cohort's and the audit's builds), and the 7.3 million national rows are written once, not
    twice (a copy of them took 2.9 s). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'month_partition': {'column': 'snapshot_date', 'months': 'input_months'}},
    pre_hook="{{ delete_snapshot_months() }}",
) }}

-- Every roster row once, one per person and snapshot: the staging view's rows of the run's
-- months, its keyed hash computed here once per run. Ingest quarantines a person listed twice
-- in a snapshot, and the blocking test unique_combination(snapshot_date, person_key) on
-- stg_deliveries__personnel stops the build before this model if one got through. Read twice
-- (the distinct births, then every row): not materialized, so each reads the view's columns it
-- needs (the births no key).
with roster as not materialized (
    select
        person_key,
        snapshot_date,
        period,
        unit_code,
        staff_category,
        is_leader,
        field,
        sex,
        date_of_birth,
        hardship_years,
        salary_coefficient,
        leadership_allowance_coefficient,
        beyond_frame_pct,
        other_allowances_vnd,
        monthly_allowance_vnd,
        si_months,
        nullif(deferral, '') as deferral,
        quality_rating,
        rating_year
    from {{ ref('stg_deliveries__personnel') }}
    where {{ in_partition_months('snapshot_date', name='input_months') }}
),

ladder as (
    select * from {{ ref('policy_retirement_ladder') }}
),

appendices as (
    select * from {{ ref('policy_retirement_appendix') }}
),

births as (
    select distinct
        sex,
        {{ policy_month_index('date_of_birth') }} as birth_month_index,
        coalesce(hardship_years, 0) as hardship_years
    from roster
),

-- Every appendix the row reaches (Appendix I always): its own is the one with the highest
-- threshold, and Appendix I is kept beside it for the glide path (docs/rules.md S6).
with_appendix as (
    select
        births.*,
        appendices.appendix,
        appendices.min_hardship_years,
        appendices.reduction_months
    from births
    left join appendices
        on appendices.min_hardship_years <= births.hardship_years
),

with_retirement as (
    select
        with_appendix.*,
        with_appendix.birth_month_index + ladder.age_months - with_appendix.reduction_months
            as retirement_month_index
    from with_appendix
    left join ladder
        on ladder.sex = with_appendix.sex
        and (with_appendix.birth_month_index + ladder.age_months - with_appendix.reduction_months) // 12
        between ladder.year_from and ladder.year_to
    qualify
        row_number() over (
            partition by
                with_appendix.sex, with_appendix.birth_month_index, with_appendix.hardship_years,
                with_appendix.appendix
            order by retirement_month_index
        ) = 1
),

points as (
    select
        sex,
        birth_month_index,
        hardship_years,
        arg_max(appendix, min_hardship_years) as appendix,
        arg_max(retirement_month_index, min_hardship_years) as retirement_month_index,
        arg_min(retirement_month_index, min_hardship_years) as retirement_month_index_appendix_i
    from with_retirement
    group by sex, birth_month_index, hardship_years
),

final as (
    select
        roster.*,
        points.appendix as retirement_appendix,
        points.retirement_month_index,
        {{ policy_month_start('points.retirement_month_index + 1') }} as pension_start_date,
        {{ policy_month_start('points.retirement_month_index_appendix_i + 1') }}
            as pension_start_date_appendix_i
    from roster
    inner join points
        on points.sex is not distinct from roster.sex
        and points.birth_month_index = {{ policy_month_index('roster.date_of_birth') }}
        and points.hardship_years = coalesce(roster.hardship_years, 0)
)

select * from final
