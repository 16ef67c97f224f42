{#
    Cash and cash equivalents at the start of a period + the net change the statement of
    cash flows reports for the period = cash and cash equivalents at its end, on the
    published facts. The definition (opening balance the day before the period starts,
    tolerance three halves of a unit of the coarsest printing) is
    macros/cash_roll_forward_violations.sql, which int_identity_failures also runs before
    publishing: a document that breaks it is quarantined, so this holds by construction and
    guards the marts.
#}

{{ cash_roll_forward_violations() }}
