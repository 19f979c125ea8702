with pre as (
    select * from {{ ref('stg_reference__units_pre') }}
    where level = 'commune'
),

post as (
    select * from {{ ref('stg_reference__units_post') }}
    where level = 'commune'
),

final as (
    select
        'pre' as period,
        unit_code as commune_code,
        unit_name as commune_name,
        unit_type as commune_type,
        district_code,
        district_name,
        province_code,
        province_name,
        null::decimal(12, 2) as area_km2,
        null::bigint as population,
        null as population_quality,
        null as legal_basis
    from pre
    union all
    select
        'post' as period,
        unit_code as commune_code,
        unit_name as commune_name,
        unit_type as commune_type,
        null as district_code,
        null as district_name,
        province_code,
        province_name,
        area_km2,
        population,
        population_quality,
        resolution as legal_basis
    from post
)

select * from final
order by period desc, commune_code
