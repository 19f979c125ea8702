{#- Every old (pre) agency to its new (post) agency or agencies: one row per edge.

    Delivered edges (raw lineage/) come first: they say which agency took over which
    (merge, split, transfer, rename) and with what share. An old agency without any
    delivered edge gets derived edges on the real commune lineage: to the new agencies of
    the same kind in its successor communes (a split commune to all of them), a district
    agency also to the same-kind agencies of its new province (the abolished districts'
    staff go down to communes and up to the province), a province agency to the same-kind
    agencies of its new province. Derived edges share the old agency equally.

    is_within_territory says whether the new agency sits inside the old agency's area on
    the commune lineage (int_old_units_mapped), so a delivered edge that contradicts the
    real map is visible. -#}
with old_units as (
    select * from {{ ref('stg_deliveries__units') }}
    where period = 'pre'
),

new_units as (
    select * from {{ ref('stg_deliveries__units') }}
    where period = 'post'
),

territory as (
    select * from {{ ref('int_old_units_mapped') }}
),

delivered as (
    select * from {{ ref('stg_deliveries__lineage') }}
),

old_provinces as (
    select distinct old_unit_code, old_level, old_unit_kind, new_province_code
    from territory
),

delivered_edges as (
    select
        delivered.old_unit_code,
        delivered.new_unit_code,
        delivered.event,
        delivered.share::decimal(9, 6) as share,
        'delivered' as lineage_source,
        delivered.legal_basis
    from delivered
    inner join old_units on old_units.unit_code = delivered.old_unit_code
    inner join new_units on new_units.unit_code = delivered.new_unit_code
),

undelivered as (
    select old_provinces.*
    from old_provinces
    where not exists (
            select 1 from delivered_edges
            where delivered_edges.old_unit_code = old_provinces.old_unit_code
        )
),

derived_to_communes as (
    select distinct
        territory.old_unit_code,
        new_units.unit_code as new_unit_code
    from territory
    inner join undelivered on undelivered.old_unit_code = territory.old_unit_code
    inner join new_units
        on new_units.commune_code = territory.new_commune_code
        and new_units.level = 'commune'
        and new_units.unit_kind = territory.old_unit_kind
),

derived_to_province as (
    select
        undelivered.old_unit_code,
        new_units.unit_code as new_unit_code
    from undelivered
    inner join new_units
        on new_units.province_code = undelivered.new_province_code
        and new_units.level = 'province'
        and new_units.unit_kind = undelivered.old_unit_kind
    where undelivered.old_level in ('province', 'district')
),

derived as (
    select * from derived_to_communes
    union all
    select * from derived_to_province
),

derived_edges as (
    select
        derived.old_unit_code,
        derived.new_unit_code,
        case
            when old_units.level = 'district' then 'transfer'
            when count(*) over (partition by derived.old_unit_code) > 1 then 'split'
            else 'merge'
        end as event,
        (1.0 / count(*) over (partition by derived.old_unit_code))::decimal(9, 6) as share,
        'derived' as lineage_source,
        null as legal_basis
    from derived
    inner join old_units on old_units.unit_code = derived.old_unit_code
),

edges as (
    select * from delivered_edges
    union all
    select * from derived_edges
),

within_territory as (
    select distinct
        edges.old_unit_code,
        edges.new_unit_code
    from edges
    inner join new_units on new_units.unit_code = edges.new_unit_code
    inner join territory on territory.old_unit_code = edges.old_unit_code
    where (new_units.level = 'commune' and new_units.commune_code = territory.new_commune_code)
        or (
            new_units.level = 'province'
            and territory.old_level in ('province', 'district')
            and new_units.province_code = territory.new_province_code
        )
),

final as (
    select
        edges.old_unit_code,
        old_units.level as old_level,
        old_units.province_code as old_province_code,
        old_units.district_code as old_district_code,
        old_units.commune_code as old_commune_code,
        edges.new_unit_code,
        new_units.level as new_level,
        new_units.province_code as new_province_code,
        new_units.commune_code as new_commune_code,
        edges.event,
        edges.share,
        edges.lineage_source,
        within_territory.old_unit_code is not null as is_within_territory,
        edges.legal_basis
    from edges
    inner join old_units on old_units.unit_code = edges.old_unit_code
    inner join new_units on new_units.unit_code = edges.new_unit_code
    left join within_territory
        on within_territory.old_unit_code = edges.old_unit_code
        and within_territory.new_unit_code = edges.new_unit_code
)

select * from final
