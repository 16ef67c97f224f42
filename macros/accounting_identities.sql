{#
    The accounting identities a statement must satisfy, as (identity, line item, weight)
    terms: an identity holds when the weighted sum of its terms is zero. `statement` picks
    one statement's identities, or 'all'. Used by the singular tests and by
    int_identity_failures, which holds back (quarantines) a document that breaks one.
    Identities that are not a weighted sum within one period and segment have macros of
    their own, used the same way: segments + adjustments = consolidated
    (segment_reconciliation_violations) and opening cash + net change = closing cash
    (cash_roll_forward_violations).
#}
{% macro accounting_identities(statement='all') %}
    {%- set identities = {
        'financial_position': [
            ['assets_equal_liabilities_plus_equity', 'assets', 1],
            ['assets_equal_liabilities_plus_equity', 'liabilities', -1],
            ['assets_equal_liabilities_plus_equity', 'equity', -1],
            ['liabilities_and_equity_equal_assets', 'liabilities_and_equity', 1],
            ['liabilities_and_equity_equal_assets', 'assets', -1],
            ['owners_plus_nci_equal_equity', 'equity_attributable_to_owners', 1],
            ['owners_plus_nci_equal_equity', 'non_controlling_interests', 1],
            ['owners_plus_nci_equal_equity', 'equity', -1],
        ],
        'profit_or_loss': [
            ['revenue_less_cost_of_sales_equals_gross_profit', 'revenue', 1],
            ['revenue_less_cost_of_sales_equals_gross_profit', 'cost_of_sales', -1],
            ['revenue_less_cost_of_sales_equals_gross_profit', 'gross_profit', -1],
            ['profit_before_tax_less_tax_equals_profit', 'profit_before_tax', 1],
            ['profit_before_tax_less_tax_equals_profit', 'income_tax_expense', -1],
            ['profit_before_tax_less_tax_equals_profit', 'profit', -1],
            ['owners_plus_nci_equal_profit', 'profit_attributable_to_owners', 1],
            ['owners_plus_nci_equal_profit', 'profit_attributable_to_nci', 1],
            ['owners_plus_nci_equal_profit', 'profit', -1],
        ],
        'cash_flows': [
            ['cash_flows_sum_to_net_change', 'cash_flows_from_operating_activities', 1],
            ['cash_flows_sum_to_net_change', 'cash_flows_from_investing_activities', 1],
            ['cash_flows_sum_to_net_change', 'cash_flows_from_financing_activities', 1],
            ['cash_flows_sum_to_net_change', 'effect_of_exchange_rate_changes', 1],
            ['cash_flows_sum_to_net_change', 'net_change_in_cash', -1],
        ],
    } -%}
    {%- if statement == 'all' -%}
        {{ return(identities.values() | sum(start=[])) }}
    {%- else -%}
        {{ return(identities[statement]) }}
    {%- endif -%}
{% endmacro %}
