"""One writer at a time on the build database.

DuckDB lets one process write a database file. Two pipeline runs launched together (two
``make run``, or a sensor run beside the daily reconciliation) would otherwise fail on that
lock, or worse, interleave: run A validates, run B rebuilds, run A publishes B's unvalidated
build. So every run that writes takes :class:`BuildDatabaseLock`, an exclusive advisory lock
on a file beside the build database, for its whole duration: the second run waits, then
runs. The Dagster instance also queues such runs one at a time (a tag concurrency limit, see
``settings.dagster_yaml``); the file lock covers runs that bypass the queue
(``execute_in_process``) and other processes.

:func:`connect_with_retry` retries DuckDB's own lock error, for the few seconds another
process (a reader tool opened for writing, say) may hold the file.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

from orchestration.resources import WarehouseResource

LOCK_ERROR_MARKERS = ("could not set lock", "conflicting lock")


class BuildDatabaseBusyError(TimeoutError):
    """Another run held the build database for longer than we were willing to wait."""


def lock_path(build_db: Path) -> Path:
    """The lock file beside the build database."""
    return build_db.with_name(f"{build_db.name}.lock")


@contextmanager
def build_database_lock(
    build_db: Path,
    *,
    owner: str,
    timeout_seconds: float = 1800.0,
    poll_seconds: float = 1.0,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the exclusive lock on ``build_db`` for the block; wait for it if it is taken.

    ``owner`` (a run id, a command) is written into the lock file so that a waiting run can
    say whom it waits for. The lock is the kernel's (``flock``): it is released when the
    holder exits, even if it is killed, so a crashed run never leaves it stuck.
    """
    path = lock_path(build_db)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        deadline = time.monotonic() + timeout_seconds
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _read_owner(path)
                if time.monotonic() > deadline:
                    raise BuildDatabaseBusyError(
                        f"{build_db}: still being written by {holder} after "
                        f"{timeout_seconds:.0f} s; wait for that run to end (Dagster UI, "
                        f"`make ui`) or stop it, then run again."
                    ) from None
                if not told and on_wait is not None:
                    on_wait(f"waiting for {holder}, which is writing {build_db}")
                    told = True
                time.sleep(poll_seconds)
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps({"owner": owner, "pid": os.getpid(), "since": datetime.now(UTC).isoformat()})
        )
        handle.flush()
        yield
    finally:
        # Closing the handle releases the lock (if held); the file itself stays.
        handle.close()


def _read_owner(path: Path) -> str:
    """Who holds the lock, as the holder wrote it, for a waiting run's message."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "another process"
    if not data:
        return "another process"
    return (
        f"{data.get('owner', 'another process')} (pid {data.get('pid')}, since {data.get('since')})"
    )


def is_lock_error(error: BaseException | str) -> bool:
    """True when ``error`` is DuckDB refusing a file another process holds."""
    text = str(error).lower()
    return any(marker in text for marker in LOCK_ERROR_MARKERS)


def connect_with_retry(
    path: Path, *, read_only: bool = False, attempts: int = 5, first_wait_seconds: float = 0.5
) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect``, retried with growing waits while another process holds the file."""
    wait = first_wait_seconds
    for attempt in range(1, attempts + 1):
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            if not is_lock_error(error) or attempt == attempts:
                raise
            time.sleep(wait)
            wait *= 2
    raise AssertionError("unreachable")


class BuildDatabaseLockResource(ConfigurableResource):
    """Holds :func:`build_database_lock` from the start of a run to its end.

    Every asset that touches the build database requires this resource. The jobs run their
    steps in one process, where Dagster sets a resource up once per run and tears it down
    when the run ends, so the lock spans the run, not a step. The build database is the one
    of ``warehouse``.
    """

    warehouse: WarehouseResource
    timeout_seconds: float = 1800.0
    _stack: list = PrivateAttr(default_factory=list)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        """Wait for, then take, the lock on the build database."""
        log = context.log
        run = context.run
        owner = f"Dagster run {run.run_id}" if run is not None else f"pid {os.getpid()}"
        manager = build_database_lock(
            self.warehouse.build_db(),
            owner=owner,
            timeout_seconds=self.timeout_seconds,
            on_wait=log.info if log is not None else None,
        )
        manager.__enter__()
        self._stack.append(manager)

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        """Release the lock."""
        while self._stack:
            self._stack.pop().__exit__(None, None, None)
