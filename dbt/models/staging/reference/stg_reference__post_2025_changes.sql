with source as (
    select * from {{ source('reference', 'ref_post_2025_changes') }}
),

final as (
    select
        level,
        code as unit_code,
        name_2025_07_01 as name_at_merger,
        name_current,
        change,
        legal_basis
    from source
)

select * from final
