{#- The summary's identities, per report: the people before the merger are the stayed, the
    moved, the leavers and those not reported; the leavers are by decision, by retirement or
    unexplained; the people on the month's rosters come from the old agencies or joined, and
    are either decided to leave or still in post; those in post are the eligible of each
    path and the not eligible; the net surplus is the gross surplus minus the gross
    shortage. Returns the lines that break one. -#}
with lines as (
    select report_month, scope_code, line_code, coalesce(persons, 0) as persons
    from {{ ref('rpt_report_summary') }}
    where row_kind = 'line'
),

wide as (
    select
        report_month,
        scope_code,
        sum(persons) filter (where line_code = 'A05') as A05,
        sum(persons) filter (where line_code = 'A06') as A06,
        sum(persons) filter (where line_code = 'A07') as A07,
        sum(persons) filter (where line_code = 'B01') as B01,
        sum(persons) filter (where line_code = 'B02') as B02,
        sum(persons) filter (where line_code = 'B03') as B03,
        sum(persons) filter (where line_code = 'B04') as B04,
        sum(persons) filter (where line_code = 'B05') as B05,
        sum(persons) filter (where line_code = 'B06') as B06,
        sum(persons) filter (where line_code = 'B07') as B07,
        sum(persons) filter (where line_code = 'B08') as B08,
        sum(persons) filter (where line_code = 'B09') as B09,
        sum(persons) filter (where line_code = 'B10') as B10,
        sum(persons) filter (where line_code = 'B11') as B11,
        sum(persons) filter (where line_code = 'B12') as B12,
        sum(persons) filter (where line_code = 'B13') as B13,
        sum(persons) filter (where line_code = 'E01') as E01,
        sum(persons) filter (where line_code = 'E02') as E02,
        sum(persons) filter (where line_code = 'E03') as E03,
        sum(persons) filter (where line_code = 'E04') as E04,
        sum(persons) filter (where line_code = 'E05') as E05
    from lines
    group by report_month, scope_code
),

checks as (
    select report_month, scope_code, 'B01 = B02 + B03 + B04 + B08' as identity,
           B01 as left_side, B02 + B03 + B04 + B08 as right_side from wide
    union all
    select report_month, scope_code, 'B04 = B05 + B06 + B07', B04, B05 + B06 + B07 from wide
    union all
    select report_month, scope_code, 'B09 = B10 + B11', B09, B10 + B11 from wide
    union all
    select report_month, scope_code, 'B09 = B12 + B13', B09, B12 + B13 from wide
    union all
    select report_month, scope_code, 'E01 = B13', E01, B13 from wide
    union all
    select report_month, scope_code, 'E01 = E02 + E03 + E04 + E05', E01, E02 + E03 + E04 + E05 from wide
    union all
    select report_month, scope_code, 'A05 = A06 - A07', A05, A06 - A07 from wide
    union all
    select report_month, scope_code, 'B12 >= 0', least(B12, 0), 0 from wide
)

select * from checks
where left_side <> right_side
