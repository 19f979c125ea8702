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
        * exclude (
            retirement_appendix,
            retirement_month_index,
            pension_start_date,
            pension_start_date_appendix_i
        )
    from points
)

select * from final
