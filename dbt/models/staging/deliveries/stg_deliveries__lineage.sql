with source as (
    select * from {{ source('deliveries', 'lineage') }}
),

final as (
    select
        old_unit_code,
        new_unit_code,
        coalesce(share, 1.0)::decimal(9, 6) as share,
        event,
        legal_basis,
        source_file
    from source
)

select * from final
