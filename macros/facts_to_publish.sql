{#
    The facts that publish: those of int_facts_loaded whose document is not held back now
    (macros/held_back_documents.sql: quarantined or withdrawn), as int_facts_published
    has them before it marks the latest (`is_latest`). A macro, because the model's pre-hook
    compares them with the model's rows (macros/incremental_by_company.sql) and the model
    builds from them.
#}
{% macro facts_to_publish() %}
with

loaded_facts as (

    select * from {{ ref('int_facts_loaded') }}

),

held_back as (

    {{ held_back_documents() }}

)

select
    -- ids
    loaded_facts.fact_id,
    loaded_facts.document_id,
    loaded_facts.company_id,
    loaded_facts.line_item_id,
    loaded_facts.segment_id,
    loaded_facts.period_id,

    -- strings
    loaded_facts.scenario,
    loaded_facts.forecast_status,
    loaded_facts.measure,
    loaded_facts.period_type,
    loaded_facts.fiscal_period,
    loaded_facts.unit,
    loaded_facts.source_label,
    loaded_facts.source_section,
    loaded_facts.mapping_method,
    loaded_facts.share_basis,
    loaded_facts.parser_version,

    -- numerics
    loaded_facts.value,
    loaded_facts.printed_value,
    loaded_facts.decimals,
    loaded_facts.fiscal_year,
    loaded_facts.source_line,
    loaded_facts.report_count,

    -- booleans
    loaded_facts.printings_agree,

    -- dates
    loaded_facts.period_start,
    loaded_facts.period_end,
    loaded_facts.forecast_announced_on,
    loaded_facts.published_on

from loaded_facts
left join held_back on loaded_facts.document_id = held_back.document_id
where held_back.document_id is null
{% endmacro %}
