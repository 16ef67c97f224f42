{{ config(meta={'dagster': {'ref': {'name': 'fct_financial_facts', 'version': 1}}}) }}

{#
    Segments + adjustments = consolidated, for revenue and operating profit, on the
    published facts: the reportable segments of dim_segments and the adjustments and
    eliminations add up to the consolidated amount, per document, period, scenario and
    forecast status where the consolidated amount and every reportable segment of the
    company were reported, within the rounding the printed precision allows. The definition
    is macros/segment_reconciliation_violations.sql, which int_identity_failures also runs
    before publishing: a document that breaks it is quarantined, so this holds by
    construction and guards the marts. `meta.dagster.ref` makes it an asset check of
    fct_financial_facts (it also reads dim_segments).
#}

{{ segment_reconciliation_violations() }}
