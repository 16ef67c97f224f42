"""The SQL the orchestration runs, one query a file, linted by sqlfluff like the models.

:func:`load` reads ``<name>.sql`` from this package (:func:`queries` makes the same loader for
another package's queries, such as the report's). Values are bind parameters (``?``, ``$1``,
``$name``); where a query needs a table name, which DuckDB cannot bind, the file has a named
format field (``{table}``) that the caller fills with ``str.format`` from the module's own
constants, never from input. The folder's ``.sqlfluff`` gives the linter sample values for
those fields.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.resources import files


def queries(package: str) -> Callable[[str], str]:
    """A function that returns the text of ``<name>.sql`` in ``package``, read once."""

    @cache
    def load(name: str) -> str:
        return files(package).joinpath(f"{name}.sql").read_text(encoding="utf-8")

    return load


load = queries(__name__)


def string_literal(value: object) -> str:
    """``value`` as a SQL string literal (for what DuckDB cannot bind: a file to attach)."""
    return "'" + str(value).replace("'", "''") + "'"


def identifier(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
