{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='document_id',
        on_schema_change='fail'
    )
}}

{#
    The facts of every document loaded so far, one row per figure a document reports.
    Incremental by document: a run inserts the facts of documents (or parser versions) it
    has not seen and leaves the others' rows as they are, so that adding a release does not
    map and merge every other one again. A document held back (quarantined or withdrawn) is
    loaded again on every run while it is held back and on the first run after, so that when
    it publishes again it publishes what the current seeds map, not the rows of the run that
    held it back; int_facts_published leaves its rows out for as long as it is held back.
#}

with

facts as (

    select * from {{ ref('int_facts_merged') }}

),

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

-- documents quarantined or withdrawn now
held_back as (

    {{ held_back_documents() }}

),

{% if is_incremental() %}
already_loaded as (

    select
        document_id,
        parser_version,
        bool_or(is_held_back) as was_held_back
    from {{ this }}
    group by document_id, parser_version

),
{% endif %}

new_documents as (

    select
        documents.document_id,
        documents.company_id,
        documents.parser_version,
        documents.published_on,
        held_back.document_id is not null as is_held_back
    from documents
    left join held_back on documents.document_id = held_back.document_id
    {% if is_incremental() %}
        left join already_loaded
            on
                documents.document_id = already_loaded.document_id
                and documents.parser_version = already_loaded.parser_version
        where
            -- not loaded yet, or loaded by another parser version
            already_loaded.document_id is null
            -- held back now, or when it was last loaded
            or already_loaded.was_held_back
            or held_back.document_id is not null
    {% endif %}

),

final as (

    select
        -- ids
        md5(
            concat_ws(
                '|', facts.document_id, facts.line_item_id, facts.segment_id, facts.scenario,
                coalesce(facts.forecast_status, ''), facts.measure, facts.period_type,
                coalesce(cast(facts.period_start as varchar), ''),
                cast(facts.period_end as varchar)
            )
        ) as fact_id,
        facts.document_id,
        new_documents.company_id,
        facts.line_item_id,
        facts.segment_id,
        facts.period_id,

        -- strings
        facts.scenario,
        facts.forecast_status,
        facts.measure,
        facts.period_type,
        facts.period_label as fiscal_period,
        facts.unit,
        facts.source_label,
        facts.source_section,
        facts.mapping_method,
        nullif(regexp_extract(facts.flags, 'share_basis:([a-z_]+)', 1), '') as share_basis,
        new_documents.parser_version,

        -- numerics
        cast(facts.value as decimal(38, 6)) as value,
        cast(facts.printed_value as decimal(38, 6)) as printed_value,
        facts.decimals,
        facts.fiscal_year,
        facts.source_line,
        cast(facts.report_count as integer) as report_count,

        -- booleans
        facts.printings_agree,
        new_documents.is_held_back,

        -- dates
        facts.period_start,
        facts.period_end,
        facts.forecast_announced_on,
        new_documents.published_on

    from facts
    inner join new_documents on facts.document_id = new_documents.document_id

)

select * from final
