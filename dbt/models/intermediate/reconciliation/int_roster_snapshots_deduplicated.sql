{#- Every roster row, once: one row per person and snapshot (the reconciliation, the
    balance, the retirement points and the policy engine all read it). Ingest quarantines a
    person listed twice in one snapshot (duplicate_person, across the files of a snapshot
    too), and the blocking test unique_combination(snapshot_date, person_key) on
    stg_deliveries__personnel stops the build before this model if one got through, so no
    window is needed to pick one row (it cost 10 of 14 s at national scale). Materialised so
    the keyed hash of the staging view is computed once per run rather than once per
    model. Rewritten for the months whose inputs changed (var input_months,
    dbt/macros/partition_months.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'month_partition': {'column': 'snapshot_date', 'months': 'input_months'}},
    pre_hook="{{ delete_snapshot_months() }}",
) }}

with roster as (
    select * from {{ ref('stg_deliveries__personnel') }}
    where {{ in_partition_months('snapshot_date', name='input_months') }}
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
)

select * from final
