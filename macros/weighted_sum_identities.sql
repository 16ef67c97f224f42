{#
    The identities that are a weighted sum within one period and segment (evaluation
    'weighted_sum' in seeds/accounting_identities.csv, their terms in
    seeds/accounting_identity_terms.csv): an identity holds when the weighted sum of its
    terms is zero. Evaluated per document, period, segment, scenario and forecast status
    where every term was reported, within identity_tolerance. Columns of
    accounting_identities, which unions it with the others.
#}
{% macro weighted_sum_identities(facts_relation) %}
with

facts as (

    select * from {{ facts_relation }}
    where measure = 'value'

),

identities as (

    select * from {{ ref('accounting_identities') }}
    where evaluation = 'weighted_sum'

),

identity_terms as (

    select
        terms.identity_name,
        terms.line_item_id,
        terms.weight
    from {{ ref('accounting_identity_terms') }} as terms
    inner join identities on terms.identity_name = identities.identity_name

),

expected_terms as (

    select
        identity_name,
        count(*) as term_count
    from identity_terms
    group by identity_name

),

evaluated as (

    select
        identity_terms.identity_name,
        facts.document_id,
        facts.period_id,
        facts.segment_id,
        facts.scenario,
        facts.forecast_status,
        {{ dbt.listagg(
            identity_term('facts.line_item_id', 'facts.value', 'facts.decimals'),
            "'; '",
            'order by identity_terms.weight desc, facts.line_item_id'
        ) }} as line_items,
        sum(facts.value * identity_terms.weight) as difference,
        {{ identity_tolerance('count(*)', 'min(facts.decimals)') }} as tolerance,
        count(*) as term_count
    from identity_terms
    inner join facts on identity_terms.line_item_id = facts.line_item_id
    group by
        identity_terms.identity_name,
        facts.document_id,
        facts.period_id,
        facts.segment_id,
        facts.scenario,
        facts.forecast_status

),

final as (

    select
        evaluated.identity_name,
        evaluated.document_id,
        evaluated.period_id,
        evaluated.segment_id,
        evaluated.scenario,
        evaluated.forecast_status,
        evaluated.line_items,
        evaluated.difference,
        evaluated.tolerance
    from evaluated
    inner join expected_terms
        on
            evaluated.identity_name = expected_terms.identity_name
            and evaluated.term_count = expected_terms.term_count

)

select * from final
{% endmacro %}
