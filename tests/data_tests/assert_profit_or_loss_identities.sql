{#
    The statement of profit or loss cascades: revenue - cost of sales = gross profit;
    profit before tax - income tax expense = profit; profit attributable to owners + to
    non-controlling interests = profit. Costs and taxes are stored positive (sign_rule).
    The tolerance and grouping are those of macros/identity_violations.sql.
#}

{{ identity_violations(accounting_identities('profit_or_loss')) }}
