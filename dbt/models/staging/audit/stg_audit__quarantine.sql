{#- Every quarantined row, and every file rejected whole (row_number null). -#}
with source as (
    select * from {{ source('audit', 'quarantine') }}
),

final as (
    select
        table_name,
        file,
        sheet,
        content_hash,
        row_number,
        row_number is null as is_whole_file,
        column_name,
        rule,
        message_vi,
        message_en
    from source
)

select * from final
