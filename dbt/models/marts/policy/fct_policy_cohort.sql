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

-- The first path of each (person_key, leave_date) in path order (eligible first, then early
-- retirement, resignation, part-time leave): the row whose previous row of the person, in
-- leave date then path order, has another leave date. A person's paths are unique, so the
-- order is total. One window partition per person rather than per person and month: at
-- national scale (13 million paths then, 8 million now) the window took 14 s of CPU instead
-- of 25.
ranked as (
    select
        *,
        cast(leave_date - interval 1 month as date) as report_month,
        lag(leave_date) over (
            partition by person_key
            order by
                leave_date,
                is_eligible desc,
                case policy
                    when 'early_retirement' then 1
                    when 'resignation' then 2
                    else 3
                end
        ) as previous_leave_date
    from computed
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
    where previous_leave_date is distinct from leave_date
)

select * from final
