{#- The current version of every delivered file (or workbook sheet) and what ingest did with
    it, with what a roster file is for: its snapshot dates and the provinces of its units
    (comma-separated in the ledger, recorded even when the file is rejected). -#}
with source as (
    select * from {{ source('audit', 'ingest_ledger') }}
),

final as (
    select
        table_name,
        file,
        sheet,
        content_hash,
        status,
        rows_read,
        rows_loaded,
        rows_quarantined,
        coalesce(rows_skipped, 0) as rows_skipped,
        message,
        snapshot_dates,
        province_codes,
        ingested_at
    from source
    where is_current
)

select * from final
