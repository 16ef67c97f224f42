{#
    One row per company that published at least one readable document. Attributes that a
    company can change over time (its printed name, its fiscal year end) are taken from its
    most recently published document. A company whose documents have all left the folder
    keeps its row (dim_documents still names it), with a document_count of 0.
#}

with

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

withdrawn_documents as (

    select * from {{ ref('int_documents_withdrawn') }}

),

company_documents as (

    select
        company_id,
        company_name,
        exchange,
        stock_code,
        fiscal_year_end_month,
        fiscal_year_end_day,
        published_on,
        document_id
    from documents
    where
        status != 'failed'
        and (stock_code is not null or company_name is not null)

),

ranked as (

    select
        *,
        row_number() over (
            partition by company_id
            order by published_on desc nulls last, document_id desc
        ) as recency_rank
    from company_documents

),

document_summary as (

    select
        company_documents.company_id,
        min(company_documents.published_on) as first_document_published_on,
        max(company_documents.published_on) as latest_document_published_on,
        count(distinct company_documents.document_id) filter (
            where withdrawn_documents.document_id is null
        ) as document_count
    from company_documents
    left join withdrawn_documents
        on company_documents.document_id = withdrawn_documents.document_id
    group by company_documents.company_id

),

final as (

    select
        -- ids
        cast(ranked.company_id as varchar) as company_id,

        -- strings
        cast(ranked.company_name as varchar) as company_name,
        cast(ranked.exchange as varchar) as exchange,
        cast(ranked.stock_code as varchar) as stock_code,

        -- fiscal calendar
        cast(ranked.fiscal_year_end_month as integer) as fiscal_year_end_month,
        cast(ranked.fiscal_year_end_day as integer) as fiscal_year_end_day,

        -- dates
        cast(document_summary.first_document_published_on as date)
            as first_document_published_on,
        cast(document_summary.latest_document_published_on as date)
            as latest_document_published_on,

        -- numerics
        cast(document_summary.document_count as integer) as document_count

    from ranked
    inner join document_summary on ranked.company_id = document_summary.company_id
    where ranked.recency_rank = 1

)

select * from final
