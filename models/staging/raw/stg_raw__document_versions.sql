with

source as (

    select * from {{ source('raw', 'document_versions') }}

),

final as (

    select
        -- ids
        file_name,
        document_id,

        -- numerics
        version,

        -- timestamps
        first_loaded_at

    from source

)

select * from final
