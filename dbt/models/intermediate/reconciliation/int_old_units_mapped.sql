{#- The territory of every old (pre) agency, read on the real commune lineage: one row per
    (old agency, new commune that took over part of its area), plus the new province of
    the old agency's province. A commune agency covers its commune (a split commune has
    2 to 4 successors); a district agency covers every new commune with a predecessor in
    the district (the abolished districts; the five island districts became đặc khu); a
    province agency covers its new province (new_commune_code is null). -#}
with old_units as (
    select * from {{ ref('stg_deliveries__units') }}
    where period = 'pre'
),

commune_lineage as (
    select * from {{ ref('stg_reference__lineage_communes') }}
),

province_lineage as (
    select * from {{ ref('stg_reference__lineage_provinces') }}
),

commune_successors as (
    select distinct
        old_units.unit_code as old_unit_code,
        commune_lineage.new_commune_code
    from old_units
    inner join commune_lineage on commune_lineage.old_commune_code = old_units.commune_code
    where old_units.level = 'commune'
),

district_successors as (
    select distinct
        old_units.unit_code as old_unit_code,
        commune_lineage.new_commune_code
    from old_units
    inner join commune_lineage on commune_lineage.old_district_code = old_units.district_code
    where old_units.level = 'district'
),

successors as (
    select * from commune_successors
    union all
    select * from district_successors
),

final as (
    select
        old_units.unit_code as old_unit_code,
        old_units.level as old_level,
        old_units.unit_kind as old_unit_kind,
        old_units.province_code as old_province_code,
        old_units.district_code as old_district_code,
        old_units.commune_code as old_commune_code,
        province_lineage.new_province_code,
        successors.new_commune_code
    from old_units
    left join province_lineage on province_lineage.old_province_code = old_units.province_code
    left join successors on successors.old_unit_code = old_units.unit_code
)

select * from final
