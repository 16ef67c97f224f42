{#
    The accounting identities (macros/accounting_identities.sql) checked on every
    document's facts before they reach the marts: one row per identity, period, segment,
    scenario and forecast status that does not hold within the rounding its printed
    precision allows. A document with a row here is quarantined: fct_financial_facts leaves
    its facts out, dim_documents says why, and marts.fct_check_failures lists the rows.
#}

{{ identity_violations(accounting_identities('all'), ref('int_facts_merged')) }}
