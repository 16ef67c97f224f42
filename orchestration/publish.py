"""Publish the build database as the warehouse that readers open."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb


def publish(build_db: Path, warehouse: Path) -> Path:
    """Copy ``build_db`` to ``warehouse`` so that readers see the old file or the new, never half.

    The copy is written beside the target, then renamed over it (``os.replace``), which is
    atomic on one filesystem. Nothing may hold ``build_db`` open for writing while this runs.
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
    try:
        with build_db.open("rb") as source, staging_copy.open("wb") as target:
            shutil.copyfileobj(source, target)
            target.flush()
            os.fsync(target.fileno())
        staging_copy.replace(warehouse)  # os.replace: atomic within one filesystem
    finally:
        staging_copy.unlink(missing_ok=True)
    # A stale WAL beside the new file would be replayed into it on the next open.
    warehouse.with_name(f"{warehouse.name}.wal").unlink(missing_ok=True)
    return warehouse
