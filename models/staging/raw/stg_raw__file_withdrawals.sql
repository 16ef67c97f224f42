with

source as (

    select * from {{ source('raw', 'file_withdrawals') }}

),

final as (

    select
        -- ids
        file_name,

        -- timestamps
        withdrawn_at

    from source

)

select * from final
