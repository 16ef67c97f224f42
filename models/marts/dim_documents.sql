{#
    One row per document version: each distinct content loaded under a file name. A file
    edited after publication has two rows, its old content (version 1) and its new one.
    A file that left the disclosures folder keeps its rows, 'withdrawn' since withdrawn_at.
    The same content under two file names is one document: the name it was first loaded
    under carries its status, and the newest version of any other name in the folder is a
    'duplicate' of it, so that `is_latest_version and status = 'published'` has one row per
    published document (its facts are in fct_financial_facts once, by document_id).
#}

with

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

document_versions as (

    select * from {{ ref('stg_raw__document_versions') }}

),

file_withdrawals as (

    select * from {{ ref('stg_raw__file_withdrawals') }}

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
        document_versions.document_id,
        document_versions.version,
        document_versions.first_loaded_at,
        document_versions.version = max(document_versions.version) over (
            partition by document_versions.file_name
        ) as is_latest_version,
        file_withdrawals.withdrawn_at
    from document_versions
    left join file_withdrawals on document_versions.file_name = file_withdrawals.file_name

),

-- the file names in the folder now, by the content they hold: the first loaded is the
-- document's own, the others duplicates of it
current_names as (

    select
        document_id,
        file_name,
        row_number() over (
            partition by document_id order by first_loaded_at asc, file_name asc
        ) as name_rank
    from versioned
    where is_latest_version and withdrawn_at is null

),

first_names as (

    select
        document_id,
        file_name as first_file_name
    from current_names
    where name_rank = 1

),

classified as (

    select
        versioned.file_name,
        versioned.document_id,
        versioned.version,
        versioned.is_latest_version,
        versioned.first_loaded_at,
        versioned.withdrawn_at,
        documents.sha256,
        documents.company_id,
        documents.company_name,
        documents.exchange,
        documents.stock_code,
        documents.size_bytes,
        documents.title,
        documents.published_on,
        documents.period_start,
        documents.period_end,
        documents.fiscal_year,
        documents.fiscal_period,
        documents.figure_count,
        documents.token_count,
        documents.ignored_token_count,
        documents.unparsed_token_count,
        documents.parser_version,
        case
            when versioned.withdrawn_at is not null then 'withdrawn'
            when current_names.name_rank > 1 then 'duplicate'
            when documents.status = 'failed' then 'failed'
            when quarantine_reasons.reason is not null then 'quarantined'
            else 'published'
        end as published_status,
        case
            when versioned.withdrawn_at is not null and first_names.first_file_name is not null
                then
                    'withdrawn: the file left the disclosures folder; the same content is '
                    || 'still there as ' || first_names.first_file_name
            when versioned.withdrawn_at is not null
                then
                    'withdrawn: the file left the disclosures folder, and its facts the '
                    || 'warehouse'
            when current_names.name_rank > 1
                then
                    'duplicate: the same content as ' || first_names.first_file_name
                    || ', whose row carries the document''s status; its facts are in the '
                    || 'warehouse once'
            when documents.status = 'failed'
                then
                    'extraction failed: '
                    || coalesce(documents.error_message, 'no reason recorded')
            when quarantine_reasons.reason is not null then quarantine_reasons.reason
            when documents.status = 'partial'
                then
                    'published with the figures read before the file was cut off: '
                    || coalesce(documents.error_message, 'the file looks truncated')
        end as published_status_reason
    from versioned
    inner join documents on versioned.document_id = documents.document_id
    left join current_names
        on
            versioned.document_id = current_names.document_id
            and versioned.file_name = current_names.file_name
            and versioned.is_latest_version
    left join first_names on versioned.document_id = first_names.document_id
    left join quarantine_reasons on versioned.document_id = quarantine_reasons.document_id

),

final as (

    select
        -- ids
        cast(document_id as varchar) as document_id,
        cast(company_id as varchar) as company_id,
        cast(sha256 as varchar) as sha256,

        -- file
        cast(file_name as varchar) as file_name,
        cast(version as integer) as version_number,
        cast(is_latest_version as boolean) as is_latest_version,
        cast(size_bytes as bigint) as size_bytes,
        cast(first_loaded_at as timestamp) as first_loaded_at,
        cast(withdrawn_at as timestamp) as withdrawn_at,

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
