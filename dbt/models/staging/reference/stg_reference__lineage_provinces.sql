with source as (
    select * from {{ source('reference', 'ref_lineage_provinces') }}
),

final as (
    select
        old_province_code,
        new_province_code,
        relation,
        keeps_code = 'Y' as keeps_code,
        nullif(national_assembly_resolution, '') as legal_basis
    from source
)

select * from final
