"""Write extraction results into the raw layer of the build database.

The raw tables come from ``extraction.schema.RAW_TABLES``; this module adds the loader's own
(:data:`LOADER_TABLES`):

- ``raw.document_versions`` numbers the distinct contents seen under each file name, so that
  an edited release becomes version 2 of its file rather than a duplicate;
- ``raw.file_withdrawals`` holds the file names that have left the folder, and since when
  (:func:`record_withdrawals`); a file loaded again is taken off it;
- ``raw.source_folder`` names the disclosures folder the build database is built from
  (:func:`claim_folder`), so that another folder's releases never mix into it.

Loading is idempotent: a document's rows are deleted from every raw table and inserted again;
:func:`unchanged_files` names the files whose loading would change nothing, which a run skips.
Rows of documents whose file has since changed stay, as old versions; those of a file that
left the folder stay too, its name on ``raw.file_withdrawals``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas

from extraction.models import Document, DocumentStatus, ExtractionResult
from extraction.schema import RAW_TABLES, rows_for
from orchestration import settings, sql
from orchestration.publish import create_database

RAW_SCHEMA = "raw"


def _raw_sql(name: str, **fields: str) -> str:
    """Query ``name`` of :mod:`orchestration.sql` on the raw schema (and ``fields``)."""
    return sql.load(name).format(schema=RAW_SCHEMA, **fields)


DOCUMENT_VERSIONS_COLUMNS: list[tuple[str, str]] = [
    ("file_name", "VARCHAR"),
    ("document_id", "VARCHAR"),
    ("version", "INTEGER"),
    ("first_loaded_at", "TIMESTAMP"),  # UTC
]

FILE_WITHDRAWALS_COLUMNS: list[tuple[str, str]] = [
    ("file_name", "VARCHAR"),
    ("withdrawn_at", "TIMESTAMP"),  # UTC
]

SOURCE_FOLDER_COLUMNS: list[tuple[str, str]] = [
    ("folder", "VARCHAR"),  # absolute
    ("folder_from_build_db", "VARCHAR"),  # relative to the build database's folder
    ("recorded_at", "TIMESTAMP"),  # UTC
]

# The tables this module adds to extraction's; dbt declares every raw table as a source.
LOADER_TABLES: dict[str, list[tuple[str, str]]] = {
    "document_versions": DOCUMENT_VERSIONS_COLUMNS,
    "file_withdrawals": FILE_WITHDRAWALS_COLUMNS,
    "source_folder": SOURCE_FOLDER_COLUMNS,
}
ALL_RAW_TABLES = {**RAW_TABLES, **LOADER_TABLES}

# DECIMAL columns are passed as text and cast in SQL: exact, whatever the Decimal's scale.
# This is the widest scale the raw tables use; a value with more digits would be rounded.
MAX_DECIMAL_SCALE = 6

# Documents per call of upsert_results in a load of many: one transaction each.
UPSERT_BATCH = 100


@dataclass(frozen=True, slots=True)
class LoadableResult:
    """One extraction result as the raw tables take it: its rows, and what a summary needs.

    Made where the file was extracted (:func:`loadable`), so a pool of workers sends back
    columns of text instead of the result's objects: a fifth of the work to pickle and
    unpickle, and the process that loads only concatenates and inserts them.
    """

    document: Document
    # raw table -> column -> its values as text (see _insert_columns), in RAW_TABLES' order
    columns: dict[str, dict[str, list[str | None]]]
    figures: int
    tokens: int
    token_statuses: dict[str, int]  # token status -> tokens with it


def loadable(result: ExtractionResult, parser_version: str) -> LoadableResult:
    """The rows of ``result`` for every raw table, stamped with ``parser_version``."""
    document_id = result.document.document_id
    return LoadableResult(
        document=result.document,
        columns={
            table: _text_columns(table, RAW_TABLES[table], rows, document_id)
            for table, rows in rows_for(result, parser_version).items()
        },
        figures=len(result.figures),
        tokens=len(result.tokens),
        token_statuses=dict(Counter(str(token.status) for token in result.tokens)),
    )


class RawSchemaMismatchError(RuntimeError):
    """A raw table in the build database has columns other than ``RAW_TABLES`` declares."""


class FolderMismatchError(RuntimeError):
    """The build database was built from another disclosures folder than the one given."""


@contextmanager
def open_store(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the build database for writing, with the raw schema in place, and close it after.

    DuckDB allows one writer per file, so the connection must not outlive the caller's block.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # in the storage format of the published warehouse, so that publishing copies it
        create_database(path, settings.warehouse_storage_version())
    con = duckdb.connect(str(path))
    try:
        ensure_schema(con, path)
        yield con
    finally:
        con.close()


def ensure_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Create schema ``raw`` and its tables if absent; fail clearly if a table has drifted."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for table, columns in ALL_RAW_TABLES.items():
        column_sql = ", ".join(f"{name} {type_}" for name, type_ in columns)
        con.execute(f"create table if not exists {RAW_SCHEMA}.{table} ({column_sql})")
        existing = [
            row[0] for row in con.execute(sql.load("raw_columns"), [RAW_SCHEMA, table]).fetchall()
        ]
        expected = [name for name, _ in columns]
        if existing == expected[: len(existing)]:
            # columns added at the end since the table was made: add them, rows keep theirs
            for name, type_ in columns[len(existing) :]:
                con.execute(f"alter table {RAW_SCHEMA}.{table} add column {name} {type_}")
            existing = expected
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
    """Replace one document's rows in every raw table and return its version number."""
    return upsert_results(con, [loadable(result, parser_version)], loaded_at)[0]


