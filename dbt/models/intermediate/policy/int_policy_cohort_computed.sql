{#- POLICY.md Part A on the cohort's hypothetical decisions (see policy_entitlements). -#}
{{ policy_entitlements(ref('int_policy_cohort_joined')) }}
