{#- Every roster row, once: one row per person and snapshot (the reconciliation, the
    balance and the policy engine all read it). The rows are stored once, with their
    retirement points, in int_retirement_points_computed (where the staging view's keyed hash
    is computed, once per run); this view is their roster columns. -#}
{{ config(materialized='view') }}

with points as (
    select * from {{ ref('int_retirement_points_computed') }}
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
        deferral,
        quality_rating,
        rating_year
    from points
)

select * from final
