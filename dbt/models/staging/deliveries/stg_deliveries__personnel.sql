{#- Names and national IDs stop here: the person is the keyed hash `person_key`. -#}
with source as (
    select * from {{ source('deliveries', 'personnel') }}
),

final as (
    select
        {{ person_key('national_id') }} as person_key,
        snapshot_date,
        case when snapshot_date < date '{{ var("merger_date") }}' then 'pre' else 'post' end as period,
        sex,
        date_of_birth,
        unit_code,
        staff_category,
        nullif(position, '') as position,
        nullif(position, '') is not null as is_leader,
        round(salary_coefficient, 2)::decimal(6, 2) as salary_coefficient,
        round(coalesce(leadership_allowance_coefficient, 0), 2)::decimal(6, 2) as leadership_allowance_coefficient,
        coalesce(beyond_frame_pct, 0)::integer as beyond_frame_pct,
        coalesce(other_allowances_vnd, 0)::bigint as other_allowances_vnd,
        monthly_allowance_vnd::bigint as monthly_allowance_vnd,
        si_months::integer as si_months,
        round(coalesce(hardship_years, 0), 2)::decimal(6, 2) as hardship_years,
        deferral,
        education_level,
        field,
        -- Optional roster columns of the amended contract; the raw table gains them with the
        -- ingest change (quality_rating, rating_year::integer as rating_year): null until then.
        cast(null as varchar) as quality_rating,
        cast(null as integer) as rating_year,
        source_file
    from source
)

select * from final
