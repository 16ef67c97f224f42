{#
    The statement of profit or loss as an analyst reads it: for each document (the latest
    version of its file, published), the statement's line items in presentation order,
    with the latest consolidated amounts for the period the document reports and for
    the same period one year earlier (macros/duration_statement_report.sql).
#}

{{ duration_statement_report('profit_or_loss') }}
