{#- Every new (post) agency with where it sits: its new commune (type, population, area) and
    the old district it is nearest to by the lineage: the district that gave the new commune
    most of its predecessor communes (ties: the lowest district code). Province agencies have
    no commune and no old district. quota_kind is the kind of staff its quota counts
    (docs/rules.md S4): a public service unit's quota counts public employees, every other
    agency's (and one of unknown kind) cadres and civil servants. -#}
with new_units as (
    select * from {{ ref('stg_deliveries__units') }}
    where period = 'post'
),

communes as (
    select * from {{ ref('stg_reference__units_post') }}
    where level = 'commune'
),

commune_lineage as (
    select * from {{ ref('stg_reference__lineage_communes') }}
),

district_votes as (
    select
        new_commune_code,
        old_district_code,
        count(*) as n_predecessors
    from commune_lineage
    where old_district_code is not null
    group by new_commune_code, old_district_code
),

main_district as (
    select
        new_commune_code,
        old_district_code
    from district_votes
    qualify
        row_number() over (
            partition by new_commune_code order by n_predecessors desc, old_district_code
        ) = 1
),

final as (
    select
        new_units.unit_code,
        new_units.unit_name,
        new_units.level,
        new_units.unit_kind,
        case when new_units.unit_kind = 'public_service' then 'public_employee' else 'civil_servant' end
            as quota_kind,
        new_units.province_code,
        new_units.commune_code,
        communes.unit_type as commune_type,
        communes.population,
        communes.area_km2,
        main_district.old_district_code,
        new_units.staffing_quota
    from new_units
    left join communes on communes.unit_code = new_units.commune_code
    left join main_district on main_district.new_commune_code = new_units.commune_code
)

select * from final
