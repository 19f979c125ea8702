with pre as (
    select * from {{ ref('stg_reference__units_pre') }}
    where level = 'province'
),

post as (
    select * from {{ ref('stg_reference__units_post') }}
    where level = 'province'
),

final as (
    select
        'pre' as period,
        unit_code as province_code,
        unit_name as province_name,
        unit_type as province_type,
        null::decimal(12, 2) as area_km2,
        null::bigint as population,
        n_communes
    from pre
    union all
    select
        'post' as period,
        unit_code as province_code,
        unit_name as province_name,
        unit_type as province_type,
        area_km2,
        population,
        n_communes
    from post
)

select * from final
order by period desc, province_code
