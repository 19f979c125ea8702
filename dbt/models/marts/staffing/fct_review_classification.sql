{#- Review and classify (rà soát, đánh giá, phân loại; docs/rules.md S7): per report month,
    each unit with a surplus (fct_staffing_balance, surplus > 0, its province's month
    delivered in full), its staff in post of the unit's quota kind by their last annual
    quality rating (roster column quality_rating, seed staffing_quality_ratings), and what it
    would cost if those rated lowest in the unit left on the first day of the next month:
    the cohort's path for each of them (fct_policy_cohort: early retirement or resignation
    under Decrees 178/67, Decree 154 for part-timers), summed over those eligible. The
    lowest rated are the staff with the worst rating present in the unit; staff without a
    rating are counted apart (n_unrated) and never taken for the lowest. -#}
{{ config(**by_report_month(tags=['by_month'])) }}

with balance as (
    select * from {{ ref('fct_staffing_balance') }}
    where surplus > 0 and {{ in_partition_months('report_month') }}
),

months as (
    select * from {{ ref('int_roster_months_selected') }}
    where period = 'post' and {{ in_partition_months('report_month') }}
),

cohort as (
    select * from {{ ref('fct_policy_cohort') }}
    where {{ in_partition_months('report_month') }}
),

ratings as (
    select * from {{ ref('staffing_quality_ratings') }}
),

staff_categories as (
    select * from {{ ref('policy_staff_categories') }}
),

in_post as (
    select
        balance.report_month,
        balance.unit_code,
        months.person_key,
        ratings.quality_rating,
        ratings.rank_from_best
    from balance
    inner join months
        on months.report_month = balance.report_month
        and months.unit_code = balance.unit_code
    inner join staff_categories
        on staff_categories.staff_category = months.staff_category
        and staff_categories.quota_kind = balance.quota_kind
    left join ratings on ratings.quality_rating = months.quality_rating
),

lowest as (
    select
        report_month,
        unit_code,
        max(rank_from_best) as lowest_rank
    from in_post
    group by report_month, unit_code
),

lowest_rated as (
    select
        in_post.report_month,
        in_post.unit_code,
        count(*) as n_lowest_rated,
        count(*) filter (where cohort.is_eligible) as n_lowest_rated_eligible,
        coalesce(sum(cohort.total_vnd) filter (where cohort.is_eligible), 0) as lowest_rated_cost_vnd,
        coalesce(sum(cohort.total_vnd) filter (where cohort.is_eligible and cohort.decree = '178'), 0)
            as lowest_rated_cost_178_vnd,
        coalesce(sum(cohort.total_vnd) filter (where cohort.is_eligible and cohort.decree = '154'), 0)
            as lowest_rated_cost_154_vnd
    from in_post
    inner join lowest
        on lowest.report_month = in_post.report_month
        and lowest.unit_code = in_post.unit_code
        and lowest.lowest_rank = in_post.rank_from_best
    left join cohort
        on cohort.report_month = in_post.report_month
        and cohort.person_key = in_post.person_key
    group by in_post.report_month, in_post.unit_code
),

by_rating as (
    select
        report_month,
        unit_code,
        count(*) as n_in_post,
        count(*) filter (where quality_rating = 'excellent') as n_excellent,
        count(*) filter (where quality_rating = 'good') as n_good,
        count(*) filter (where quality_rating = 'completed') as n_completed,
        count(*) filter (where quality_rating = 'not_completed') as n_not_completed,
        count(*) filter (where quality_rating is null) as n_unrated
    from in_post
    group by report_month, unit_code
),

final as (
    select
        balance.report_month::date as report_month,
        balance.unit_code::varchar as unit_code,
        balance.province_code::varchar as province_code,
        balance.commune_code::varchar as commune_code,
        balance.unit_kind::varchar as unit_kind,
        balance.quota_kind::varchar as quota_kind,
        balance.staffing_quota::integer as staffing_quota,
        balance.surplus::bigint as surplus,
        coalesce(by_rating.n_in_post, 0)::bigint as n_in_post,
        coalesce(by_rating.n_excellent, 0)::bigint as n_excellent,
        coalesce(by_rating.n_good, 0)::bigint as n_good,
        coalesce(by_rating.n_completed, 0)::bigint as n_completed,
        coalesce(by_rating.n_not_completed, 0)::bigint as n_not_completed,
        coalesce(by_rating.n_unrated, 0)::bigint as n_unrated,
        ratings.quality_rating::varchar as lowest_rating,
        coalesce(lowest_rated.n_lowest_rated, 0)::bigint as n_lowest_rated,
        coalesce(lowest_rated.n_lowest_rated_eligible, 0)::bigint as n_lowest_rated_eligible,
        coalesce(lowest_rated.lowest_rated_cost_vnd, 0)::bigint as lowest_rated_cost_vnd,
        coalesce(lowest_rated.lowest_rated_cost_178_vnd, 0)::bigint as lowest_rated_cost_178_vnd,
        coalesce(lowest_rated.lowest_rated_cost_154_vnd, 0)::bigint as lowest_rated_cost_154_vnd
    from balance
    left join by_rating
        on by_rating.report_month = balance.report_month
        and by_rating.unit_code = balance.unit_code
    left join lowest
        on lowest.report_month = balance.report_month
        and lowest.unit_code = balance.unit_code
    left join ratings on ratings.rank_from_best = lowest.lowest_rank
    left join lowest_rated
        on lowest_rated.report_month = balance.report_month
        and lowest_rated.unit_code = balance.unit_code
)

select * from final