def upsert_results(
    con: duckdb.DuckDBPyConnection,
    results: Sequence[LoadableResult],
    loaded_at: dt.datetime,
) -> list[int]:
    """Replace the rows of several documents, in one transaction; their version numbers.

    The same as upserting them one by one, in order (a content seen twice keeps the rows of
    its last file), but with one statement per table for the whole batch: a statement costs
    milliseconds, and a load of a thousand releases would otherwise run tens of thousands.
    ``loaded_at`` (timezone-aware) is recorded, in UTC, only the first time a file name is
    seen with a content.
    """
    if not results:
        return []
    # a content read from two files in one batch: its last file's rows, as one by one
    latest = {result.document.document_id: result for result in results}
    ids = list(latest)
    loads = list(latest.values())
    con.execute("begin transaction")
    try:
        known = [
            document_id
            for (document_id,) in con.execute(_raw_sql("raw_known_documents"), [ids]).fetchall()
        ]
        for table, columns in RAW_TABLES.items():
            if known:
                con.execute(_raw_sql("raw_delete_documents", table=table), [known])
            _insert_columns(con, table, columns, [load.columns[table] for load in loads])
        files = [(r.document.file_name, r.document.document_id) for r in results]
        versions = _record_versions(con, files, loaded_at)
        # a file loaded is in the folder: back, if it had left
        con.execute(_raw_sql("raw_unwithdraw_files"), [[name for name, _ in files]])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return versions


def _insert_columns(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[tuple[str, str]],
    documents: list[dict[str, list[str | None]]],
) -> None:
    """Insert the text columns of several documents through one pandas frame, each column
    cast to its type in SQL.

    Every value goes in as its text (``str`` of an int, a date, a Decimal) and DuckDB casts
    it, so nothing is converted through a float or guessed from a sample of the column.
    Handing DuckDB a frame is about ten times faster than binding Python lists (``executemany``
    is a hundred times slower still), and a thousand releases have millions of tokens.
    """
    if not any(document[columns[0][0]] for document in documents):
        return
    frame = pandas.DataFrame(
        {name: [v for document in documents for v in document[name]] for name, _ in columns},
        dtype=object,
    )
    casts = ", ".join(f"{name}::{type_}" for name, type_ in columns)
    con.register("incoming_rows", frame)
    try:
        con.execute(f"insert into {RAW_SCHEMA}.{table} select {casts} from incoming_rows")
    finally:
        con.unregister("incoming_rows")


def _text_columns(
    table: str, columns: list[tuple[str, str]], rows: list[tuple[Any, ...]], document_id: str
) -> dict[str, list[str | None]]:
    """One document's rows of ``table`` as a list of text per column (None stays None),
    refusing decimals the column's type would round."""
    values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    text: dict[str, list[str | None]] = {}
    for (name, type_), column in zip(columns, values, strict=True):
        if type_.upper().startswith("DECIMAL"):
            text[name] = [_decimal_text(value, table, name, document_id) for value in column]
        else:
            text[name] = [None if value is None else str(value) for value in column]
    return text


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


