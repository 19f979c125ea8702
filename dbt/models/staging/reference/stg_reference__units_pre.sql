with source as (
    select * from {{ source('reference', 'ref_units_pre') }}
),

final as (
    select
        level,
        code as unit_code,
        name as unit_name,
        type as unit_type,
        nullif(district_code, '') as district_code,
        nullif(district_name, '') as district_name,
        province_code,
        province_name,
        nullif(n_districts, '')::integer as n_districts,
        nullif(n_communes, '')::integer as n_communes,
        nullif(note, '') as note
    from source
)

select * from final
