with lineage as (
    select * from {{ ref('stg_reference__lineage_provinces') }}
),

final as (
    select
        old_province_code,
        new_province_code,
        relation,
        keeps_code,
        legal_basis
    from lineage
)

select * from final
order by old_province_code
