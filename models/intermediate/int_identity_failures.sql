{#
    The accounting identities checked on every document's facts before they reach the
    marts: the same-period identities of macros/accounting_identities.sql, segments +
    adjustments = consolidated (macros/segment_reconciliation_violations.sql) and opening
    cash + net change = closing cash (macros/cash_roll_forward_violations.sql). One row per
    identity, period, segment, scenario and forecast status that does not hold within the
    rounding its printed precision allows. A document with a row here is quarantined:
    fct_financial_facts leaves its facts out, dim_documents says why, and
    marts.fct_check_failures lists the rows. The singular tests in tests/data_tests/ run the
    same macros on the published marts, where they hold by construction.

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
        {{ company_id('documents.exchange', 'documents.stock_code', 'documents.company_name') }}
            as company_id
    from merged_facts
    inner join documents on merged_facts.document_id = documents.document_id

),

same_period_failures as (

    {{ identity_violations(accounting_identities('all'), 'merged_facts') }}

),

segment_failures as (

    {{ segment_reconciliation_violations('company_facts', ref('segments')) }}

),

cash_failures as (

    {{ cash_roll_forward_violations('merged_facts') }}

),

failures as (

    select * from same_period_failures
    union all
    select * from segment_failures
    union all
    select * from cash_failures

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
    from failures

)

select * from final
