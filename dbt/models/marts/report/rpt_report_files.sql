{#- The files each report rests on (Biểu 10): one row per (report, delivered file), for the
    current version of every file (stg_audit__ingest_ledger, a workbook's sheets added up):
    the roster files of the report month (a snapshot date in the month) and every file of
    the other deliveries (agency registries, lineage, decisions), which are not monthly. A
    province's report keeps the roster files of its units (the ledger's province_codes) and
    the other files delivered from its old provinces' folders (`<folder>/<old province
    code>_<name>/...`, the delivery layout); files outside that layout are in the national
    report only. note_vi is why a file was rejected whole, in Vietnamese (the quarantine
    message of the file; it names the file and the column, never a person). -#}
with ledger as (
    select * from {{ ref('stg_audit__ingest_ledger') }}
),

quarantine as (
    select * from {{ ref('stg_audit__quarantine') }}
),

lineage as (
    select * from {{ ref('bridge_province_lineage') }}
),

scopes as (
    select * from {{ ref('rpt_report_scope') }}
),

files as (
    select
        table_name,
        file,
        count(*) as n_sheets,
        case
            when bool_or(status = 'rejected') then 'rejected'
            when bool_or(status = 'loaded') then 'loaded'
            else 'skipped'
        end as status,
        sum(rows_read) as rows_read,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined,
        sum(rows_skipped) as rows_skipped,
        list_distinct(flatten(list(string_split(coalesce(snapshot_dates, ''), ',')))) as snapshot_dates,
        list_distinct(flatten(list(string_split(coalesce(province_codes, ''), ',')))) as province_codes,
        left(split_part(file, '/', 2), 2) as folder_province_code
    from ledger
    group by table_name, file
),

rejections as (
    select file, string_agg(distinct message_vi, '; ' order by message_vi) as note_vi
    from quarantine
    where is_whole_file
    group by file
),

scoped as (
    select scopes.report_month, scopes.scope_code, files.*
    from scopes
    inner join files
        on case
            when files.table_name = 'personnel'
                then
                    len(list_filter(
                        files.snapshot_dates, lambda d:
                        try_cast(d as date) between scopes.report_month and scopes.period_end_date  -- noqa: RF02
                    )) > 0
                    and (scopes.scope_code = 'VN' or list_contains(files.province_codes, scopes.scope_code))
            else scopes.scope_code = 'VN' or exists (
                    select 1 from lineage
                    where lineage.old_province_code = files.folder_province_code
                        and lineage.new_province_code = scopes.scope_code
                )
        end
),

labels as (
    select * from {{ ref('rpt_report_labels') }}
),

detail as (
    select
        scoped.report_month,
        scoped.scope_code,
        'detail' as row_kind,
        coalesce(table_labels.sort_order, 99) as table_order,
        scoped.table_name,
        coalesce(table_labels.label_vi, scoped.table_name) as table_vi,
        scoped.file,
        scoped.n_sheets,
        scoped.status,
        coalesce(status_labels.label_vi, scoped.status) as status_vi,
        scoped.rows_read,
        scoped.rows_loaded,
        scoped.rows_quarantined,
        scoped.rows_skipped,
        rejections.note_vi
    from scoped
    left join rejections on rejections.file = scoped.file and scoped.status = 'rejected'
    left join labels as table_labels on table_labels.domain = 'table_name' and table_labels.code = scoped.table_name
    left join labels as status_labels on status_labels.domain = 'ledger_status' and status_labels.code = scoped.status
),

total as (
    select
        report_month, scope_code, 'total' as row_kind, 1000 as table_order,
        'Tổng cộng' as table_vi,
        count(*) as n_files,
        count(*) filter (where status = 'rejected') as n_files_rejected,
        sum(n_sheets) as n_sheets,
        sum(rows_read) as rows_read,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined,
        sum(rows_skipped) as rows_skipped
    from detail
    group by report_month, scope_code
),

all_rows as (
    select *, 1 as n_files, (status = 'rejected')::integer as n_files_rejected from detail
    union all by name
    select * from total
),

final as (
    select
        report_month::date as report_month,
        scope_code::varchar as scope_code,
        (row_number() over (partition by report_month, scope_code order by table_order, file))::integer as row_order,
        row_kind::varchar as row_kind,
        table_name::varchar as table_name,
        table_vi::varchar as table_vi,
        file::varchar as file,
        status::varchar as status,
        status_vi::varchar as status_vi,
        n_files::bigint as n_files,
        n_files_rejected::bigint as n_files_rejected,
        n_sheets::bigint as n_sheets,
        rows_read::bigint as rows_read,
        rows_loaded::bigint as rows_loaded,
        rows_quarantined::bigint as rows_quarantined,
        rows_skipped::bigint as rows_skipped,
        note_vi::varchar as note_vi
    from all_rows
)

select * from final
