{#- The staffing framework norm (docs/rules.md S2, seed staffing_framework) for every new
    commune, ward and special zone, from its real population (the reference registry):
    norm_posts = least(cap by type, base + floor(max(population - threshold, 0) / residents
    per extra post)); 32 + 1 per full 2,000 residents above 16,000, capped at 50 for a xã
    and 70 for a phường or đặc khu. Only active seed rows count: the mountainous 1,000
    threshold is one-source and there is no mountainous flag, so it stays inactive. A commune
    without a population gets the base number and is flagged. -#}
with communes as (
    select
        unit_code as commune_code,
        unit_type as commune_type,
        province_code,
        population
    from {{ ref('stg_reference__units_post') }}
    where level = 'commune'
),

framework as (
    select * from {{ ref('staffing_framework') }}
    where is_active
),

parameters as (
    select
        max(value) filter (where parameter = 'base_posts') as base_posts,
        max(value) filter (where parameter = 'population_threshold') as population_threshold,
        max(value) filter (where parameter = 'residents_per_extra_post') as residents_per_extra_post
    from framework
),

caps as (
    select commune_type, value as max_posts
    from framework
    where parameter = 'max_posts'
),

final as (
    select
        communes.commune_code,
        communes.commune_type,
        communes.province_code,
        communes.population,
        communes.population is null as is_population_missing,
        (
            parameters.base_posts
            + floor(
                greatest(coalesce(communes.population, 0) - parameters.population_threshold, 0)
                / parameters.residents_per_extra_post
            )
        )::integer as uncapped_posts,
        caps.max_posts::integer as max_posts,
        least(
            parameters.base_posts
            + floor(
                greatest(coalesce(communes.population, 0) - parameters.population_threshold, 0)
                / parameters.residents_per_extra_post
            ),
            coalesce(caps.max_posts, parameters.base_posts)
        )::integer as norm_posts
    from communes
    cross join parameters
    left join caps on caps.commune_type = communes.commune_type
)

select * from final
