{#- Every roster row the reconciliation and the balance need, once: one row per person and
    snapshot (a person listed twice in one snapshot counts once, at the lowest unit code;
    ingest already quarantines such duplicates). Materialised so the keyed hash of the
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
        hardship_years
    from roster
    qualify row_number() over (partition by person_key, snapshot_date order by unit_code) = 1
)

select * from final
