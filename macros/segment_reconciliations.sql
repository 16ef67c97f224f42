{#
    Segments + adjustments = consolidated (evaluation 'segment_reconciliation' in
    seeds/accounting_identities.csv; the line item each reconciles, revenue or operating
    profit, in seeds/accounting_identity_terms.csv): the reportable segments (segment_type
    'reportable_segment') and the adjustments and eliminations add up to the consolidated
    amount, per document, period, scenario and forecast status where the consolidated amount
    and every reportable segment of the document's company were reported (a revenue line
    that shares a segment's name, such as IIJ's ATM operation business in a three-month
    statement, is not a segment table). Adjustments are optional: a release omits a nil
    column. Within identity_tolerance (a summary adds up figures rounded to its own unit).
    Reported on the 'consolidated' segment, in the columns of accounting_identities.
#}
{% macro segment_reconciliations(facts_relation, segments_relation) %}
with

facts as (

    select * from {{ facts_relation }}
    where measure = 'value'

),

segments as (

    select * from {{ segments_relation }}

),

reconciled_line_items as (

    select
        terms.identity_name,
        terms.line_item_id
    from {{ ref('accounting_identity_terms') }} as terms
    inner join {{ ref('accounting_identities') }} as identities
        on terms.identity_name = identities.identity_name
    where identities.evaluation = 'segment_reconciliation'

),

company_segment_counts as (

    select
        company_id,
        count(*) as segment_count
    from segments
    where segment_type = 'reportable_segment'
    group by company_id

),

terms as (

    select
        reconciled_line_items.identity_name,
        facts.document_id,
        facts.company_id,
        facts.period_id,
        facts.scenario,
        facts.forecast_status,
        facts.line_item_id || ' / ' || facts.segment_id as term,
        facts.value,
        facts.decimals,
        segments.segment_type,
        case segments.segment_type when 'consolidated' then 1 else -1 end as weight
    from facts
    inner join reconciled_line_items
        on facts.line_item_id = reconciled_line_items.line_item_id
    inner join segments on facts.segment_id = segments.segment_id
    where segments.segment_type in ('consolidated', 'reportable_segment', 'adjustment')

),

evaluated as (

    select
        identity_name,
        document_id,
        company_id,
        period_id,
        scenario,
        forecast_status,
        {{ dbt.listagg(
            identity_term('term', 'value', 'decimals'), "'; '", 'order by weight desc, term'
        ) }} as line_items,
        sum(value * weight) as difference,
        {{ identity_tolerance('count(*)', 'min(decimals)') }} as tolerance,
        count(*) filter (where segment_type = 'consolidated') as consolidated_count,
        count(*) filter (where segment_type = 'reportable_segment') as segment_count
    from terms
    group by identity_name, document_id, company_id, period_id, scenario, forecast_status

),

final as (

    select
        evaluated.identity_name,
        evaluated.document_id,
        evaluated.period_id,
        'consolidated' as segment_id,
        evaluated.scenario,
        evaluated.forecast_status,
        evaluated.line_items,
        evaluated.difference,
        evaluated.tolerance
    from evaluated
    inner join company_segment_counts
        on
            evaluated.company_id = company_segment_counts.company_id
            and evaluated.segment_count = company_segment_counts.segment_count
    where evaluated.consolidated_count = 1

)

select * from final
{% endmacro %}
