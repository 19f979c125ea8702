{#- Review and classify (Biểu 09), per report month: the agencies with a surplus
    (fct_review_classification) with their staff in post by the last annual quality rating,
    and what it would cost if those rated lowest left on the first day of the next month
    (docs/rules.md S7). A province's report lists its agencies, the nation's its provinces;
    then the total. Nothing is computed here that the mart does not hold: rows are only
    labelled and added up. -#}
{{ config(**by_report_month(tags=['by_month'])) }}

with review as (
    select * from {{ ref('fct_review_classification') }}
    where {{ in_partition_months('report_month') }}
),

balance as (
    select report_month, unit_code, unit_name from {{ ref('fct_staffing_balance') }}
    where {{ in_partition_months('report_month') }}
),

ratings as (
    select * from {{ ref('staffing_quality_ratings') }}
),

provinces as (
    select province_code, province_name from {{ ref('dim_province') }}
    where period = 'post'
),

scopes as (
    select * from {{ ref('rpt_report_scope') }}
    where {{ in_partition_months('report_month') }}
),

in_scope as (
    select
        scopes.report_month,
        scopes.scope_code,
        case when scopes.scope_code = 'VN' then review.province_code else review.unit_code end as line_code,
        case when scopes.scope_code = 'VN' then provinces.province_name else balance.unit_name end as line_name,
        review.staffing_quota,
        review.n_in_post,
        review.surplus,
        review.n_excellent,
        review.n_good,
        review.n_completed,
        review.n_not_completed,
        review.n_unrated,
        review.lowest_rating,
        review.n_lowest_rated,
        review.n_lowest_rated_eligible,
        review.lowest_rated_cost_vnd
    from scopes
    inner join review
        on review.report_month = scopes.report_month
        and (scopes.scope_code = 'VN' or review.province_code = scopes.scope_code)
    left join balance
        on balance.report_month = review.report_month and balance.unit_code = review.unit_code
    left join provinces on provinces.province_code = review.province_code
),

detail as (
    select
        in_scope.report_month,
        in_scope.scope_code,
        'detail' as row_kind,
        in_scope.line_code,
        in_scope.line_name as row_label_vi,
        count(*) as n_units,
        sum(in_scope.staffing_quota) as staffing_quota,
        sum(in_scope.n_in_post) as n_in_post,
        sum(in_scope.surplus) as surplus,
        sum(in_scope.n_excellent) as n_excellent,
        sum(in_scope.n_good) as n_good,
        sum(in_scope.n_completed) as n_completed,
        sum(in_scope.n_not_completed) as n_not_completed,
        sum(in_scope.n_unrated) as n_unrated,
        case when count(*) = 1 then any_value(ratings.label_vi) end as lowest_rating_vi,
        sum(in_scope.n_lowest_rated) as n_lowest_rated,
        sum(in_scope.n_lowest_rated_eligible) as n_lowest_rated_eligible,
        sum(in_scope.lowest_rated_cost_vnd) as lowest_rated_cost_vnd
    from in_scope
    left join ratings on ratings.quality_rating = in_scope.lowest_rating
    group by in_scope.report_month, in_scope.scope_code, in_scope.line_code, in_scope.line_name
),

total as (
    select
        report_month,
        scope_code,
        'total' as row_kind,
        null as line_code,
        'Tổng cộng' as row_label_vi,
        sum(n_units) as n_units,
        sum(staffing_quota) as staffing_quota,
        sum(n_in_post) as n_in_post,
        sum(surplus) as surplus,
        sum(n_excellent) as n_excellent,
        sum(n_good) as n_good,
        sum(n_completed) as n_completed,
        sum(n_not_completed) as n_not_completed,
        sum(n_unrated) as n_unrated,
        null as lowest_rating_vi,
        sum(n_lowest_rated) as n_lowest_rated,
        sum(n_lowest_rated_eligible) as n_lowest_rated_eligible,
        sum(lowest_rated_cost_vnd) as lowest_rated_cost_vnd
    from detail
    group by report_month, scope_code
),

all_rows as (
    select * from detail
    union all by name
    select * from total
),

final as (
    select
        report_month::date as report_month,
        scope_code::varchar as scope_code,
        (row_number() over (
            partition by report_month, scope_code
            order by row_kind = 'total', surplus desc, line_code
        ))::integer as row_order,
        row_kind::varchar as row_kind,
        line_code::varchar as line_code,
        row_label_vi::varchar as row_label_vi,
        n_units::bigint as n_units,
        staffing_quota::bigint as staffing_quota,
        n_in_post::bigint as n_in_post,
        surplus::bigint as surplus,
        n_excellent::bigint as n_excellent,
        n_good::bigint as n_good,
        n_completed::bigint as n_completed,
        n_not_completed::bigint as n_not_completed,
        n_unrated::bigint as n_unrated,
        lowest_rating_vi::varchar as lowest_rating_vi,
        n_lowest_rated::bigint as n_lowest_rated,
        n_lowest_rated_eligible::bigint as n_lowest_rated_eligible,
        lowest_rated_cost_vnd::bigint as lowest_rated_cost_vnd
    from all_rows
)

select * from final
