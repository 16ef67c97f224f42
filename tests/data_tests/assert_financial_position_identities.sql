{#
    The statement of financial position balances: total assets = total liabilities +
    total equity; total liabilities and equity = total assets; equity attributable to owners
    + non-controlling interests = total equity.
    The tolerance and grouping are those of macros/identity_violations.sql.
#}

{{ identity_violations(accounting_identities('financial_position')) }}
