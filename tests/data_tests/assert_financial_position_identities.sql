{#
    The statement of financial position balances: total assets = total liabilities +
    total equity; total liabilities and equity = total assets; equity attributable to owners
    + non-controlling interests = total equity.
    The tolerance and grouping are those of macros/identity_violations.sql.
#}

{{ identity_violations([
    ['assets_equal_liabilities_plus_equity', 'assets', 1],
    ['assets_equal_liabilities_plus_equity', 'liabilities', -1],
    ['assets_equal_liabilities_plus_equity', 'equity', -1],
    ['liabilities_and_equity_equal_assets', 'liabilities_and_equity', 1],
    ['liabilities_and_equity_equal_assets', 'assets', -1],
    ['owners_plus_nci_equal_equity', 'equity_attributable_to_owners', 1],
    ['owners_plus_nci_equal_equity', 'non_controlling_interests', 1],
    ['owners_plus_nci_equal_equity', 'equity', -1],
]) }}
