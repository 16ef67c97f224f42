{#
    The accounting identities checked on every document's facts before they reach the
    marts: those of seeds/accounting_identities.csv, evaluated by
    macros/accounting_identities.sql. One row per identity, period, segment, scenario and
    forecast status that does not hold within the rounding its printed precision allows. A
    document with a row here is quarantined: fct_financial_facts leaves its facts out,
    dim_documents says why, and marts.fct_check_failures lists the rows. The Great
    Expectations suites check the same macro's rows on the published marts
    (models/audit/audit_accounting_identities), where they hold by construction.

    A table, not a view like the rest of the folder: three marts and its own tests read it,
    and each would recompute every identity over every fact (docs/benchmarks.md).
#}

{{ config(materialized='table') }}

with

merged_facts as (

    select * from {{ ref('int_facts_merged') }}

),

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

-- the segment identity counts a company's reportable segments: facts with their company
company_facts as (

    select
        merged_facts.*,
        documents.company_id
    from merged_facts
    inner join documents on merged_facts.document_id = documents.document_id

),

identities as (

    {{ accounting_identities('company_facts', ref('segments')) }}

),

final as (

    select
        document_id,
        period_id,
        segment_id,
        scenario,
        forecast_status,
        identity_name,
        difference,
        tolerance
    from identities
    where not is_within_tolerance

)

select * from final
