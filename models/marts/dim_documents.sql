{#
    One row per document version: each distinct content loaded under a file name. A file
    edited after publication has two rows, its old content (version 1) and its new one.
#}

with

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

document_versions as (

    select * from {{ ref('stg_raw__document_versions') }}

),

check_failures as (

    select * from {{ ref('int_check_failures') }}

),

-- why a document is held back, in words: each identity it breaks or value out of range,
-- where and by how much
quarantine_reasons as (

    select
        document_id,
        'quarantined: its facts break '
        || {{ dbt.listagg(
            measure="reason",
            delimiter_text="'; '",
            order_by_clause="order by check_kind, check_name, period_id, reason"
        ) }} as reason
    from check_failures
    group by document_id

),

versioned as (

    select
        document_versions.file_name,
        document_versions.version,
        document_versions.first_loaded_at,
        document_versions.version = max(document_versions.version) over (
            partition by document_versions.file_name
        ) as is_latest_version,
        documents.*
    from document_versions
    inner join documents on document_versions.document_id = documents.document_id

),

classified as (

    select
        versioned.*,
        case
            when versioned.status = 'failed' then 'failed'
            when quarantine_reasons.reason is not null then 'quarantined'
            else 'published'
        end as published_status,
        case
            when versioned.status = 'failed'
                then
                    'extraction failed: '
                    || coalesce(versioned.error_message, 'no reason recorded')
            when quarantine_reasons.reason is not null then quarantine_reasons.reason
            when versioned.status = 'partial'
                then
                    'published with the figures read before the file was cut off: '
                    || coalesce(versioned.error_message, 'the file looks truncated')
        end as published_status_reason
    from versioned
    left join quarantine_reasons on versioned.document_id = quarantine_reasons.document_id

),

final as (

    select
        -- ids
        cast(document_id as varchar) as document_id,
        cast(
            case
                when company_name is not null or stock_code is not null
                    then {{ company_id('exchange', 'stock_code', 'company_name') }}
            end as varchar
        ) as company_id,
        cast(sha256 as varchar) as sha256,

        -- file
        cast(file_name as varchar) as file_name,
        cast(version as integer) as version_number,
        cast(is_latest_version as boolean) as is_latest_version,
        cast(size_bytes as bigint) as size_bytes,
        cast(first_loaded_at as timestamp) as first_loaded_at,

        -- what the document is
        cast(title as varchar) as title,
        cast(published_on as date) as published_on,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(fiscal_year as integer) as fiscal_year,
        cast(fiscal_period as varchar) as fiscal_period,

        -- status
        cast(published_status as varchar) as status,
        cast(published_status_reason as varchar) as status_reason,

        -- extraction counts
        cast(figure_count as integer) as figure_count,
        cast(token_count as integer) as token_count,
        cast(ignored_token_count as integer) as ignored_token_count,
        cast(unparsed_token_count as integer) as unparsed_token_count,
        cast(parser_version as varchar) as parser_version

    from classified

)

select * from final
