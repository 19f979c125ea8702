{#- What each new province delivered for each report month, and whether the month's figures
    of that province can be read (see int_province_months_delivered). One row per
    (report_month, province) for the 34 new provinces. -#}
with delivered as (
    select * from {{ ref('int_province_months_delivered') }}
),

statuses as (
    select * from {{ ref('delivery_statuses') }}
),

provinces as (
    select province_code, province_name from {{ ref('dim_province') }}
    where period = 'post'
),

final as (
    select
        delivered.report_month::date as report_month,
        delivered.province_code::varchar as province_code,
        provinces.province_name::varchar as province_name,
        delivered.delivery_status::varchar as delivery_status,
        statuses.status_vi::varchar as delivery_status_vi,
        statuses.is_complete::boolean as is_complete,
        statuses.is_expected::boolean as is_expected,
        delivered.snapshot_date::date as snapshot_date,
        delivered.headcount::bigint as headcount,
        round(delivered.reference_headcount)::bigint as reference_headcount,
        delivered.files_rejected::integer as files_rejected,
        delivered.rejected_files::varchar as rejected_files
    from delivered
    inner join statuses on statuses.delivery_status = delivered.delivery_status
    left join provinces on provinces.province_code = delivered.province_code
)

select * from final
