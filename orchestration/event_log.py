"""Dagster's SQLite event log, with its connections kept open between events.

Dagster's ``SqliteEventLogStorage`` creates a new SQLAlchemy engine with ``NullPool`` for every
connection: each event opens its run's database file and the index database, compiles its
statements afresh (the compiled cache lives on the engine) and closes the files again, and
closing the last connection to a WAL database checkpoints it. That is 15-25 ms an event on
this machine, and a run over many releases writes thousands of events. It also asks the
index database whether a table exists (``has_table``) for every asset event it stores, with
another new engine each time: 2.5 s of a run over 1,000 releases.

:class:`PooledSqliteEventLogStorage` is that storage with one engine per database file, kept
for the files in use and pooled the way SQLAlchemy pools file databases. The files, schema
and locking are Dagster's own, so an instance can switch between the two at any time. The
project's ``dagster.yaml`` (``settings.dagster_yaml``) selects it; on a production instance
use Postgres (``dagster-postgres``) instead, which pools its connections already.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from sqlalchemy import create_engine

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from dagster._core.events.log import EventLogEntry
    from dagster._serdes import ConfigurableClassData
    from sqlalchemy.engine import Connection, Engine

# Engines kept open: the index database, and the run databases most recently written or
# read (a run writes one; the UI reads the runs it shows).
MAX_OPEN_DATABASES = 16


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` that keeps an engine, and its pooled connections, per file.

    Configured like the storage it extends::

        event_log_storage:
          module: orchestration.event_log
          class: PooledSqliteEventLogStorage
          config:
            base_dir: /path/to/dagster_home/history/runs
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        # set before the parent's constructor, which may already connect
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        # While store_event_batch runs: its thread, and its open transaction on each file.
        self._batch_thread: int | None = None
        self._batch_connections: dict[str, Connection] = {}
        self._batch_stack: ExitStack | None = None
        # tables the index database was seen to have: a migration adds tables, none drops one
        self._tables_present: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        if self._batch_thread == threading.get_ident():
            # inside store_event_batch, which holds the lock: its transaction on the file
            yield self._batch_connection(shard)
            return
        # The parent's lock serializes every use of the storage's connections, which is
        # why they may cross threads (check_same_thread off).
        with self._db_lock:
            engine = self._engine(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        """Whether the index database has ``table_name``; once seen, not asked again."""
        if table_name in self._tables_present:
            return True
        present = super().has_table(table_name)
        if present:
            self._tables_present.add(table_name)
        return present

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """Store ``events`` as the parent stores each, in one transaction per database file.

        Dagster hands over a batch (``DAGSTER_EVENT_BATCH_SIZE``) for the materializations
        of a run over many partitions. One commit per file instead of several per event;
        if anything fails, nothing of the batch is kept and Dagster stores the events one
        by one instead.
        """
        with self._db_lock, ExitStack() as stack:
            # closing the batch's connections uncommitted rolls them back
            self._batch_thread, self._batch_stack = threading.get_ident(), stack
            try:
                for event in events:
                    self.store_event(event)
                for conn in self._batch_connections.values():
                    conn.commit()
            finally:
                self._batch_thread, self._batch_stack = None, None
                self._batch_connections.clear()

    def _batch_connection(self, shard: str) -> Connection:
        conn = self._batch_connections.get(shard)
        if conn is None:
            assert self._batch_stack is not None  # only called inside store_event_batch
            conn = self._batch_stack.enter_context(self._engine(shard).connect())
            conn.begin()
            self._batch_connections[shard] = conn
        return conn

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = create_engine(
            self.conn_string_for_shard(shard),
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > MAX_OPEN_DATABASES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    def _dispose_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        # the parent deletes the run databases: close them first
        self._dispose_engines()
        self._tables_present.clear()
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()
