{#- The split communes' apportionment side by side (equal, population, area); see
    int_split_communes_apportioned. -#}
select * from {{ ref('int_split_communes_apportioned') }}
