{#- The staffing balance per report month and new province (all its agencies). -#}
{{ staffing_balance_rollup(['province_code']) }}
