"""The sensor, the schedule, the document partitions and the build-database lock, without
running the pipeline (the Dagster definitions are not loaded: no dbt manifest needed)."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from dagster import (
    DagsterInstance,
    RunRequest,
    SensorResult,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
    instance_for_test,
)

from orchestration.locking import (
    BuildDatabaseBusyError,
    build_database_lock,
    connect_with_retry,
    is_lock_error,
)
from orchestration.names import (
    PARTITIONS_NAME,
    RANGE_END_TAG,
    RANGE_START_TAG,
    WAREHOUSE_RESOURCE,
)
from orchestration.partitions import disclosure_files, sync_partitions
from orchestration.resources import WarehouseResource
from orchestration.sensors import (
    RECONCILIATION_CRON,
    RECONCILIATION_TIMEZONE,
    daily_reconciliation,
    new_disclosures_sensor,
)

PARTITIONS = PARTITIONS_NAME
# The sensor and the schedule read the folder from the environment the fixtures set.
RESOURCES = {WAREHOUSE_RESOURCE: WarehouseResource()}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty disclosures folder, with the warehouse paths pointed into tmp_path."""
    disclosures = tmp_path / "disclosures"
    disclosures.mkdir()
    monkeypatch.setenv("DISCLOSURES_DIR", str(disclosures))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse" / "disclosures.duckdb"))
    monkeypatch.setenv("BUILD_DB_PATH", str(tmp_path / "build" / "build.duckdb"))
    return disclosures


@pytest.fixture
def instance() -> Iterator[DagsterInstance]:
    # A real (temporary) instance: a schedule's context needs an instance reference.
    with instance_for_test() as temporary:
        yield temporary


