{#- One row per leave decision: what the rules (docs/rules.md) say the person is owed,
    next to what was paid (A15). Ineligible decisions keep their row with the failed rule;
    a decision whose person is in no roster, or whose policy does not fit the person's
    category, is ineligible with failed_rule person_not_in_roster / policy_category_mismatch
    (a quarantine reason, not a silent drop). A decision under a policy sapnhap does not
    compute (Decree 177, Decree 154 general streamlining: failed_rule unsupported_policy) is
    `not_computed`, not judged ineligible (docs/rules.md A15).

    A decision's row reads the roster rows on or before its leave date, and the decision, which
    counts in its leave month's inputs (dagster_project/warehouse/changed_months.py); a change of
    the units, the lineage, the rules or a pre-merger month is a full build. So a run that
    rewrites some months rewrites the decisions leaving in the first month whose inputs changed
    or later, and leaves the others as they are: an added month at national scale rewrote all
    260,544 decisions (3.7 s), though none of them leaves in it. -#}
{{ config(**from_first_input_month('leave_date')) }}

with entitlements as (
    select * from {{ ref('int_policy_entitlements_computed') }}
    where not is_hypothetical
        and {{ in_partition_months('leave_date', name='input_months', from_first=true) }}
),

audit_rule as (
    select * from {{ ref('policy_audit') }}
),

final as (
    select
        entitlements.decision_no,
        entitlements.person_key,
        entitlements.decree,
        entitlements.policy,
        entitlements.decision_date,
        entitlements.leave_date,
        entitlements.staff_category,
        entitlements.unit_code,
        entitlements.province_code,
        entitlements.arrangement_date,
        coalesce(entitlements.is_arrangement_date_assumed, true) as is_arrangement_date_assumed,
        entitlements.retirement_appendix,
        entitlements.pension_start_date,
        entitlements.months_early,
        entitlements.si_months_at_leave,
        entitlements.band,
        entitlements.part_time_group,
        entitlements.window_multiplier,
        entitlements.current_salary_vnd,
        entitlements.allowance_1_vnd,
        entitlements.allowance_2_vnd,
        entitlements.allowance_3_vnd,
        entitlements.total_vnd,
        entitlements.amount_paid_vnd,
        entitlements.paid_date,
        entitlements.amount_paid_vnd - entitlements.total_vnd as difference_vnd,
        case
            when entitlements.failed_rule = 'unsupported_policy' then 'not_computed'
            when not entitlements.is_eligible then 'ineligible'
            when entitlements.amount_paid_vnd is null then 'unpaid'
            when abs(entitlements.amount_paid_vnd - entitlements.total_vnd)
                <= audit_rule.tolerance_vnd then 'paid_matches'
            when entitlements.amount_paid_vnd > entitlements.total_vnd then 'overpaid'
            else 'underpaid'
        end as audit_status,
        entitlements.is_eligible,
        entitlements.failed_rule,
        entitlements.is_low_confidence,
        entitlements.is_early_retirement_passed_over
    from entitlements
    cross join audit_rule
)

select * from final
