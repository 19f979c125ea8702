{#- The staffing balance per report month and new province (all its agencies), from
    fct_staffing_balance (macro pieces staffing_balance_sums and
    staffing_balance_counted_columns, shared with the national and commune rollups). Only
    agencies whose province delivered the month in full are counted, in every figure, quota
    included: a province whose month is missing, rejected or incomplete has null figures,
    never a shortage, and delivery_status says why. norm_posts is the sum of the exact
    commune norms (int_commune_norms_computed) of the communes with counted agencies, not of
    the apportioned agency figures. -#}
{{ config(**by_report_month(tags=['by_month'])) }}

with balance as (
    select * from {{ ref('fct_staffing_balance') }}
    where {{ in_partition_months('report_month') }}
),

norms as (
    select * from {{ ref('int_commune_norms_computed') }}
),

norm_totals as (
    {{ staffing_counted_norm_totals(['province_code']) }}
),

rolled as (
    select
        report_month,
        province_code,
        {{ staffing_balance_sums() }}
    from balance
    group by report_month, province_code
),

final as (
    select
        rolled.report_month::date as report_month,
        rolled.province_code::varchar as province_code,
        coalesce(rolled.worst_status, 'delivered')::varchar as delivery_status,
        {{ staffing_balance_counted_columns('rolled', 'norm_totals') }}
    from rolled
    left join norm_totals
        on norm_totals.report_month = rolled.report_month
        and norm_totals.province_code = rolled.province_code
)

select * from final