def _record_versions(
    con: duckdb.DuckDBPyConnection, files: Sequence[tuple[str, str]], loaded_at: dt.datetime
) -> list[int]:
    """The version of each ``(file name, document id)``, numbering contents not seen before.

    One query reads the versions already known for these file names; new contents are
    numbered in order after them and inserted in one statement.
    """
    names = sorted({name for name, _ in files})
    known: dict[tuple[str, str], int] = {}
    latest: dict[str, int] = dict.fromkeys(names, 0)
    for name, document_id, version in con.execute(
        _raw_sql("raw_known_versions"), [names]
    ).fetchall():
        known[(name, document_id)] = version
        latest[name] = max(latest[name], version)
    new: list[tuple[str, str, int]] = []
    versions = []
    for name, document_id in files:
        if (name, document_id) not in known:
            latest[name] += 1
            known[(name, document_id)] = latest[name]
            new.append((name, document_id, latest[name]))
        versions.append(known[(name, document_id)])
    if new:
        con.execute(
            _raw_sql("raw_insert_versions"),
            [
                [n for n, _, _ in new],
                [d for _, d, _ in new],
                [v for _, _, v in new],
                _utc(loaded_at),
            ],
        )
    return versions


def _utc(moment: dt.datetime) -> dt.datetime:
    """A timezone-aware moment as the naive UTC timestamp the raw tables store."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def record_withdrawals(
    con: duckdb.DuckDBPyConnection, present: Collection[str], at: dt.datetime
) -> list[str]:
    """Record every file name loaded before but not in ``present`` (the folder's file names
    now) as withdrawn ``at`` (timezone-aware); return the names newly withdrawn, sorted.

    A name already withdrawn keeps the moment it left. One loaded again is taken off the
    list by :func:`upsert_results`.
    """
    withdrawn = [
        name
        for (name,) in con.execute(_raw_sql("raw_new_withdrawals"), [sorted(present)]).fetchall()
    ]
    if withdrawn:
        con.execute(
            f"insert into {RAW_SCHEMA}.file_withdrawals select unnest($1::varchar[]), $2",
            [withdrawn, _utc(at)],
        )
    return withdrawn


def unchanged_files(
    con: duckdb.DuckDBPyConnection, contents: Mapping[str, str], parser_version: str
) -> set[str]:
    """The file names of ``contents`` (file name -> document id of its bytes now) that
    loading again would leave as they are: the raw layer holds that content as the file's
    latest version, extracted whole by ``parser_version``, and the file is not withdrawn.

    A run skips them; a file that failed or was read in part is always tried again.
    """
    if not contents:
        return set()
    names = sorted(contents)
    rows = con.execute(
        _raw_sql("raw_unchanged_files"),
        [names, [contents[name] for name in names], parser_version, DocumentStatus.EXTRACTED],
    ).fetchall()
    return {name for (name,) in rows}


def raw_state(con: duckdb.DuckDBPyConnection) -> str:
    """A hash of what the models read from the raw layer (``sql/raw_state.sql``): equal
    hashes, the same documents, versions, withdrawals and folder. Rewriting a document with
    the same outcome (a failed file read again) leaves it as it was."""
    ((state,),) = con.execute(_raw_sql("raw_state")).fetchall()
    return state


def claim_folder(
    con: duckdb.DuckDBPyConnection, build_db: Path, folder: Path, at: dt.datetime
) -> None:
    """Record ``folder`` as the disclosures folder ``build_db`` is built from, or refuse it
    (:class:`FolderMismatchError`) if the database was built from another one.

    A build database holds the versions and withdrawals of one folder's files: another
    folder's releases loaded into it would be published beside this one's, and this one's
    would all count as withdrawn. The folder is the same if its absolute path is, or its
    path from the build database's folder is (a workspace copied or a repository moved
    whole); either way the record follows it.
    """
    absolute = str(folder.resolve())
    from_build_db = os.path.relpath(absolute, build_db.parent.resolve())
    rows = con.execute(
        f"select folder, folder_from_build_db from {RAW_SCHEMA}.source_folder"
    ).fetchall()
    if not rows:
        con.execute(
            f"insert into {RAW_SCHEMA}.source_folder values (?, ?, ?)",
            [absolute, from_build_db, _utc(at)],
        )
        return
    [(recorded, recorded_from_build_db)] = rows
    if absolute != recorded and from_build_db != recorded_from_build_db:
        raise FolderMismatchError(
            f"{build_db} is built from the releases in {recorded}, not from {folder} "
            "(DISCLOSURES_DIR): one build database, and one warehouse, per folder. To build "
            f"{folder}, point WAREHOUSE_PATH at another file (its build database goes beside "
            "it), or BUILD_DB_PATH at another build database. If the releases moved to "
            f"{folder} for good, delete {build_db} and run again: it is rebuilt from them "
            "(the old files' version history is lost)."
        )
    if (absolute, from_build_db) != (recorded, recorded_from_build_db):
        con.execute(
            f"update {RAW_SCHEMA}.source_folder set folder = ?, folder_from_build_db = ?",
            [absolute, from_build_db],
        )
