"""Write extraction results into the raw layer of the build database.

The raw tables come from ``extraction.schema.RAW_TABLES``; this module adds
``raw.document_versions``, which numbers the distinct contents seen under each file name so
that an edited release becomes version 2 of its file rather than a duplicate.

Loading is idempotent: a document's rows are deleted from every raw table and inserted again.
Rows of documents whose file has since changed or disappeared stay, as old versions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from extraction.models import ExtractionResult
from extraction.schema import RAW_TABLES, rows_for

RAW_SCHEMA = "raw"

DOCUMENT_VERSIONS_COLUMNS: list[tuple[str, str]] = [
    ("file_name", "VARCHAR"),
    ("document_id", "VARCHAR"),
    ("version", "INTEGER"),
    ("first_loaded_at", "TIMESTAMP"),  # UTC
]

# DECIMAL columns are passed as text and cast in SQL: exact, whatever the Decimal's scale.
# This is the widest scale the raw tables use; a value with more digits would be rounded.
MAX_DECIMAL_SCALE = 6


class RawSchemaMismatchError(RuntimeError):
    """A raw table in the build database has columns other than ``RAW_TABLES`` declares."""


@contextmanager
def open_store(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the build database for writing, with the raw schema in place, and close it after.

    DuckDB allows one writer per file, so the connection must not outlive the caller's block.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        ensure_schema(con, path)
        yield con
    finally:
        con.close()


def ensure_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Create schema ``raw`` and its tables if absent; fail clearly if a table has drifted."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    tables = {**RAW_TABLES, "document_versions": DOCUMENT_VERSIONS_COLUMNS}
    for table, columns in tables.items():
        column_sql = ", ".join(f"{name} {type_}" for name, type_ in columns)
        con.execute(f"create table if not exists {RAW_SCHEMA}.{table} ({column_sql})")
        existing = [
            row[0]
            for row in con.execute(
                "select column_name from information_schema.columns"
                " where table_schema = ? and table_name = ? order by ordinal_position",
                [RAW_SCHEMA, table],
            ).fetchall()
        ]
        expected = [name for name, _ in columns]
        if existing != expected:
            raise RawSchemaMismatchError(
                f"{path}: table {RAW_SCHEMA}.{table} has columns {existing}, but the extractor "
                f"now writes {expected}. The raw layout changed; delete {path} (or run "
                "`make clean-build`) and run the pipeline again to rebuild it from the files."
            )


def upsert_result(
    con: duckdb.DuckDBPyConnection,
    result: ExtractionResult,
    parser_version: str,
    loaded_at: dt.datetime,
) -> int:
    """Replace one document's rows in every raw table and return its version number.

    ``loaded_at`` (timezone-aware) is recorded, in UTC, only the first time a file name is
    seen with this content.
    """
    document_id = result.document.document_id
    rows = rows_for(result, parser_version)
    con.execute("begin transaction")
    try:
        # Every statement costs milliseconds, a load of many releases runs thousands of them,
        # and most documents are new: a document's rows are written in one transaction with
        # its raw.documents row, so without that row it has none to delete anywhere.
        known = con.execute(
            f"select count(*) from {RAW_SCHEMA}.documents where document_id = ?", [document_id]
        ).fetchall()[0][0]
        for table, columns in RAW_TABLES.items():
            if known:
                con.execute(
                    f"delete from {RAW_SCHEMA}.{table} where document_id = ?", [document_id]
                )
            _insert_rows(con, table, columns, rows[table], document_id)
        version = _record_version(con, result.document.file_name, document_id, loaded_at)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return version


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[tuple[str, str]],
    rows: list[tuple[Any, ...]],
    document_id: str,
) -> None:
    """Insert rows column-wise: one list parameter per column, unnested in SQL.

    ``executemany`` costs about a millisecond a row in DuckDB; a document has thousands of
    tokens, and this is about a hundred times faster.
    """
    if not rows:
        return
    values = [list(column) for column in zip(*rows, strict=True)]
    selects = []
    for index, (name, type_) in enumerate(columns):
        if type_.upper().startswith("DECIMAL"):
            values[index] = [_decimal_text(v, table, name, document_id) for v in values[index]]
            selects.append(f"unnest(${index + 1}::varchar[]::{type_}[])")
        else:
            selects.append(f"unnest(${index + 1}::{type_}[])")
    con.execute(f"insert into {RAW_SCHEMA}.{table} select {', '.join(selects)}", values)


def _decimal_text(value: Decimal | None, table: str, column: str, document_id: str) -> str | None:
    """Render a Decimal for an exact cast, refusing values the column would round."""
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMAL_SCALE:
        raise ValueError(
            f"document {document_id}: {table}.{column} value {value} has more than "
            f"{MAX_DECIMAL_SCALE} decimal places and would be rounded; the extractor should "
            "round it or the raw column needs a wider scale in extraction/schema.py."
        )
    return str(value)


def _record_version(
    con: duckdb.DuckDBPyConnection, file_name: str, document_id: str, loaded_at: dt.datetime
) -> int:
    """Return the version of this content under this file name, numbering it if new."""
    # one query for both: this content's version, if known, and the file's latest version
    known, latest = con.execute(
        "select max(version) filter (where document_id = ?), coalesce(max(version), 0)"
        f" from {RAW_SCHEMA}.document_versions where file_name = ?",
        [document_id, file_name],
    ).fetchall()[0]
    if known is not None:
        return known
    con.execute(
        f"insert into {RAW_SCHEMA}.document_versions values (?, ?, ?, ?)",
        [file_name, document_id, latest + 1, loaded_at.astimezone(dt.UTC).replace(tzinfo=None)],
    )
    return latest + 1
