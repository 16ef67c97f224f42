"""The project's Dagster instance stores its events through the pooled SQLite event log."""

from __future__ import annotations

import inspect
import time
from pathlib import Path

import pytest
from dagster import AssetKey, AssetMaterialization, DagsterInstance
from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration import event_log, settings
from orchestration.event_log import PooledSqliteEventLogStorage
from orchestration.names import JOB_NAME


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DagsterInstance:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    settings.ensure_dagster_home()
    with DagsterInstance.get() as opened:
        yield opened


def test_project_instance_uses_the_pooled_event_log(instance: DagsterInstance) -> None:
    storage = instance.event_log_storage
    assert isinstance(storage, PooledSqliteEventLogStorage)
    # the files Dagster's own storage uses, so an instance can switch back and forth
    assert Path(storage._base_dir) == settings.dagster_home() / "history" / "runs"


def test_events_round_trip_and_reuse_one_engine(instance: DagsterInstance) -> None:
    key = AssetKey(["raw", "documents"])
    instance.add_dynamic_partitions("documents", ["a.txt", "b.txt"])
    for value in range(3):
        instance.report_runless_asset_event(
            AssetMaterialization(key, partition="a.txt", metadata={"value": value})
        )
    latest = instance.get_latest_materialization_event(key)
    assert latest is not None
    assert latest.asset_materialization.metadata["value"].value == 2
    assert instance.get_dynamic_partitions("documents") == ["a.txt", "b.txt"]
    storage = instance.event_log_storage
    engines = dict(storage._engines)
    instance.report_runless_asset_event(AssetMaterialization(key, partition="b.txt"))
    assert all(storage._engines[shard] is engine for shard, engine in engines.items())


def test_open_databases_are_bounded(
    instance: DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_log, "MAX_OPEN_DATABASES", 3)
    storage = instance.event_log_storage
    for run in range(6):
        storage.get_logs_for_run(f"run-{run}")
    assert len(storage._engines) == 3
    assert list(storage._engines)[-1] == "run-5"


def test_wipe_closes_and_deletes_the_run_databases(instance: DagsterInstance) -> None:
    storage = instance.event_log_storage
    storage.get_logs_for_run("old-run")
    assert Path(storage.path_for_shard("old-run")).exists()
    storage.wipe()
    assert "old-run" not in storage._engines
    assert not Path(storage.path_for_shard("old-run")).exists()


def materialization(key: AssetKey, partition: str, run_id: str) -> EventLogEntry:
    """The event a run writes when it materializes one partition of ``key``."""
    return EventLogEntry(
        error_info=None,
        level="debug",
        user_message="",
        run_id=run_id,
        timestamp=time.time(),
        dagster_event=DagsterEvent(
            DagsterEventType.ASSET_MATERIALIZATION.value,
            JOB_NAME,
            event_specific_data=StepMaterializationData(
                AssetMaterialization(key, partition=partition)
            ),
        ),
    )


def test_a_batch_is_stored_as_its_events_one_by_one(instance: DagsterInstance) -> None:
    storage = instance.event_log_storage
    key = AssetKey(["raw", "documents"])
    storage.store_event_batch([materialization(key, f"{n}.txt", "run-a") for n in range(5)])
    assert len(storage.get_logs_for_run("run-a")) == 5
    assert storage.get_materialized_partitions(key) == {f"{n}.txt" for n in range(5)}
    # and the storage works as before afterwards, from any thread
    storage.store_event(materialization(key, "late.txt", "run-a"))
    assert len(storage.get_logs_for_run("run-a")) == 6


def test_a_failed_batch_keeps_nothing(
    instance: DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = instance.event_log_storage
    key = AssetKey(["raw", "documents"])
    original = PooledSqliteEventLogStorage._store_asset_event
    calls = []

    def fail_on_third(self: PooledSqliteEventLogStorage, *args: object) -> None:
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        original(self, *args)

    monkeypatch.setattr(PooledSqliteEventLogStorage, "_store_asset_event", fail_on_third)
    with pytest.raises(RuntimeError, match="disk full"):
        storage.store_event_batch([materialization(key, f"{n}.txt", "run-b") for n in range(5)])
    assert storage.get_logs_for_run("run-b") == []
    assert storage.get_materialized_partitions(key) == set()


def test_a_present_table_is_looked_up_once(
    instance: DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = instance.event_log_storage
    asked: list[str] = []
    parent = SqliteEventLogStorage.has_table

    def counting(self: SqliteEventLogStorage, table_name: str) -> bool:
        asked.append(table_name)
        return parent(self, table_name)

    monkeypatch.setattr(SqliteEventLogStorage, "has_table", counting)
    assert storage.has_table("asset_event_tags")
    assert storage.has_table("asset_event_tags")
    # an absent table is asked again: a migration may create it
    assert not storage.has_table("no_such_table")
    assert not storage.has_table("no_such_table")
    assert asked == ["asset_event_tags", "no_such_table", "no_such_table"]


def test_the_overridden_members_are_still_dagsters() -> None:
    # PooledSqliteEventLogStorage replaces or uses these private members of Dagster's SQLite
    # event log (pinned in requirements/lock.txt). An upgrade that renames or stops calling
    # them would leave the storage silently slow again, or broken: docs/operations.md says
    # what each buys and how to drop the class.
    source = inspect.getsource(SqliteEventLogStorage)
    for member in ("def _connect(", "self._connect(", "_db_lock", "_initialized_dbs"):
        assert member in source, member
    assert "def _initdb(" in source
    assert "def conn_string_for_shard(" in source
    assert "self.has_table(" in source
    assert "SQLITE_BUSY_TIMEOUT_SECONDS" in source
    # the batch entry point the run's partition materializations go through
    assert hasattr(SqliteEventLogStorage, "store_event_batch")
