{#- The cohort's hypothetical decisions with the person behind each (see policy_join_person). -#}
{{ policy_join_person(ref('int_policy_cohort_candidates')) }}
