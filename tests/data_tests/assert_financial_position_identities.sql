{#
    The statement of financial position balances: total assets = total liabilities +
    total equity; total liabilities and equity = total assets; equity attributable to owners
    + non-controlling interests = total equity.
    Evaluated per document, period, segment, scenario and forecast status where every
    term was reported; fails where the difference exceeds the rounding the printed
    precision allows: half a unit of the last printed digit, 10^(-decimals) / 2, per term.
    The identity is checked at its coarsest term's precision: a subtotal printed only in
    millions (a summary's gross profit per service line) was added up from figures rounded
    to millions, so each term may be off by half a million there, even where a statement
    printed it to the thousand.
#}

with

facts as (

    select * from {{ ref('fct_financial_facts') }}
    where measure = 'value'

),

identity_terms as (

    select
        terms.identity_name,
        terms.line_item_id,
        terms.weight
    from (
        values
        ('assets_equal_liabilities_plus_equity', 'assets', 1),
        ('assets_equal_liabilities_plus_equity', 'liabilities', -1),
        ('assets_equal_liabilities_plus_equity', 'equity', -1),
        ('liabilities_and_equity_equal_assets', 'liabilities_and_equity', 1),
        ('liabilities_and_equity_equal_assets', 'assets', -1),
        ('owners_plus_nci_equal_equity', 'equity_attributable_to_owners', 1),
        ('owners_plus_nci_equal_equity', 'non_controlling_interests', 1),
        ('owners_plus_nci_equal_equity', 'equity', -1)
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
