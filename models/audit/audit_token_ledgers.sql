{#
    Each document's unparsed tokens: every number a release prints is a figure or
    deliberately ignored, and an unparsed token may be a figure the warehouse is missing.
    One row per document (a document with none has an empty list). The Great Expectations
    suite `token_ledger` reads it and warns.
#}

with

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

tokens as (

    select * from {{ ref('stg_raw__tokens') }}

),

-- each as a reader finds it: "1,409" (line 40: why it was not parsed)
unparsed_tokens as (

    select
        document_id,
        token_index,
        '"' || text || '" (line ' || cast(line_number as varchar) || ': '
        || coalesce(reason, '?') || ')' as token_description
    from tokens
    where status = 'unparsed'

),

final as (

    select
        -- ids
        documents.document_id,

        -- strings
        documents.file_name,
        coalesce(
            {{ dbt.listagg(
                'unparsed_tokens.token_description',
                "'; '",
                'order by unparsed_tokens.token_index'
            ) }},
            ''
        ) as tokens,

        -- numerics
        count(unparsed_tokens.document_id) as unparsed_count

    from documents
    left join unparsed_tokens on documents.document_id = unparsed_tokens.document_id
    group by documents.document_id, documents.file_name

)

select * from final
