{#
    Rows that break an accounting identity: `terms` is a list of (identity name, line
    item, weight); an identity holds when the weighted sum of its terms is zero. Evaluated
    per document, period, segment, scenario and forecast status where every term was
    reported. The tolerance is the rounding the printed precision allows, at the identity's
    coarsest term: terms x 10^(-decimals) / 2. A subtotal printed only in millions (a
    summary's gross profit per service line) was added up from figures rounded to millions,
    so each term may be off by half a million there even where a statement printed it to
    the thousand. Used by the singular tests in tests/data_tests/ (on the marts, the
    default) and by int_identity_failures (on int_facts_merged).
#}
{% macro identity_violations(terms, facts_relation=none) %}
with

facts as (

    select * from {{ facts_relation if facts_relation is not none else ref('fct_financial_facts') }}
    where measure = 'value'

),

identity_terms as (

    select
        terms.identity_name,
        terms.line_item_id,
        terms.weight
    from (
        values
        {%- for identity_name, line_item_id, weight in terms %}
        ('{{ identity_name }}', '{{ line_item_id }}', {{ weight }}){{ "," if not loop.last }}
        {%- endfor %}
    ) as terms (identity_name, line_item_id, weight)

),

evaluated as (

    select
        identity_terms.identity_name,
        facts.document_id,
        facts.period_id,
        facts.segment_id,
        facts.scenario,
        facts.forecast_status,
        sum(facts.value * identity_terms.weight) as difference,
        count(*) * power(10, -min(facts.decimals)) / 2 as tolerance,
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

expected_terms as (

    select
        identity_name,
        count(*) as term_count
    from identity_terms
    group by identity_name

),

final as (

    select
        evaluated.document_id,
        evaluated.period_id,
        evaluated.segment_id,
        evaluated.scenario,
        evaluated.forecast_status,
        evaluated.identity_name,
        evaluated.difference,
        evaluated.tolerance
    from evaluated
    inner join expected_terms
        on
            evaluated.identity_name = expected_terms.identity_name
            and evaluated.term_count = expected_terms.term_count
    where abs(evaluated.difference) > evaluated.tolerance

)

select * from final
{% endmacro %}
