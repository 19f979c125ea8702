{#- The national staffing balance, one row per report month. -#}
{{ staffing_balance_rollup([]) }}
