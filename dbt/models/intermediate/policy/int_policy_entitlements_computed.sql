{#- docs/rules.md applied to every decision of int_policy_decisions_joined (the real
    leave decisions and the cohort's hypothetical ones, is_hypothetical), one row per
    (decision_no, person_key) in and out: months early (A4) from the retirement point (A3,
    int_retirement_points_computed), rounded years (A5), window (A6), eligibility (A7, A8,
    A10-A13) with the first rule that fails, the three allowances (A8-A11) in exact decimals,
    each rounded half-up to whole VND, and their sum (A14). Every figure comes from a
    rules.policy_* seed. The Python reference is dagster_project/policy/rules.py, which reads
    the same seeds; tests/policy/test_sql_matches_python.py compares them. A resignation of
    a person eligible for early retirement is computed as decided and flagged
    (is_early_retirement_passed_over, A10). A view: fct_policy_entitlement computes the
    real decisions from it and fct_policy_cohort the hypothetical ones, so its 13 million
    rows at national scale are never written. -#}
with decisions as (
    select * from {{ ref('int_policy_decisions_joined') }}
),

bands as (
    select * from {{ ref('policy_early_retirement_bands') }}
),

-- The rule tables that apply to a range of months early or of SI years are spelled out one
-- row per value, so that the 13 million decisions at national scale find their row by a hash
-- join rather than a nested loop over the ranges (23 of the cohort's 118 s at national
-- scale). A band per whole month early in its range:
bands_by_month as (
    select
        bands.*,
        unnest(generate_series(bands.min_months_early, bands.max_months_early)) as months_early
    from bands
),

window_rule as (
    select * from {{ ref('policy_window') }}
),

pension_minimum as (
    select * from {{ ref('policy_pension_minimum') }}
),

service_allowance as (
    select * from {{ ref('policy_service_allowance') }}
),

-- Rounded SI years are whole or half years (A5); each variant's range [ysi_min, ysi_below)
-- is spelled out in half years up to 100 years (a working life is far shorter).
half_years as (
    select cast(half / 2 as decimal(6, 1)) as si_years_rounded
    from generate_series(0, 200) as t (half)
),

service_allowance_by_year as (
    select
        service_allowance.*,
        half_years.si_years_rounded
    from service_allowance
    inner join half_years
        on half_years.si_years_rounded >= service_allowance.ysi_min
        and half_years.si_years_rounded < service_allowance.ysi_below
),

resignation_rule as (
    select * from {{ ref('policy_resignation') }}
),

staff_categories as (
    select * from {{ ref('policy_staff_categories') }}
),

decision_types as (
    select * from {{ ref('policy_decision_types') }}
),

part_time_rule as (
    select * from {{ ref('policy_part_time') }}
),

cut_off as (
    select * from {{ ref('policy_cut_off') }}
),

deferrals as (
    select * from {{ ref('policy_deferrals') }}
),

-- A2, A4, A5, A6: time quantities, salary and window multiplier. The retirement point
-- (A3: pension_start_date, retirement_appendix) comes with the decision from
-- int_retirement_points_computed.
with_quantities as (
    select
        r.*,
        {{ policy_months_early('r.pension_start_date', 'r.leave_date') }} as months_early,
        cast(
            r.si_months + {{ policy_whole_months('r.snapshot_date', 'r.leave_date') }} as integer
        ) as si_months_at_leave,
        case
            when r.staff_category = 'commune_part_time'
                then cast(coalesce(r.monthly_allowance_vnd, 0) as decimal(20, 6))
            else cast(
                    (
                        coalesce(r.salary_coefficient, 0)
                        + coalesce(r.leadership_allowance_coefficient, 0)
                        + coalesce(r.salary_coefficient, 0) * coalesce(r.beyond_frame_pct, 0) * 0.01
                    ) * r.base_salary_vnd * staff_categories.public_service_factor
                    + coalesce(r.other_allowances_vnd, 0)
                    as decimal(20, 6)
                )
        end as current_salary_vnd,
        staff_categories.has_job_search_allowance,
        case
            when r.leave_date < cast(
                    r.arrangement_date + to_months(window_rule.window_months) as date
                )
                then window_rule.full_multiplier
            else window_rule.late_multiplier
        end as window_multiplier
    from decisions as r
    left join staff_categories
        on staff_categories.staff_category = r.staff_category
    cross join window_rule
),

with_rounded_years as (
    select
        with_quantities.*,
        {{ policy_round_years('si_months_at_leave') }} as si_years_rounded,
        case
            when months_early > 0 then {{ policy_round_years('months_early') }}
        end as years_early_rounded
    from with_quantities
),

decision_type_known as (
    select distinct decree, policy from decision_types
),

-- Eligibility (A7, A8, A10-A13), in the order rules.py checks them.
with_eligibility as (
    select
        d.*,
        bands.band as early_retirement_band,
        bands.pension_allowance_factor,
        bands.pension_allowance_max_months,
        bands.months_per_year_early,
        bands.has_service_allowance,
        early_retirement_types.staff_category is not null as has_early_retirement_type,
        early_retirement_bands.band as early_retirement_band_if_retired,
        pension_minimum.min_si_months,
        case
            when not d.has_roster_row then 'person_not_in_roster'
            when decision_type_known.decree is null then 'unsupported_policy'
            when decision_types.staff_category is null then 'policy_category_mismatch'
            when cut_off.decree is not null
                and d.leave_date > cut_off.last_leave_date
                and not (
                    d.decision_date < cut_off.extended_decision_before
                    and d.leave_date <= cut_off.extended_last_leave_date
                )
                then 'cut_off'
            when d.deferral is not null
                and not (d.is_voluntary and coalesce(deferrals.is_waived_if_voluntary, false))
                then 'deferred'
            when d.policy = 'part_time_leave' and d.months_early <= 0 then 'not_early'
            when d.policy = 'resignation' and d.months_early < resignation_rule.min_months_early
                then 'resignation_needs_24_months'
            when d.policy = 'early_retirement' and d.months_early <= 0 then 'not_early'
            when d.policy = 'early_retirement' and bands.band is null then 'too_early'
            when d.policy = 'early_retirement'
                and d.si_months_at_leave < pension_minimum.min_si_months
                then 'pension_minimum'
        end as failed_rule
    from with_rounded_years as d
    left join decision_type_known
        on decision_type_known.decree = d.decree
        and decision_type_known.policy = d.policy
    left join decision_types
        on decision_types.decree = d.decree
        and decision_types.policy = d.policy
        and decision_types.staff_category = d.staff_category
    left join cut_off
        on cut_off.decree = d.decree
    left join deferrals
        on deferrals.deferral = d.deferral
    left join bands_by_month as bands
        on bands.months_early = d.months_early
        and d.policy = 'early_retirement'
        and (d.retirement_appendix = 'I' or bands.is_open_to_appendix_ii)
    left join pension_minimum
        on d.leave_date between pension_minimum.leave_from and pension_minimum.leave_to
    -- A10: would the person have been eligible for early retirement on the leave date?
    left join decision_types as early_retirement_types
        on early_retirement_types.decree = d.decree
        and early_retirement_types.policy = 'early_retirement'
        and early_retirement_types.staff_category = d.staff_category
    left join bands_by_month as early_retirement_bands
        on early_retirement_bands.months_early = d.months_early
        and d.policy = 'resignation'
        and (d.retirement_appendix = 'I' or early_retirement_bands.is_open_to_appendix_ii)
    cross join resignation_rule
),

-- A8-A11: the three allowances before rounding.
with_amounts as (
    select
        e.*,
        case
            when e.policy = 'part_time_leave' then
                case
                    when e.si_months_at_leave < part_time_rule.min_work_months then 'G1'
                    when e.months_early < part_time_rule.near_retirement_months then 'G2'
                    else 'G3'
                end
        end as part_time_group,
        part_time_rule.is_g3_low_confidence,
        part_time_rule.severance_factor as part_time_severance_factor,
        part_time_rule.min_work_months,
        part_time_rule.near_retirement_months,
        part_time_rule.g3_fixed_months,
        part_time_rule.months_per_work_year,
        part_time_rule.job_search_months as part_time_job_search_months,
        resignation_rule.severance_factor as resignation_severance_factor,
        resignation_rule.severance_max_months,
        resignation_rule.months_per_si_year,
        resignation_rule.job_search_months as resignation_job_search_months,
        service_allowance.base_months as service_base_months,
        service_allowance.base_years as service_base_years,
        service_allowance.months_per_extra_year as service_months_per_extra_year
    from with_eligibility as e
    cross join part_time_rule
    cross join resignation_rule
    left join service_allowance_by_year as service_allowance
        on service_allowance.si_years_rounded = e.si_years_rounded
        and e.leave_date between service_allowance.leave_from and service_allowance.leave_to
),

unrounded as (
    select
        a.*,
        case
            when a.failed_rule is not null then 0
            when a.policy = 'early_retirement'
                then
                    a.window_multiplier * a.pension_allowance_factor * a.current_salary_vnd
                    * least(a.months_early, a.pension_allowance_max_months)
            when a.policy = 'resignation'
                then
                    a.resignation_severance_factor * a.window_multiplier * a.current_salary_vnd
                    * least(a.severance_max_months, a.si_months_at_leave)
            when a.policy = 'part_time_leave' then
                a.part_time_severance_factor * a.current_salary_vnd
                * case a.part_time_group
                    when 'G1' then a.si_months_at_leave
                    when 'G2' then a.months_early
                    else a.g3_fixed_months
                end
        end as allowance_1_exact,
        case
            when a.failed_rule is not null then 0
            when a.policy = 'early_retirement'
                then
                    a.months_per_year_early * a.current_salary_vnd * a.years_early_rounded
            when a.policy = 'resignation'
                then
                    a.months_per_si_year * a.current_salary_vnd * a.si_years_rounded
            when a.policy = 'part_time_leave' then
                a.months_per_work_year * a.current_salary_vnd * a.si_years_rounded
        end as allowance_2_exact,
        case
            when a.failed_rule is not null then 0
            when a.policy = 'early_retirement' and a.has_service_allowance
                then
                    a.current_salary_vnd * (
                        a.service_base_months
                        + a.service_months_per_extra_year * (a.si_years_rounded - a.service_base_years)
                    )
            when a.policy = 'early_retirement' then 0
            when a.policy = 'resignation' and a.has_job_search_allowance
                then
                    a.resignation_job_search_months * a.current_salary_vnd
            when a.policy = 'resignation' then 0
            when a.policy = 'part_time_leave' then
                a.part_time_job_search_months * a.current_salary_vnd
        end as allowance_3_exact
    from with_amounts as a
),

rounded as (
    select
        decision_no,
        person_key,
        is_hypothetical,
        decree,
        policy,
        decision_date,
        leave_date,
        is_voluntary,
        amount_paid_vnd,
        paid_date,
        has_roster_row,
        staff_category,
        unit_code,
        province_code,
        arrangement_date,
        is_arrangement_date_assumed,
        base_salary_vnd,
        retirement_appendix,
        pension_start_date,
        months_early,
        si_months_at_leave,
        si_years_rounded,
        years_early_rounded,
        window_multiplier,
        current_salary_vnd,
        failed_rule is null as is_eligible,
        failed_rule,
        case when failed_rule is null then early_retirement_band end as band,
        case when failed_rule is null then part_time_group end as part_time_group,
        coalesce(failed_rule is null and part_time_group = 'G3' and is_g3_low_confidence, false)
            as is_low_confidence,
        -- A10: a resignation of a person eligible for early retirement on the leave date (the
        -- rules it shares with early retirement passed, and early retirement's own: a band,
        -- the pension minimum) is computed as decided and flagged.
        coalesce(
            policy = 'resignation'
            and (failed_rule is null or failed_rule = 'resignation_needs_24_months')
            and has_early_retirement_type
            and months_early > 0
            and early_retirement_band_if_retired is not null
            and si_months_at_leave >= min_si_months,
            false
        ) as is_early_retirement_passed_over,
        {{ policy_round_vnd('allowance_1_exact') }} as allowance_1_vnd,
        {{ policy_round_vnd('allowance_2_exact') }} as allowance_2_vnd,
        {{ policy_round_vnd('allowance_3_exact') }} as allowance_3_vnd
    from unrounded
),

final as (
    select
        *,
        allowance_1_vnd + allowance_2_vnd + allowance_3_vnd as total_vnd
    from rounded
)

select * from final
