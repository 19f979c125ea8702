{#- Suggested moves (điều động) from surplus agencies to short agencies in the same new
    province, per report month: one row per (from, to) pair and tier. See
    int_redeployment_matched for the rule. A suggestion, not a decision: who moves is for
    the province to choose. -#}
with matched as (
    select * from {{ ref('int_redeployment_matched') }}
),

final as (
    select
        report_month::date as report_month,
        province_code::varchar as province_code,
        from_unit_code::varchar as from_unit_code,
        to_unit_code::varchar as to_unit_code,
        n_persons::bigint as n_persons,
        match_tier::varchar as match_tier,
        tier_rank::integer as tier_rank,
        (case when match_tier like '%same_field' then from_field end)::varchar as field,
        from_old_district_code::varchar as from_old_district_code,
        to_old_district_code::varchar as to_old_district_code
    from matched
    where n_persons > 0
)

select * from final
