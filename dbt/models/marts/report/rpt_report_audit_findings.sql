{#- The kinds of payment finding the report prints, in the order of the summary (Biểu 01,
    part D) and the audit sheet (Biểu 07): one row per finding. A finding is the audit status
    of fct_policy_entitlement as it stood at the end of a report month (see
    rpt_report_audit_summary): a payment made later is `unpaid` in the month, and a payment
    on an ineligible decision is `paid_ineligible`, apart from an ineligible decision not paid
    (`ineligible_unpaid`). amount_basis says which amount the line adds up: the excess or
    shortfall against the computed total, the amount paid, or the computed total still owed.
    A new audit status (e.g. `not_computed` for Decree 177, docs/rules.md A15) is one row here;
    `not_computed` is already listed and appears on the summary as soon as a decision has it. -#}
with findings (finding, sort_order, label_vi, label_en, amount_basis, is_finding, is_always_shown) as (
    values
    ('paid_matches', 1, 'Chi đúng quy định', 'Paid as computed', 'paid', false, true),
    ('overpaid', 2, 'Chi thừa so với quy định', 'Overpaid (excess)', 'excess', true, true),
    ('underpaid', 3, 'Chi thiếu so với quy định', 'Underpaid (shortfall)', 'shortfall', true, true),
    ('paid_ineligible', 4, 'Đã chi cho trường hợp không đủ điều kiện', 'Paid although ineligible', 'paid', true, true),
    ('unpaid', 5, 'Đủ điều kiện, chưa chi trả', 'Eligible, not paid yet', 'computed', true, true),
    (
        'ineligible_unpaid',
        6,
        'Không đủ điều kiện, chưa chi (cần rà soát quyết định)',
        'Ineligible, not paid (review the decision)',
        'none',
        true,
        true
    ),
    (
        'not_computed',
        7,
        'Chế độ chưa tính theo quy định (Nghị định 177), số đã chi',
        'Policy not computed (Decree 177), amount paid',
        'paid',
        true,
        false
    )
),

final as (
    select
        finding::varchar as finding,
        sort_order::integer as sort_order,
        label_vi::varchar as label_vi,
        label_en::varchar as label_en,
        amount_basis::varchar as amount_basis,
        is_finding::boolean as is_finding,
        is_always_shown::boolean as is_always_shown
    from findings
)

select * from final
