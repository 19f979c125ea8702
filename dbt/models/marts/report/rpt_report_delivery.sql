{#- The data each report rests on: one row per (report month, report scope, province), for
    the nation (scope_code 'VN': every province that has delivered any roster) and for each
    such province (its own row). snapshot_date is the data cut-off: the date of the roster
    the month takes for the province (fct_delivery_status). A province whose month is not
    complete makes the report of its scope provisional (rpt_report_scope). -#}
with delivery as (
    select * from {{ ref('fct_delivery_status') }}
    where is_expected
),

scoped as (
    select 'VN' as scope_code, delivery.* from delivery
    union all
    select delivery.province_code as scope_code, delivery.* from delivery
),

final as (
    select
        report_month::date as report_month,
        scope_code::varchar as scope_code,
        province_code::varchar as province_code,
        province_name::varchar as province_name,
        delivery_status::varchar as delivery_status,
        delivery_status_vi::varchar as delivery_status_vi,
        is_complete::boolean as is_complete,
        snapshot_date::date as snapshot_date,
        headcount::bigint as headcount,
        reference_headcount::bigint as reference_headcount,
        files_rejected::integer as files_rejected,
        rejected_files::varchar as rejected_files
    from scoped
)

select * from final
