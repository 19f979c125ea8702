{#- The 440 split old communes and their 2 to 4 successors, with the three weights an
    apportionment can use side by side: equal (1 / number of successors), population and
    natural area of the new units (shares of the successors' totals; no official numeric
    share exists, PROVENANCE.md). Applied to the old commune's headcount on its province's
    last pre-merger roster (each old province's latest pre-merger report month in
    int_roster_months_selected; a person on two provinces' last rosters counts once, on the
    later), so the spread between the three results shows how much a number moves with the
    choice. The default weight of sapnhap is population (the staffing
    framework is population-based); where a successor lacks a population or area, that
    weight falls back to equal for the whole old commune and says so. Where the official
    lineage says one successor took all the residents ("toàn bộ dân số": population_share
    'all'), that successor's population weight is 1 and the others' 0 (population_basis
    all_residents, docs/rules.md S3). -#}
with commune_lineage as (
    select * from {{ ref('stg_reference__lineage_communes') }}
    where is_split and old_commune_code is not null
),

communes as (
    select * from {{ ref('stg_reference__units_post') }}
    where level = 'commune'
),

old_units as (
    select * from {{ ref('stg_deliveries__units') }}
    where period = 'pre'
),

selected as (
    select * from {{ ref('int_roster_months_selected') }}
    where period = 'pre'
),

province_last_month as (
    select province_code, max(report_month) as report_month
    from selected
    group by province_code
),

last_pre_roster as (
    select selected.person_key, selected.unit_code
    from selected
    inner join province_last_month
        on province_last_month.province_code is not distinct from selected.province_code
        and province_last_month.report_month = selected.report_month
    qualify
        row_number() over (
            partition by selected.person_key
            order by selected.snapshot_date desc, selected.unit_code
        ) = 1
),

old_headcount as (
    select
        old_units.commune_code as old_commune_code,
        count(*) as headcount
    from last_pre_roster
    inner join old_units on old_units.unit_code = last_pre_roster.unit_code
    where old_units.level = 'commune'
    group by old_units.commune_code
),

pairs as (
    select
        commune_lineage.old_commune_code,
        commune_lineage.old_district_code,
        commune_lineage.old_province_code,
        commune_lineage.new_commune_code,
        commune_lineage.new_province_code,
        commune_lineage.population_share,
        count(*) over (partition by commune_lineage.old_commune_code) as n_successors,
        count(*) filter (where commune_lineage.population_share = 'all')
            over (partition by commune_lineage.old_commune_code) as n_taking_all_residents,
        communes.population as new_population,
        communes.area_km2 as new_area_km2,
        sum(communes.population) over (partition by commune_lineage.old_commune_code) as sum_population,
        sum(communes.area_km2) over (partition by commune_lineage.old_commune_code) as sum_area_km2,
        count(communes.population) over (partition by commune_lineage.old_commune_code) as n_with_population,
        count(communes.area_km2) over (partition by commune_lineage.old_commune_code) as n_with_area
    from commune_lineage
    left join communes on communes.unit_code = commune_lineage.new_commune_code
),

weighted as (
    select
        pairs.*,
        (1.0 / n_successors)::decimal(9, 6) as weight_equal,
        (case
            when n_taking_all_residents = 1
                then case when population_share = 'all' then 1.0 else 0.0 end
            when n_with_population = n_successors and sum_population > 0
                then new_population::double / sum_population
            else 1.0 / n_successors
        end)::decimal(9, 6) as weight_population,
        case
            when n_taking_all_residents = 1 then 'all_residents'
            when n_with_population = n_successors and sum_population > 0 then 'population'
            else 'equal'
        end as population_basis,
        (case
            when n_with_area = n_successors and sum_area_km2 > 0
                then new_area_km2::double / sum_area_km2::double
            else 1.0 / n_successors
        end)::decimal(9, 6) as weight_area,
        n_taking_all_residents <> 1
        and not (n_with_population = n_successors and sum_population > 0) as is_population_fallback,
        not(n_with_area = n_successors and sum_area_km2 > 0) as is_area_fallback
    from pairs
),

apportioned as (
    select
        weighted.old_commune_code,
        weighted.old_district_code,
        weighted.old_province_code,
        weighted.new_commune_code,
        weighted.new_province_code,
        weighted.n_successors::integer as n_successors,
        weighted.new_population,
        weighted.new_area_km2,
        weighted.weight_equal,
        weighted.weight_population,
        weighted.population_basis,
        weighted.weight_area,
        weighted.is_population_fallback,
        weighted.is_area_fallback,
        coalesce(old_headcount.headcount, 0)::bigint as old_headcount,
        round(coalesce(old_headcount.headcount, 0) * weighted.weight_equal, 2)::decimal(12, 2) as headcount_equal,
        round(coalesce(old_headcount.headcount, 0) * weighted.weight_population, 2)::decimal(12, 2) as headcount_population,
        round(coalesce(old_headcount.headcount, 0) * weighted.weight_area, 2)::decimal(12, 2) as headcount_area
    from weighted
    left join old_headcount on old_headcount.old_commune_code = weighted.old_commune_code
),

final as (
    select
        *,
        (
            greatest(headcount_equal, headcount_population, headcount_area)
            - least(headcount_equal, headcount_population, headcount_area))::decimal(12, 2)
            as headcount_spread
    from apportioned
)

select * from final
