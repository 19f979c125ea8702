{#- Staff still in post, per report month: the path each would qualify for if they left on
    the first day of the next month, and what it would cost (docs/rules.md). Early
    retirement comes before resignation (resignation is for those not eligible for early
    retirement, docs/rules.md A10). A person who qualifies for nothing keeps a row with the rule that
    failed on the first path tried. -#}
{{ config(**by_report_month(tags=['monthly'])) }}

with computed as (
    select * from {{ ref('int_policy_entitlements_computed') }}
    where is_hypothetical and {{ in_partition_months('leave_date', months_later=1) }}
),

-- The first path of each (person_key, leave_date) in path order: eligible first, then early
-- retirement, resignation, part-time leave (a person's paths are one per policy, the decree
-- breaks a tie a seed could add). A window per (person, leave date) that numbers the paths:
-- at national scale, on the 8 million paths of a full build held in a table, this selection
-- took 3.8-4.3 s (7.4-8.4 s of CPU) against 5.7-8.8 s (11-17 s) for a window per person that
-- compared each path's leave date with the previous one's; the same 7.1 million rows.
ranked as (
    select
        *,
        cast(leave_date - interval 1 month as date) as report_month
    from computed
    qualify
        row_number() over (
            partition by person_key, leave_date
            order by
                is_eligible desc,
                case policy
                    when 'early_retirement' then 1
                    when 'resignation' then 2
                    else 3
                end,
                decree
        ) = 1
),

final as (
    select
        report_month,
        person_key,
        staff_category,
        unit_code,
        province_code,
        leave_date as if_leave_date,
        is_eligible,
        case when is_eligible then decree end as decree,
        case when is_eligible then policy end as policy,
        band,
        part_time_group,
        months_early,
        pension_start_date,
        current_salary_vnd,
        total_vnd,
        is_low_confidence,
        case when not is_eligible then failed_rule end as failed_rule
    from ranked
)

select * from final
