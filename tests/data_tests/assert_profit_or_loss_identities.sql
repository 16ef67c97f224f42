{#
    The statement of profit or loss cascades: revenue - cost of sales = gross profit;
    profit before tax - income tax expense = profit; profit attributable to owners + to
    non-controlling interests = profit. Costs and taxes are stored positive (sign_rule).
    The tolerance and grouping are those of macros/identity_violations.sql.
#}

{{ identity_violations([
    ['revenue_less_cost_of_sales_equals_gross_profit', 'revenue', 1],
    ['revenue_less_cost_of_sales_equals_gross_profit', 'cost_of_sales', -1],
    ['revenue_less_cost_of_sales_equals_gross_profit', 'gross_profit', -1],
    ['profit_before_tax_less_tax_equals_profit', 'profit_before_tax', 1],
    ['profit_before_tax_less_tax_equals_profit', 'income_tax_expense', -1],
    ['profit_before_tax_less_tax_equals_profit', 'profit', -1],
    ['owners_plus_nci_equal_profit', 'profit_attributable_to_owners', 1],
    ['owners_plus_nci_equal_profit', 'profit_attributable_to_nci', 1],
    ['owners_plus_nci_equal_profit', 'profit', -1],
]) }}
