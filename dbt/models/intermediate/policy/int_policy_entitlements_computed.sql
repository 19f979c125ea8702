{#- POLICY.md Part A applied to each leave decision: retirement point (A3), months early (A4),
    rounded years (A5), window (A6), eligibility (A7, A8, A10-A13), the three allowances
    (A8-A11) in exact decimals, each rounded half-up to whole VND, and their sum (A14).
    Every figure comes from a rules.policy_* seed. The Python reference is
    dagster_project/policy/rules.py; tests/policy/test_sql_matches_python.py compares them. -#}
{{ policy_entitlements(ref('int_policy_decisions_joined')) }}
