{#- One row per person: the Decree 135/2020 pension start (docs/rules.md A3) of the person's
    latest roster row (int_retirement_points_computed, where the ladder is read). Used to
    explain a leaver without a decision as a natural retirement, and for the glide path. -#}
with retirement_points as (
    select * from {{ ref('int_retirement_points_computed') }}
),

latest as (
    select *
    from retirement_points
    qualify row_number() over (partition by person_key order by snapshot_date desc) = 1
),

final as (
    select
        person_key,
        pension_start_date,
        pension_start_date_appendix_i
    from latest
    where pension_start_date is not null
)

select * from final
