{#- One row per report (report month x scope): the nation (scope_code 'VN') and every
    province that has delivered any roster, for every month from July 2025 to the last month
    with a roster (a month with no roster at all has no report: fct_staffing_balance has no
    row for it). What the header of each sheet says: who issues the report (the Ministry of
    Home Affairs for the nation; the province's People's Committee and its Department of
    Home Affairs for a province), the place for the date line, the period, and whether the
    figures are provisional (a province of the scope has not delivered the month in full;
    rpt_report_delivery says which, with each province's data cut-off). -#}
with delivery as (
    select * from {{ ref('rpt_report_delivery') }}
),

provinces as (
    select * from {{ ref('dim_province') }}
    where period = 'post'
),

months_with_roster as (
    select distinct report_month from {{ ref('fct_staffing_balance') }}
),

counted as (
    select
        report_month,
        scope_code,
        count(*) as n_provinces_expected,
        count(*) filter (where is_complete) as n_provinces_complete,
        min(snapshot_date) filter (where is_complete) as first_snapshot_date,
        max(snapshot_date) filter (where is_complete) as last_snapshot_date
    from delivery
    where report_month in (select report_month from months_with_roster)  -- noqa: RF02
    group by report_month, scope_code
),

final as (
    select
        counted.report_month::date as report_month,
        counted.scope_code::varchar as scope_code,
        (case when counted.scope_code <> 'VN' then counted.scope_code end)::varchar as province_code,
        (case when counted.scope_code = 'VN' then 'Toàn quốc' else provinces.province_name end)::varchar
            as scope_name_vi,
        (case when counted.scope_code <> 'VN' then 'UBND ' || upper(provinces.province_name) end)::varchar
            as issuer_parent_vi,
        (case when counted.scope_code = 'VN' then 'BỘ NỘI VỤ' else 'SỞ NỘI VỤ' end)::varchar as issuer_vi,
        (case
            when counted.scope_code = 'VN' then 'Hà Nội'
            else regexp_replace(provinces.province_name, '^(Tỉnh|Thành phố) ', '')
        end)::varchar as place_vi,
        last_day(counted.report_month)::date as period_end_date,
        (select count(*) from provinces)::integer as n_provinces,
        counted.n_provinces_expected::integer as n_provinces_expected,
        counted.n_provinces_complete::integer as n_provinces_complete,
        (counted.n_provinces_complete < counted.n_provinces_expected)::boolean as is_provisional,
        counted.first_snapshot_date::date as first_snapshot_date,
        counted.last_snapshot_date::date as last_snapshot_date
    from counted
    left join provinces on provinces.province_code = counted.scope_code  -- noqa: AL04
)

select * from final
