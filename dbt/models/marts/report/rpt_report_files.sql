{#- The files each report rests on (Biểu 10): one row per (report, delivered file), for the
    current version of every file (stg_audit__ingest_ledger): the roster files of the report
    month and every file of the other deliveries (agency registries, lineage, decisions), which
    are not monthly. A roster workbook counts the sheets of the report month only (a sheet's
    snapshot dates; a sheet whose dates are unknown, those of its workbook's other sheets): a
    quarterly workbook sent again with the next month's sheet leaves the month's figures as
    they were. A CSV or Parquet file is one ledger row, counted whole (a yearly Parquet file's
    rows are not counted by month). A province's report keeps the roster files of its units
    (the ledger's province_codes) and the other files delivered from its old provinces'
    folders (`<folder>/<old province code>_<name>/...`, the delivery layout); files outside
    that layout are in the national report only. note_vi is why a file was rejected whole, in
    Vietnamese (the quarantine message of the file; it names the file and the column, never a
    person). -#}
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

sheets as (
    select
        table_name,
        file,
        sheet,
        status,
        rows_read,
        rows_loaded,
        rows_quarantined,
        rows_skipped,
        list_filter(string_split(coalesce(snapshot_dates, ''), ','), lambda d: d <> '') as snapshot_dates,
        list_filter(string_split(coalesce(province_codes, ''), ','), lambda c: c <> '') as province_codes,
        left(split_part(file, '/', 2), 2) as folder_province_code
    from ledger
),

-- What a sheet whose snapshot dates or provinces are unknown (a sheet rejected whole) is for:
-- those of its workbook's other sheets.
file_lists as (
    select
        table_name,
        file,
        list_distinct(flatten(list(snapshot_dates))) as file_snapshot_dates,
        list_distinct(flatten(list(province_codes))) as file_province_codes
    from sheets
    group by table_name, file
),

placed as (
    select
        sheets.* replace (
            case
                when len(sheets.snapshot_dates) > 0 then sheets.snapshot_dates
                else file_lists.file_snapshot_dates
            end as snapshot_dates,
            case
                when len(sheets.province_codes) > 0 then sheets.province_codes
                else file_lists.file_province_codes
            end as province_codes
        )
    from sheets
    inner join file_lists on file_lists.table_name = sheets.table_name and file_lists.file = sheets.file
),

rejections as (
    select file, string_agg(distinct message_vi, '; ' order by message_vi) as note_vi
    from quarantine
    where is_whole_file
    group by file
),

scoped_sheets as (
    select scopes.report_month, scopes.scope_code, placed.*
    from scopes
    inner join placed
        on case
            when placed.table_name = 'personnel'
                then
                    len(list_filter(
                        placed.snapshot_dates, lambda d:
                        try_cast(d as date) between scopes.report_month and scopes.period_end_date  -- noqa: RF02
                    )) > 0
                    and (scopes.scope_code = 'VN' or list_contains(placed.province_codes, scopes.scope_code))
            else scopes.scope_code = 'VN' or exists (
                    select 1 from lineage
                    where lineage.old_province_code = placed.folder_province_code
                        and lineage.new_province_code = scopes.scope_code
                )
        end
),

scoped as (
    select
        report_month,
        scope_code,
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
        nullif(list_sort(list(sheet) filter (where sheet is not null)), []) as sheets
    from scoped_sheets
    group by report_month, scope_code, table_name, file
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
        scoped.sheets,
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
        sheets::varchar[] as sheets,
        note_vi::varchar as note_vi
    from all_rows
)

select * from final
