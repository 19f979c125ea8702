with source as (
    select * from {{ source('reference', 'ref_units_post') }}
),

final as (
    select
        level,
        code as unit_code,
        name as unit_name,
        type as unit_type,
        province_code,
        province_name,
        nullif(area_km2, '')::decimal(12, 2) as area_km2,
        nullif(population, '')::bigint as population,
        nullif(area_quality, '') as area_quality,
        nullif(population_quality, '') as population_quality,
        nullif(admin_center, '') as admin_center,
        nullif(predecessor_codes, '') as predecessor_codes,
        nullif(n_communes, '')::integer as n_communes,
        nullif(resolution, '') as resolution,
        nullif(note, '') as note
    from source
)

select * from final
