{#- What the redeployment suggestions would leave unresolved, per report month and new
    province: the gross surplus and gross shortage of agencies with a quota, the persons
    the suggestions move (by tier), and what remains on each side. -#}
with balance as (
    select * from {{ ref('fct_staffing_balance') }}
    where staffing_quota is not null
),

moves as (
    select * from {{ ref('fct_redeployment_suggestion') }}
),

sides as (
    select
        report_month,
        province_code,
        sum(greatest(surplus, 0)) as gross_surplus,
        sum(greatest(-surplus, 0)) as gross_shortage
    from balance
    group by report_month, province_code
),

moved as (
    select
        report_month,
        province_code,
        sum(n_persons) as moved,
        sum(n_persons) filter (where tier_rank <= 2) as moved_same_district,
        sum(n_persons) filter (where field is not null) as moved_same_field
    from moves
    group by report_month, province_code
),

final as (
    select
        sides.report_month::date as report_month,
        sides.province_code::varchar as province_code,
        sides.gross_surplus::bigint as gross_surplus,
        sides.gross_shortage::bigint as gross_shortage,
        coalesce(moved.moved, 0)::bigint as moved,
        coalesce(moved.moved_same_district, 0)::bigint as moved_same_district,
        coalesce(moved.moved_same_field, 0)::bigint as moved_same_field,
        (sides.gross_surplus - coalesce(moved.moved, 0))::bigint as unresolved_surplus,
        (sides.gross_shortage - coalesce(moved.moved, 0))::bigint as unresolved_shortage
    from sides
    left join moved
        on moved.report_month = sides.report_month
        and moved.province_code = sides.province_code
)

select * from final
