{#- One row per person: the Decree 135/2020 pension start (POLICY.md A3) from the latest
    roster row's sex, birth date and hardship years. Reuses the policy engine's ladder
    seeds (policy_retirement_ladder: Appendix I age by the year it is reached;
    policy_retirement_appendix: Appendix II = minus 60 months from 15 hardship years), so
    the reconciliation and the Decree 178 engine read one ladder. The retirement month is
    birth month + age(Y) for the first year Y in which it falls; the pension starts the
    month after. Used to explain a leaver without a decision as a natural retirement, and
    for the glide path. -#}
with roster as (
    select * from {{ ref('int_roster_snapshots_deduplicated') }}
),

ladder as (
    select * from {{ ref('policy_retirement_ladder') }}
),

appendices as (
    select * from {{ ref('policy_retirement_appendix') }}
),

latest as (
    select
        person_key,
        sex,
        date_of_birth,
        hardship_years,
        year(date_of_birth) * 12 + month(date_of_birth) - 1 as birth_month_index
    from roster
    qualify row_number() over (partition by person_key order by snapshot_date desc, unit_code) = 1
),

with_appendix as (
    select
        latest.*,
        appendices.reduction_months
    from latest
    left join appendices on coalesce(latest.hardship_years, 0) >= appendices.min_hardship_years
    qualify row_number() over (
        partition by latest.person_key order by appendices.min_hardship_years desc
    ) = 1
),

with_retirement as (
    select
        with_appendix.person_key,
        with_appendix.birth_month_index + ladder.age_months - with_appendix.reduction_months
            as retirement_month_index
    from with_appendix
    inner join ladder
        on ladder.sex = with_appendix.sex
        and (with_appendix.birth_month_index + ladder.age_months - with_appendix.reduction_months) // 12
            between ladder.year_from and ladder.year_to
    -- Where the ladder steps, two years can both hold (a man born 01/1966 reaches 61y9m in
    -- 10/2027 and 62y0m in 01/2028): the person retires at the first one.
    qualify row_number() over (
        partition by with_appendix.person_key order by retirement_month_index
    ) = 1
),

final as (
    select
        person_key,
        make_date(
            ((retirement_month_index + 1) // 12)::bigint,
            ((retirement_month_index + 1) % 12 + 1)::bigint,
            1
        ) as pension_start_date
    from with_retirement
)

select * from final
