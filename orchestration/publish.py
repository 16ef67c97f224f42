"""Publish the build database as the warehouse that readers open, and its marts as Parquet."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb

PARQUET_DIR_NAME = "parquet"
# Each publish writes its Parquet files into a new hidden folder of this prefix beside the
# warehouse; `parquet` is a symbolic link to the current one.
PARQUET_GENERATION_PREFIX = f".{PARQUET_DIR_NAME}."


def parquet_dir(warehouse: Path) -> Path:
    """The folder of the published marts as Parquet: ``<warehouse dir>/parquet``."""
    return warehouse.parent / PARQUET_DIR_NAME


def publish(build_db: Path, warehouse: Path) -> Path:
    """Copy ``build_db`` to ``warehouse`` so that readers see the old file or the new, never half.

    The copy is written beside the target, then renamed over it (``os.replace``), which is
    atomic on one filesystem. Every table of the ``marts`` schema is also exported, from that
    same copy, as ``<warehouse dir>/parquet/<table>.parquet`` (see :func:`export_marts`), and the
    folder is switched to the new files only once they are all written. Nothing may hold
    ``build_db`` open for writing while this runs. Returns ``warehouse``.
    """
    if not build_db.exists():
        raise FileNotFoundError(
            f"{build_db}: build database not found; run the whole pipeline (`make run`), "
            "not the publish step alone."
        )
    # Fold any write-ahead log into the main file first: copying the file alone would drop
    # changes still sitting in build_db.wal.
    with duckdb.connect(str(build_db)) as con:
        con.execute("checkpoint")

    warehouse.parent.mkdir(parents=True, exist_ok=True)
    staging_copy = warehouse.with_name(f".{warehouse.name}.publishing")
    generation = warehouse.with_name(f"{PARQUET_GENERATION_PREFIX}{uuid.uuid4().hex}")
    try:
        with build_db.open("rb") as source, staging_copy.open("wb") as target:
            shutil.copyfileobj(source, target)
            target.flush()
            os.fsync(target.fileno())
        # Exported before the rename: if the export fails, neither the file nor the Parquet
        # folder changes.
        export_marts(staging_copy, generation)
        staging_copy.replace(warehouse)  # os.replace: atomic within one filesystem
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    finally:
        staging_copy.unlink(missing_ok=True)
    # A stale WAL beside the new file would be replayed into it on the next open.
    warehouse.with_name(f"{warehouse.name}.wal").unlink(missing_ok=True)
    _switch_parquet_dir(parquet_dir(warehouse), generation)
    return warehouse


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


def _switch_parquet_dir(link: Path, generation: Path) -> None:
    """Point ``link`` at ``generation`` in one rename and remove all but the last two folders.

    Readers that list or open ``link/*.parquet`` get one publish's files, all of them, never a
    mix. The previous folder stays one more publish, so a reader that resolved the link just
    before the switch can finish reading it.
    """
    previous = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():
        # A plain folder in the way (made by hand): move it aside, it is cleaned up below.
        link.rename(link.with_name(f"{PARQUET_GENERATION_PREFIX}{uuid.uuid4().hex}"))
    new_link = link.with_name(f".{link.name}-link.{uuid.uuid4().hex}")
    new_link.symlink_to(generation.name, target_is_directory=True)
    new_link.replace(link)  # rename(2) over the old link: atomic
    keep = {generation.resolve(), previous}
    for folder in link.parent.glob(f"{PARQUET_GENERATION_PREFIX}*"):
        if folder.resolve() not in keep:
            shutil.rmtree(folder, ignore_errors=True)
