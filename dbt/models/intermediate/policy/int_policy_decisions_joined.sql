{#- One row per leave decision with everything the policy rules need about the person
    (POLICY.md A2-A13): the person's latest roster row on or before the leave date, the
    arrangement date of the person's last pre-merger unit (default: the merger date), the
    new province of the person's unit, and the base salary in force. A decision whose person
    has no roster row on or before the leave date keeps its row with has_roster_row = false. -#}
{{ policy_join_person(ref('stg_deliveries__decisions')) }}
