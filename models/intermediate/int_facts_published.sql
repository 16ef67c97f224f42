{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_companies_whose_rows_differ(facts_to_publish(), exclude=['is_latest']) }}"
    )
}}

{#
    The facts that publish (macros/facts_to_publish.sql): those of int_facts_loaded whose
    document is neither quarantined (int_check_failures) nor withdrawn (int_documents_withdrawn)
    now, with `is_latest` marking, for each company, line item, segment, period, scenario,
    forecast status and measure, the row of the most recently published document.
    Incremental by company (macros/incremental_by_company.sql): `is_latest` ranks the
    documents of one company, so a build replaces the rows of the companies whose facts to
    publish changed (a new release supersedes an older one's figure for the same period, a
    withdrawn one hands it back) and leaves the others'. fct_financial_facts publishes these
    rows; int_quarters_derived and dim_periods read them here, upstream of the marts.
#}

with

published_facts as (

    {{ facts_to_publish() }}

),

companies_to_build as (

    select * from published_facts
    {{ only_companies_not_in_this('published_facts') }}

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
    from companies_to_build

)

select * from final
