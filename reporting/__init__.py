"""Consumers of the published warehouse: the visual report and the dbt docs site.

- :mod:`reporting.report` builds one self-contained HTML page (inline CSS and SVG charts,
  nothing fetched) from the published DuckDB file, opened read-only; ``python -m reporting``
  is its command line (``make report``).
- :mod:`reporting.dbt_docs` builds dbt's docs site against a copy of the published warehouse
  and serves it on 127.0.0.1 (``make docs``).
- :mod:`reporting.browser` drives headless Chromium to render a page to PNG and reads the
  PNG back without third-party packages, for the checks of both.
"""
