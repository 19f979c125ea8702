{#- Why rows were not loaded (Biểu 11): per report and quarantine rule, the rows of the
    report's files (rpt_report_files: of a workbook, the sheets it counts) set aside at ingest,
    with the rule in Vietnamese, then the total. A file rejected whole counts as one row of its
    rule here (its rows are in rpt_report_files.rows_quarantined). No value or message of a row
    is copied: they may quote a person. -#}
with quarantine as (
    select * from {{ ref('stg_audit__quarantine') }}
),

files as (
    select * from {{ ref('rpt_report_files') }}
    where row_kind = 'detail'
),

labels as (
    select * from {{ ref('rpt_report_labels') }}
    where domain = 'quarantine_rule'
),

counted as (
    select
        files.report_month, files.scope_code, quarantine.rule,
        count(*) as n_rows, count(distinct quarantine.file) as n_files
    from files
    inner join quarantine
        on quarantine.file = files.file
        and (files.sheets is null or quarantine.sheet is null or list_contains(files.sheets, quarantine.sheet))
    group by all
),

all_rows as (
    select
        counted.*, 'detail' as row_kind, coalesce(labels.sort_order, 99) as rule_order,
        coalesce(labels.label_vi, counted.rule) as rule_vi, coalesce(labels.label_en, counted.rule) as rule_en
    from counted
    left join labels on labels.code = counted.rule
    union all by name
    select
        report_month, scope_code, cast(null as varchar) as rule, sum(n_rows) as n_rows,
        cast(null as bigint) as n_files, 'total' as row_kind, 1000 as rule_order,
        'Tổng cộng' as rule_vi, 'Total' as rule_en
    from counted
    group by report_month, scope_code
),

final as (
    select
        report_month::date as report_month,
        scope_code::varchar as scope_code,
        (row_number() over (partition by report_month, scope_code order by rule_order, rule))::integer as row_order,
        row_kind::varchar as row_kind,
        rule::varchar as rule,
        rule_vi::varchar as rule_vi,
        rule_en::varchar as rule_en,
        n_rows::bigint as n_rows,
        n_files::bigint as n_files
    from all_rows
)

select * from final
