{#- Every roster row, once: one row per person and snapshot, the one place a roster is
    de-duplicated (the reconciliation, the balance, the retirement points and the policy
    engine all read it). A person listed twice in one snapshot counts once, at the lowest
    unit code, then the first file by name (ingest already quarantines such duplicates; the
    order only makes any survivor deterministic). Materialised so the keyed hash of the
    staging view is computed once per run rather than once per model. -#}
with roster as (
    select * from {{ ref('stg_deliveries__personnel') }}
),

final as (
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
    from roster
    qualify
        row_number() over (
            partition by person_key, snapshot_date order by unit_code, source_file
        ) = 1
)

select * from final
