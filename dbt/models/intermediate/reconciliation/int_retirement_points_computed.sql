{#- The Decree 135/2020 retirement point (docs/rules.md A3) of every roster row, one row per
    (person_key, snapshot_date): the one place the ladder is read. The reconciliation
    (int_persons_pension_dated: a person's latest row), the glide path and the policy engine
    (int_policy_decisions_joined: the row on or before the leave date) all take it from here.

    The ladder the row is measured against is the policy_retirement_appendix row with the
    highest hardship threshold it reaches (Appendix II from 15 hardship years: the Appendix I
    ladder minus 60 months). The retirement month is birth month + age(Y) - reduction for
    the year Y in which it falls (policy_retirement_ladder); where the ladder steps, two
    consecutive years can both hold (a man born 01/1966 reaches 61y9m in 10/2027 and 62y0m
    in 01/2028) and the earliest is the retirement point, as in Decree 135's tables. The
    pension starts the month after. A row whose sex has no ladder keeps a null date. The
    ladder is evaluated once per distinct (sex, birth month, hardship years), not per row. -#}
with roster as (
    select * from {{ ref('int_roster_snapshots_deduplicated') }}
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

with_appendix as (
    select
        births.*,
        appendices.appendix,
        appendices.reduction_months
    from births
    left join appendices
        on appendices.min_hardship_years <= births.hardship_years
    qualify
        row_number() over (
            partition by births.sex, births.birth_month_index, births.hardship_years
            order by appendices.min_hardship_years desc
        ) = 1
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
            partition by with_appendix.sex, with_appendix.birth_month_index, with_appendix.hardship_years
            order by retirement_month_index
        ) = 1
),

final as (
    select
        roster.person_key,
        roster.snapshot_date,
        with_retirement.appendix as retirement_appendix,
        with_retirement.retirement_month_index,
        {{ policy_month_start('with_retirement.retirement_month_index + 1') }} as pension_start_date
    from roster
    inner join with_retirement
        on with_retirement.sex is not distinct from roster.sex
        and with_retirement.birth_month_index = {{ policy_month_index('roster.date_of_birth') }}
        and with_retirement.hardship_years = coalesce(roster.hardship_years, 0)
)

select * from final
