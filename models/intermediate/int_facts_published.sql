{#
    The facts that publish: those of int_facts_loaded whose document is neither quarantined
    (int_check_failures) nor withdrawn (int_documents_withdrawn) now, with `is_latest`
    marking, for each company, line item, segment, period, scenario, forecast status and
    measure, the row of the most recently published document. Computed over every document
    on each run, because a new release can supersede an older one's figure for the same
    period, and a withdrawn one hand it back. fct_financial_facts publishes these rows;
    int_quarters_derived and dim_periods read them here, upstream of the marts.
#}

with

loaded_facts as (

    select * from {{ ref('int_facts_loaded') }}

),

quarantined as (

    select distinct document_id from {{ ref('int_check_failures') }}

),

withdrawn as (

    select * from {{ ref('int_documents_withdrawn') }}

),

published_facts as (

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
    left join quarantined on loaded_facts.document_id = quarantined.document_id
    left join withdrawn on loaded_facts.document_id = withdrawn.document_id
    where quarantined.document_id is null and withdrawn.document_id is null

),

final as (

    select
        *,
        row_number() over (
            partition by
                company_id, line_item_id, segment_id, scenario,
                coalesce(forecast_status, ''), measure, period_id
            order by published_on desc nulls last, document_id desc
        ) = 1 as is_latest
    from published_facts

)

select * from final
