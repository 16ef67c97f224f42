"""Great Expectations suites for the published warehouse, written as Python code.

:mod:`expectations.suites` defines one suite per mart (schema against the dbt contract,
keys, allowed values, plausible ranges) and one per domain rule (the accounting identities
within the rounding the printed precision allows, printed percentages against the amounts
they compare, printings that disagree, unparsed tokens), each expectation carrying a stable
``check_id``, what it ``guards`` and whether it is ``blocking``.
:func:`expectations.run.validate_warehouse` runs them on a DuckDB file (read-only, in an
ephemeral GX context) and returns a :class:`expectations.report.ValidationReport`;
:mod:`expectations.report` renders it as a self-contained HTML page, JSON and plain text.
``make validate`` (``python -m expectations.run``) does all of it on the published warehouse.

Nothing here is imported eagerly: Great Expectations takes seconds to import, and only
:func:`expectations.run.validate_warehouse` needs it.
"""
