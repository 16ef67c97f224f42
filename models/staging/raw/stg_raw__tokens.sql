with

source as (

    select * from {{ source('raw', 'tokens') }}

),

final as (

    select
        -- ids
        document_id,
        token_index,
        figure_id,

        -- strings
        text,
        status,
        reason,

        -- position in the document
        line_number,
        char_start,
        char_end

    from source

)

select * from final
