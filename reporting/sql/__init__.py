"""The queries the report reads the warehouse with, one a file (``<name>.sql``), linted by
sqlfluff like the models (see ``orchestration/sql``)."""

from __future__ import annotations

from orchestration.sql import queries

load = queries(__name__)