class _Collect(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__()
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _tick(
    instance: DagsterInstance, cursor: str | None, log: list[str] | None = None
) -> SensorResult:
    """Evaluate the sensor once, applying its partition requests as the daemon would; what
    it logs (the tick's log in the UI) goes to ``log``."""
    context = build_sensor_context(instance=instance, cursor=cursor, resources=RESOURCES)
    if log is not None:
        context.log.addHandler(_Collect(log))
    result = new_disclosures_sensor(context)
    assert isinstance(result, SensorResult)
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    return result


def _launched(result: SensorResult) -> dict[str, str]:
    """partition key -> run key of the runs a tick requests."""
    return {r.partition_key: r.run_key for r in result.run_requests or []}


def test_a_new_file_adds_its_partition_and_launches_one_run(
    folder: Path, instance: DagsterInstance
) -> None:
    (folder / "a_release.txt").write_text("Revenue 100\n", encoding="utf-8")
    first = _tick(instance, None)
    assert list(_launched(first)) == ["a_release.txt"]
    assert instance.get_dynamic_partitions(PARTITIONS) == ["a_release.txt"]

    # Same content on the next tick, even with a new modification time: nothing launches.
    os.utime(folder / "a_release.txt", ns=(1, 1))
    second = _tick(instance, first.cursor)
    assert _launched(second) == {}
    assert second.skip_reason is not None


def test_a_changed_file_launches_again_under_a_new_run_key(
    folder: Path, instance: DagsterInstance
) -> None:
    release = folder / "a_release.txt"
    release.write_text("Revenue 100\n", encoding="utf-8")
    first = _tick(instance, None)
    release.write_text("Revenue 101\n", encoding="utf-8")
    second = _tick(instance, first.cursor)
    assert list(_launched(second)) == ["a_release.txt"]
    assert _launched(second)["a_release.txt"] != _launched(first)["a_release.txt"]
    # the partition already existed: no second add request
    assert not second.dynamic_partitions_requests
    # Back to the first content, written later: a new run, or the warehouse would keep the
    # second content while the folder holds the first.
    release.write_text("Revenue 100\n", encoding="utf-8")
    os.utime(release, ns=(10**18, 10**18))
    third = _tick(instance, second.cursor)
    assert list(_launched(third)) == ["a_release.txt"]
    assert _launched(third)["a_release.txt"] not in {
        _launched(first)["a_release.txt"],
        _launched(second)["a_release.txt"],
    }
    # A tick that lost the cursor asks again for the file as it is, under the same key,
    # which Dagster does not launch twice.
    assert _launched(_tick(instance, None)) == _launched(third)


def _publish(warehouse: Path, documents: dict[str, str]) -> None:
    """Write a stand-in published warehouse: the dim_documents columns the sensor reads,
    each file name's latest version with its status."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    warehouse.unlink(missing_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.dim_documents (file_name varchar, sha256 varchar, "
            "is_latest_version boolean, status varchar)"
        )
        for name, status in documents.items():
            sha256 = hashlib.sha256(f"content of {name}".encode()).hexdigest()
            con.execute(
                "insert into marts.dim_documents values (?, ?, true, ?)", [name, sha256, status]
            )


def test_a_published_file_that_leaves_the_folder_launches_its_withdrawal(
    folder: Path, instance: DagsterInstance
) -> None:
    warehouse = Path(os.environ["WAREHOUSE_PATH"])
    for name in ("kept.txt", "gone.txt"):
        (folder / name).write_text(f"content of {name}", encoding="utf-8")
    _publish(warehouse, {"kept.txt": "published", "gone.txt": "quarantined"})
    first = _tick(instance, None)
    assert _launched(first) == {}  # both published as they are

    (folder / "gone.txt").unlink()
    log: list[str] = []
    second = _tick(instance, first.cursor, log)
    assert list(_launched(second)) == ["gone.txt"]
    assert any("one run withdrawing gone.txt (left the folder)" in line for line in log), log
    # the file never had a partition (a full run published it): its run adds one
    assert [list(r.partition_keys) for r in second.dynamic_partitions_requests] == [["gone.txt"]]
    # Until a run publishes the withdrawal, each tick asks again under the same key.
    assert _launched(_tick(instance, second.cursor)) == _launched(second)
    # Published withdrawn: nothing more to do.
    _publish(warehouse, {"kept.txt": "published", "gone.txt": "withdrawn"})
    assert _launched(_tick(instance, second.cursor)) == {}

    # Back, published again, and gone again: a new withdrawal, under a new key.
    _publish(warehouse, {"kept.txt": "published", "gone.txt": "published"})
    os.utime(warehouse, ns=(10**18, 10**18))
    again = _tick(instance, second.cursor)
    assert list(_launched(again)) == ["gone.txt"]
    assert _launched(again)["gone.txt"] != _launched(second)["gone.txt"]


def test_files_that_leave_the_folder_together_launch_one_withdrawal_run(
    folder: Path, instance: DagsterInstance
) -> None:
    warehouse = Path(os.environ["WAREHOUSE_PATH"])
    names = ("kept.txt", "gone_a.txt", "gone_b.txt", "gone_c.txt")
    for name in names:
        (folder / name).write_text(f"content of {name}", encoding="utf-8")
    _publish(warehouse, dict.fromkeys(names, "published"))
    first = _tick(instance, None)
    (folder / "new.txt").write_text("Revenue 100\n", encoding="utf-8")
    for name in names[1:]:
        (folder / name).unlink()
    log: list[str] = []
    second = _tick(instance, first.cursor, log)
    # one run for the new file, one for the three that left (every run records every
    # withdrawal), on the first one's partition
    launched = _launched(second)
    assert sorted(launched) == ["gone_a.txt", "new.txt"]
    assert launched["gone_a.txt"].startswith("withdrawn@")
    assert any(
        "one run withdrawing gone_a.txt, gone_b.txt, gone_c.txt (left the folder)" in line
        for line in log
    ), log


def test_an_unreadable_file_is_reported_once_not_retried_every_tick(
    folder: Path, instance: DagsterInstance
) -> None:
    (folder / "broken_link.txt").symlink_to(folder / "gone.txt")
    (folder / "good.txt").write_text("Revenue 100\n", encoding="utf-8")
    log: list[str] = []
    first = _tick(instance, None, log)
    assert list(_launched(first)) == ["good.txt"]
    assert any("broken_link.txt: cannot be read" in line for line in log), log
    log.clear()
    second = _tick(instance, first.cursor, log)
    assert _launched(second) == {}
    assert not any("broken_link.txt" in line for line in log), log
    # Fixed: it is read and launched.
    (folder / "broken_link.txt").unlink()
    (folder / "broken_link.txt").write_text("Revenue 7\n", encoding="utf-8")
    third = _tick(instance, second.cursor)
    assert list(_launched(third)) == ["broken_link.txt"]


def test_hidden_files_and_folders_are_not_disclosures(folder: Path) -> None:
    (folder / ".gitkeep").write_text("", encoding="utf-8")
    (folder / "notes").mkdir()
    (folder / "release.pdf.txt").write_text("x", encoding="utf-8")
    (folder / "misnamed.doc").write_text("x", encoding="utf-8")
    assert [p.name for p in disclosure_files(folder)] == ["misnamed.doc", "release.pdf.txt"]


def test_a_missing_folder_is_a_skip_with_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, instance: DagsterInstance
) -> None:
    monkeypatch.setenv("DISCLOSURES_DIR", str(tmp_path / "nowhere"))
    result = new_disclosures_sensor(build_sensor_context(instance=instance, resources=RESOURCES))
    assert isinstance(result, SkipReason)
    assert str(tmp_path / "nowhere") in (result.skip_message or "")


def test_partitions_follow_the_folder(folder: Path, instance: DagsterInstance) -> None:
    for name in ("b.txt", "a.txt"):
        (folder / name).write_text(name, encoding="utf-8")
    sync = sync_partitions(instance, disclosure_files(folder))
    assert sync.added == ["a.txt", "b.txt"]
    assert sync.range_tags() == {RANGE_START_TAG: "a.txt", RANGE_END_TAG: "b.txt"}
    (folder / "a.txt").unlink()
    (folder / "c.txt").write_text("c", encoding="utf-8")
    sync = sync_partitions(instance, disclosure_files(folder))
    assert (sync.added, sync.removed) == (["c.txt"], ["a.txt"])
    assert sync.keys == ["b.txt", "c.txt"]


def test_the_daily_reconciliation_covers_every_file_in_tokyo_evening(
    folder: Path, instance: DagsterInstance
) -> None:
    assert RECONCILIATION_TIMEZONE == "Asia/Tokyo"
    assert daily_reconciliation.cron_schedule == RECONCILIATION_CRON
    assert daily_reconciliation.execution_timezone == "Asia/Tokyo"
    for name in ("x.txt", "y.txt", "z.txt"):
        (folder / name).write_text(name, encoding="utf-8")
    request = daily_reconciliation(build_schedule_context(instance=instance, resources=RESOURCES))
    assert isinstance(request, RunRequest)
    assert request.tags[RANGE_START_TAG] == "x.txt"
    assert request.tags[RANGE_END_TAG] == "z.txt"
    assert instance.get_dynamic_partitions(PARTITIONS) == ["x.txt", "y.txt", "z.txt"]


def test_the_second_writer_waits_for_the_first(tmp_path: Path) -> None:
    build_db = tmp_path / "build.duckdb"
    order: list[str] = []
    waits: list[str] = []
    first_has_it = threading.Event()

    def first() -> None:
        with build_database_lock(build_db, owner="run one"):
            first_has_it.set()
            time.sleep(0.5)
            order.append("one done")

    thread = threading.Thread(target=first)
    thread.start()
    first_has_it.wait(5)
    with build_database_lock(build_db, owner="run two", poll_seconds=0.05, on_wait=waits.append):
        order.append("two started")
    thread.join()
    assert order == ["one done", "two started"]
    assert len(waits) == 1 and "run one" in waits[0]


def test_a_writer_that_waits_too_long_says_who_holds_the_database(tmp_path: Path) -> None:
    build_db = tmp_path / "build.duckdb"
    with (
        build_database_lock(build_db, owner="the nightly run"),
        pytest.raises(BuildDatabaseBusyError, match="the nightly run"),
        build_database_lock(build_db, owner="me", timeout_seconds=0.2, poll_seconds=0.05),
    ):
        pass


def test_duckdb_lock_errors_are_retried_until_the_other_writer_lets_go(tmp_path: Path) -> None:
    database = tmp_path / "busy.duckdb"
    duckdb.connect(str(database)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " time.sleep(1.5); c.close()",
            str(database),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        # Without retries the file is refused while the other process holds it ...
        with pytest.raises(duckdb.IOException) as refused:
            duckdb.connect(str(database))
        assert is_lock_error(refused.value)
        # ... with them, the connection is made once it lets go.
        with connect_with_retry(database, attempts=6, first_wait_seconds=0.25) as con:
            assert con.execute("select 42").fetchall() == [(42,)]
    finally:
        holder.wait(timeout=30)
