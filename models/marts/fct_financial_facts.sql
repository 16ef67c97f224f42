{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_companies_whose_rows_differ(
            'select * from ' ~ ref('int_facts_published'), exclude=['is_derived']
        ) }}"
    )
}}

{#
    One row per figure a published document reports (int_facts_published): the facts of
    every document loaded so far (int_facts_loaded, incremental by document) but those
    quarantined or withdrawn now, with `is_latest` marking the newest report of each figure
    across documents. Incremental by company, as int_facts_published
    (macros/incremental_by_company.sql): a build replaces the rows of the companies whose
    rows there changed and leaves the others'.
#}

with

published_facts as (

    select * from {{ ref('int_facts_published') }}

),

facts as (

    select * from published_facts
    {{ only_companies_not_in_this('published_facts') }}

),

final as (

    select
        -- ids
        cast(fact_id as varchar) as fact_id,
        cast(document_id as varchar) as document_id,
        cast(company_id as varchar) as company_id,
        cast(line_item_id as varchar) as line_item_id,
        cast(segment_id as varchar) as segment_id,
        cast(period_id as varchar) as period_id,

        -- strings
        cast(scenario as varchar) as scenario,
        cast(forecast_status as varchar) as forecast_status,
        cast(measure as varchar) as measure,
        cast(period_type as varchar) as period_type,
        cast(fiscal_period as varchar) as fiscal_period,
        cast(unit as varchar) as unit,
        cast(source_label as varchar) as source_label,
        cast(source_section as varchar) as source_section,
        cast(mapping_method as varchar) as mapping_method,
        cast(share_basis as varchar) as share_basis,
        cast(parser_version as varchar) as parser_version,

        -- numerics
        cast(value as decimal(38, 6)) as value,
        cast(printed_value as decimal(38, 6)) as printed_value,
        cast(decimals as integer) as decimals,
        cast(fiscal_year as integer) as fiscal_year,
        cast(source_line as integer) as source_line,
        cast(report_count as integer) as report_count,

        -- booleans
        cast(printings_agree as boolean) as printings_agree,
        false as is_derived,
        cast(is_latest as boolean) as is_latest,

        -- dates
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(forecast_announced_on as date) as forecast_announced_on,
        cast(published_on as date) as published_on

    from facts

)

select * from final
