{#- What each new province delivered for each report month (sapnhap expects a roster from
    every province every month): one row per (report_month, province) for the 34 new
    provinces and every month from the merger to the last month with any roster.

    - delivered: the province's roster of the month (int_roster_months_selected: its latest
      snapshot in the month) lists at least incomplete_below_share of its usual headcount,
      the median of its other delivered months within reference_window_months either side
      (seed delivery_expectations);
    - incomplete: it lists fewer, and no file of the month was rejected (a district's sheet
      or half a file missing);
    - rejected: a roster file for that province and month was rejected whole (a missing
      column, an unreadable file; not a second copy of a loaded file), and what loaded, if
      anything, lists fewer than incomplete_below_share of the usual headcount (a merged
      province whose old provinces deliver separately: one part rejected);
    - not_delivered: nothing loaded and nothing rejected;
    - never_delivered: the province has delivered no roster at all, before or after the
      merger: it is outside the data set, not late (the report says how many provinces the
      data covers).
    A rejected file's province and month come from the ledger (snapshot_dates,
    province_codes); pre-merger old provinces map to their new province. -#}
with selected as (
    select * from {{ ref('int_roster_months_selected') }}
),

ledger as (
    select * from {{ ref('stg_audit__ingest_ledger') }}
    where table_name = 'personnel'
),

file_rejections as (
    select distinct file, rule from {{ ref('stg_audit__quarantine') }}
    where table_name = 'personnel' and is_whole_file
),

provinces as (
    select province_code from {{ ref('stg_reference__units_post') }}
    where level = 'province'
),

province_lineage as (
    select * from {{ ref('stg_reference__lineage_provinces') }}
),

expectations as (
    select
        max(value) filter (where parameter = 'incomplete_below_share') as incomplete_below_share,
        max(value) filter (where parameter = 'reference_window_months')::integer as window_months
    from {{ ref('delivery_expectations') }}
),

months as (
    select
        cast(unnest(generate_series(
            date '{{ var("merger_date") }}', max(report_month), interval 1 month
        )) as date) as report_month
    from selected
    where period = 'post'
),

participating as (
    select distinct new_province_code as province_code
    from selected
    where new_province_code is not null
),

delivered as (
    select
        report_month,
        province_code,
        max(snapshot_date) as snapshot_date,
        count(*) as headcount
    from selected
    where period = 'post'
    group by report_month, province_code
),

usual as (
    select
        delivered.report_month,
        delivered.province_code,
        median(others.headcount) as reference_headcount
    from delivered
    inner join delivered as others
        on others.province_code = delivered.province_code
        and others.report_month <> delivered.report_month
    cross join expectations
    where others.report_month between
        cast(delivered.report_month - to_months(expectations.window_months) as date)
        and cast(delivered.report_month + to_months(expectations.window_months) as date)
    group by delivered.report_month, delivered.province_code
),

rejected_files as (
    select
        ledger.file,
        cast(trim(snapshot.value) as date) as snapshot_date,
        trim(province.value) as province_code
    from ledger
    inner join file_rejections
        on file_rejections.file = ledger.file and file_rejections.rule <> 'duplicate_file'
    cross join unnest(string_split(ledger.snapshot_dates, ',')) as snapshot (value)
    cross join unnest(string_split(ledger.province_codes, ',')) as province (value)
    where ledger.status = 'rejected'
),

rejected as (
    select
        cast(date_trunc('month', rejected_files.snapshot_date) as date) as report_month,
        case
            when rejected_files.snapshot_date < date '{{ var("merger_date") }}'
                then province_lineage.new_province_code
            else rejected_files.province_code
        end as province_code,
        count(distinct rejected_files.file) as files_rejected,
        string_agg(distinct rejected_files.file, ', ' order by rejected_files.file) as rejected_files
    from rejected_files
    left join province_lineage
        on province_lineage.old_province_code = rejected_files.province_code
    group by all
),

final as (
    select
        months.report_month,
        provinces.province_code,
        case
            when participating.province_code is null then 'never_delivered'
            when delivered.headcount is null and rejected.province_code is not null then 'rejected'
            when delivered.headcount is null then 'not_delivered'
            when usual.reference_headcount is null
                or delivered.headcount >= expectations.incomplete_below_share * usual.reference_headcount
                then 'delivered'
            when rejected.province_code is not null then 'rejected'
            else 'incomplete'
        end as delivery_status,
        delivered.snapshot_date,
        coalesce(delivered.headcount, 0) as headcount,
        usual.reference_headcount,
        coalesce(rejected.files_rejected, 0) as files_rejected,
        rejected.rejected_files
    from months
    cross join provinces
    cross join expectations
    left join participating on participating.province_code = provinces.province_code
    left join delivered
        on delivered.report_month = months.report_month
        and delivered.province_code = provinces.province_code
    left join usual
        on usual.report_month = months.report_month
        and usual.province_code = provinces.province_code
    left join rejected
        on rejected.report_month = months.report_month
        and rejected.province_code = provinces.province_code
)

select * from final
