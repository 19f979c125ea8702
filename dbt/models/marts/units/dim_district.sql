with districts as (
    select * from {{ ref('stg_reference__units_pre') }}
    where level = 'district'
),

final as (
    select
        unit_code as district_code,
        unit_name as district_name,
        unit_type as district_type,
        province_code,
        n_communes,
        note
    from districts
)

select * from final
order by district_code
