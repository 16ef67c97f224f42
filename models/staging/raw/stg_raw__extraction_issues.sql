with

source as (

    select * from {{ source('raw', 'extraction_issues') }}

),

final as (

    select
        -- ids
        document_id,

        -- strings
        severity,
        code,
        message,

        -- position in the document
        line_number

    from source

)

select * from final
