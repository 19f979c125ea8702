with source as (
    select * from {{ source('deliveries', 'decisions') }}
),

final as (
    select
        decision_no,
        {{ person_key('national_id') }} as person_key,
        decree,
        policy,
        decision_date,
        leave_date,
        coalesce(voluntary, true) as is_voluntary,
        amount_paid_vnd::bigint as amount_paid_vnd,
        paid_date,
        source_file
    from source
)

select * from final
