with source as (
    select * from {{ source('reference', 'ref_lineage_communes') }}
),

final as (
    select
        old_level,
        nullif(old_code, '') as old_commune_code,
        nullif(old_district_code, '') as old_district_code,
        old_province_code,
        new_code as new_commune_code,
        new_province_code,
        relation,
        area_share,
        population_share,
        is_split = '1' as is_split,
        old_n_successors::integer as old_n_successors,
        new_n_predecessors::integer as new_n_predecessors,
        nullif(nso_note, '') as nso_note,
        nullif(correction, '') as correction
    from source
)

select * from final
