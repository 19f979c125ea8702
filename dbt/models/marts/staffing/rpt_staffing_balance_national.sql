{#- The national staffing balance, one row per report month, from fct_staffing_balance
    (the same macro pieces as rpt_staffing_balance_province): only provinces that delivered
    the month in full are counted; n_provinces_not_delivered and provinces_not_delivered say
    which are left out. -#}
{{ config(**by_report_month(tags=['by_month'])) }}

with balance as (
    select * from {{ ref('fct_staffing_balance') }}
    where {{ in_partition_months('report_month') }}
),

norms as (
    select * from {{ ref('int_commune_norms_computed') }}
),

norm_totals as (
    {{ staffing_counted_norm_totals() }}
),

rolled as (
    select
        report_month,
        {{ staffing_balance_sums() }}
    from balance
    group by report_month
),

final as (
    select
        rolled.report_month::date as report_month,
        {{ staffing_balance_counted_columns('rolled', 'norm_totals') }}
    from rolled
    left join norm_totals on norm_totals.report_month = rolled.report_month
)

select * from final
