{#
    The statement of cash flows reconciles: operating + investing + financing cash flows
    + the effect of exchange rate changes = the net change in cash and cash equivalents.
    The tolerance and grouping are those of macros/identity_violations.sql.
#}

{{ identity_violations(accounting_identities('cash_flows')) }}
