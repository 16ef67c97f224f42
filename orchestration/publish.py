"""Publish the build database as the warehouse that readers open, and its marts as Parquet."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from functools import lru_cache
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.sql import identifier, string_literal

PARQUET_DIR_NAME = "parquet"
# The names the two files go by in the connection that copies one into the other. Neither is
# written into the copy: DuckDB stores a view's own database name as no name at all.
_SOURCE_ALIAS = "publish_source"
_TARGET_ALIAS = "publish_target"


def parquet_dir(warehouse: Path) -> Path:
    """The folder of the published marts as Parquet: ``<warehouse dir>/parquet``
    (``<name>_parquet`` for a warehouse ``<name>.duckdb`` of another name than the default)."""
    return warehouse.parent / settings.state_name(warehouse, PARQUET_DIR_NAME)


def parquet_generation_prefix(warehouse: Path) -> str:
    """Each publish writes its Parquet files into a new hidden folder of this prefix beside
    the warehouse (``.parquet.<uuid>``); :func:`parquet_dir` is a symbolic link to the
    current one."""
    return f".{parquet_dir(warehouse).name}."


def publish(build_db: Path, warehouse: Path) -> Path:
    """Copy ``build_db`` to ``warehouse`` so that readers see the old file or the new, never half.

    The copy is a new DuckDB file in the storage format of ``WAREHOUSE_STORAGE_VERSION``
    (:func:`orchestration.settings.warehouse_storage_version`), so that readers with an older
    DuckDB than the pipeline's can open it (see :func:`copy_database`). It is written beside
    the target, checked (every view must read under the warehouse's own name), then renamed
    over it (``os.replace``), which is atomic on one filesystem. Every table of the ``marts``
    schema is also exported, from that same copy, as ``<warehouse dir>/parquet/<table>.parquet``
    (see :func:`export_marts`), and the folder is switched to the new files only once they are
    all written. Nothing may hold ``build_db`` open for writing while this runs. Returns
    ``warehouse``.
    """
    if not build_db.exists():
        raise FileNotFoundError(
            f"{build_db}: build database not found; run the whole pipeline (`make run`), "
            "not the publish step alone."
        )
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    staging_copy = warehouse.with_name(f".{warehouse.name}.publishing")
    generation = warehouse.with_name(f"{parquet_generation_prefix(warehouse)}{uuid.uuid4().hex}")
    storage_version = settings.warehouse_storage_version()
    try:
        if storage_format(build_db) == format_of_version(storage_version):
            # built in the published format (create_database): the bytes are the copy
            _copy_file(build_db, staging_copy)
        else:
            copy_database(build_db, staging_copy, storage_version)
        _assert_views_read(staging_copy, build_db, warehouse)
        # Exported before the rename: if the export fails, neither the file nor the Parquet
        # folder changes.
        export_marts(staging_copy, generation)
        staging_copy.replace(warehouse)  # os.replace: atomic within one filesystem
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    finally:
        _remove_database(staging_copy)
    # A stale WAL beside the new file would be replayed into it on the next open.
    warehouse.with_name(f"{warehouse.name}.wal").unlink(missing_ok=True)
    _switch_parquet_dir(parquet_dir(warehouse), generation, parquet_generation_prefix(warehouse))
    return warehouse


def create_database(path: Path, storage_version: str) -> Path:
    """Create the empty DuckDB file ``path`` in storage format ``storage_version``.

    DuckDB keeps a file's format when it writes to it later, so a build database created
    this way is published by copying its bytes (:func:`publish`), not rewritten.
    """
    with duckdb.connect() as con:
        _attach_new(con, path, storage_version)
        con.execute(f"detach {_TARGET_ALIAS}")
    return path


def storage_format(database: Path) -> str:
    """The storage format DuckDB reports for the file ``database`` (``v1.0.0+``)."""
    with duckdb.connect() as con:
        con.execute(f"attach {string_literal(database)} as {_SOURCE_ALIAS} (read_only)")
        ((tags,),) = con.execute(
            "select tags from duckdb_databases() where database_name = ?", [_SOURCE_ALIAS]
        ).fetchall()
    return tags["storage_version"]


@lru_cache(maxsize=4)
def format_of_version(storage_version: str) -> str:
    """The storage format a file written for ``storage_version`` reports (releases share
    formats: v1.1.0 writes the format of v1.0.0 and later)."""
    with tempfile.TemporaryDirectory() as folder:
        return storage_format(create_database(Path(folder) / "probe.duckdb", storage_version))


def _attach_new(con: duckdb.DuckDBPyConnection, path: Path, storage_version: str) -> None:
    """Attach a new DuckDB file ``path`` as the target, in format ``storage_version``."""
    try:
        con.execute(
            f"attach {string_literal(path)} as {_TARGET_ALIAS} "
            f"(storage_version {string_literal(storage_version)})"
        )
    except duckdb.InvalidInputException as error:
        raise ValueError(
            f"{settings.WAREHOUSE_STORAGE_VERSION_VARIABLE}={storage_version!r}: DuckDB "
            f"{duckdb.__version__} cannot write this storage version ({error}). Set it to "
            "the DuckDB release of the oldest reader, e.g. "
            f"{settings.DEFAULT_WAREHOUSE_STORAGE_VERSION}."
        ) from error


def _copy_file(source: Path, target: Path) -> None:
    """Copy DuckDB file ``source`` byte for byte, its write-ahead log folded in first."""
    with duckdb.connect(str(source)) as con:
        con.execute("checkpoint")
    with source.open("rb") as reading, target.open("wb") as writing:
        shutil.copyfileobj(reading, writing)
        writing.flush()
        os.fsync(writing.fileno())


def copy_database(source: Path, target: Path, storage_version: str) -> Path:
    """Write everything in DuckDB file ``source`` into a new file ``target``, in DuckDB storage
    format ``storage_version`` (``vMAJOR.MINOR.PATCH``), and flush it to disk.

    ``COPY FROM DATABASE`` recreates every schema, table (with its constraints and comments),
    view, macro, sequence and type, and copies the rows. A byte copy would keep the storage
    format of the DuckDB that built ``source``, which older DuckDB releases refuse to open.
    ``source`` is opened read-only; changes still in its write-ahead log are copied too.
    Returns ``target``.
    """
    # A file left by a killed publish would be opened and added to, not replaced.
    _remove_database(target)
    with duckdb.connect() as con:
        con.execute(f"attach {string_literal(source)} as {_SOURCE_ALIAS} (read_only)")
        _attach_new(con, target, storage_version)
        con.execute(f"copy from database {_SOURCE_ALIAS} to {_TARGET_ALIAS}")
        # Detaching checkpoints the copy into its file and removes its write-ahead log.
        con.execute(f"detach {_TARGET_ALIAS}")
    with target.open("rb") as written:
        os.fsync(written.fileno())
    return target


def unreadable_views(database: Path, catalog: str) -> list[str]:
    """The views of ``database`` that cannot be read when the file is opened as ``catalog``,
    each as ``schema.view: DuckDB's error``.

    A view whose SQL names another database (such as the build database's) reads in the build
    but not in the published file. Each view is bound (``limit 0``), not run.
    """
    broken = []
    with duckdb.connect() as con:
        con.execute(f"attach {string_literal(database)} as {identifier(catalog)} (read_only)")
        con.execute(f"use {identifier(catalog)}")
        views = con.execute(
            "select schema_name, view_name from duckdb_views() "
            "where database_name = ? and not internal order by all",
            [catalog],
        ).fetchall()
        for schema, view in views:
            try:
                con.execute(f"select * from {identifier(schema)}.{identifier(view)} limit 0")
            except duckdb.Error as error:
                broken.append(f"{schema}.{view}: {error}")
    return broken


def _assert_views_read(copy: Path, build_db: Path, warehouse: Path) -> None:
    """Raise, naming each, if a view of ``copy`` (of ``build_db``) cannot be read once the file
    is ``warehouse``."""
    # Readers open the file under the warehouse's name (DuckDB names a database after its
    # file), not under the staging copy's.
    broken = unreadable_views(copy, catalog=warehouse.stem)
    if broken:
        raise RuntimeError(
            f"{build_db}: {len(broken)} view(s) cannot be read when the copy is opened as "
            f"{warehouse}, so it was not published:\n"
            + "\n".join(f"- {line}" for line in broken)
            + "\nA view may only read relations of its own database (as dbt's ref() and "
            "source() compile: DuckDB drops a view's own database name from its SQL)."
        )


def export_marts(database: Path, folder: Path) -> list[Path]:
    """Write every table of the ``marts`` schema of ``database`` to ``folder/<table>.parquet``.

    The database is opened read-only. Column types carry over (DECIMAL stays DECIMAL), so
    money stays exact in the Parquet files too. Returns the files written.
    """
    folder.mkdir(parents=True)
    written = []
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by table_name"
        ).fetchall()
        for (table,) in tables:
            target = folder / f"{table}.parquet"
            quoted_path = str(target).replace("'", "''")
            quoted_table = table.replace('"', '""')
            con.execute(f"""copy marts."{quoted_table}" to '{quoted_path}' (format parquet)""")
            written.append(target)
    return written


def _switch_parquet_dir(link: Path, generation: Path, prefix: str) -> None:
    """Point ``link`` at ``generation`` in one rename and remove all but the last two folders.

    Readers that list or open ``link/*.parquet`` get one publish's files, all of them, never a
    mix. The previous folder stays one more publish, so a reader that resolved the link just
    before the switch can finish reading it.
    """
    previous = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():
        # A plain folder in the way (made by hand): move it aside, it is cleaned up below.
        link.rename(link.with_name(f"{prefix}{uuid.uuid4().hex}"))
    new_link = link.with_name(f".{link.name}-link.{uuid.uuid4().hex}")
    new_link.symlink_to(generation.name, target_is_directory=True)
    new_link.replace(link)  # rename(2) over the old link: atomic
    keep = {generation.resolve(), previous}
    for folder in link.parent.glob(f"{prefix}*"):
        if folder.resolve() not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def _remove_database(path: Path) -> None:
    """Delete DuckDB file ``path`` and its write-ahead log, if there."""
    path.unlink(missing_ok=True)
    path.with_name(f"{path.name}.wal").unlink(missing_ok=True)
