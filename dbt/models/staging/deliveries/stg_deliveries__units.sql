with source as (
    select * from {{ source('deliveries', 'units') }}
),

final as (
    select
        unit_code,
        unit_name,
        period,
        level,
        province_code,
        district_code,
        commune_code,
        unit_kind,
        staffing_quota::integer as staffing_quota,
        coalesce(arrangement_date, date '{{ var("merger_date") }}') as arrangement_date,
        source_file
    from source
)

select * from final
