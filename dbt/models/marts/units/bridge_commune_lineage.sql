{#- One row per (old unit, new commune) pair of the NSO conversion table. Old units are
    communes, except the five island districts without communes (-> đặc khu) and one
    unincorporated coastal area; for those old_commune_code is null and old_level says so. -#}
with lineage as (
    select * from {{ ref('stg_reference__lineage_communes') }}
),

new_units as (
    select unit_code, resolution from {{ ref('stg_reference__units_post') }}
    where level = 'commune'
),

final as (
    select
        lineage.old_commune_code,
        lineage.new_commune_code,
        lineage.relation,
        lineage.is_split,
        new_units.resolution as legal_basis,
        lineage.old_level,
        lineage.old_district_code,
        lineage.old_province_code,
        lineage.new_province_code,
        lineage.old_n_successors,
        lineage.new_n_predecessors,
        lineage.area_share,
        lineage.population_share
    from lineage
    left join new_units on new_units.unit_code = lineage.new_commune_code
)

select * from final
order by new_commune_code, old_district_code, old_commune_code
