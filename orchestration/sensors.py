"""New releases are picked up without anyone typing a command.

- :func:`new_disclosures_sensor` watches ``DISCLOSURES_DIR``: a new or changed file adds its
  partition and launches the job for it, and the published files that left the folder
  launch one run that withdraws them. Its cursor remembers each file's size, time and SHA-256, so a
  file is read again only when it changes, and a content the warehouse already publishes
  launches nothing. A run key names the file and its content and signature, or the
  withdrawal and the published warehouse it withdraws from (:func:`run_requests`): a
  change is launched once, however many ticks see it, and a change back (a file edited
  back to an earlier content, or removed again after it returned) is a new one. A file
  that cannot be read is reported once in the tick's log and tried again only when it
  changes.
- :func:`daily_reconciliation` runs the job over every file once a day, after the Tokyo
  Stock Exchange's disclosures of the day, so the warehouse matches the folder even if a
  sensor tick was missed.

Both are on (``RUNNING``) by default: they act whenever the Dagster daemon runs, i.e. while
``make ui`` is up. Stop either in the UI (Automation).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from dagster import (
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    schedule,
    sensor,
)

from orchestration import sql
from orchestration.names import (
    CONTENT_TAG,
    JOB_NAME,
    PARTITIONS_NAME,
    SCHEDULE_NAME,
    SENSOR_NAME,
)
from orchestration.partitions import (
    DOCUMENT_PARTITIONS,
    disclosure_files,
    file_signature,
    sync_partitions,
)
from orchestration.resources import WarehouseResource

# After the exchange's disclosures of the day: most releases come out at 15:00 JST or later.
RECONCILIATION_CRON = "0 20 * * *"
RECONCILIATION_TIMEZONE = "Asia/Tokyo"


@dataclass
class FolderCursor:
    """What the sensor knows of the folder: per file, its stat signature and content hash."""

    files: dict[str, dict[str, str]] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)  # name -> signature reported

    @classmethod
    def load(cls, text: str | None) -> FolderCursor:
        """Parse a cursor written by :meth:`dump`; an empty or foreign one starts afresh."""
        try:
            data = json.loads(text or "{}")
        except ValueError:
            return cls()
        return cls(files=data.get("files", {}), unreadable=data.get("unreadable", {}))

    def dump(self) -> str:
        """The cursor as JSON, for Dagster to keep between ticks."""
        return json.dumps({"files": self.files, "unreadable": self.unreadable}, sort_keys=True)


def _published_contents(warehouse: Path) -> dict[str, str]:
    """File name -> SHA-256 of the latest documents in the published warehouse, withdrawn
    files left out: one that comes back with the same content is loaded again, which is
    what takes it off the withdrawn list.

    Read-only, and the published file is only ever replaced whole, so this never meets a
    writer's lock. A missing or older warehouse yields nothing: every file counts as new.
    """
    if not warehouse.exists():
        return {}
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute(sql.load("published_contents")).fetchall()
    except duckdb.Error:
        return {}
    return dict(rows)


def _published_signature(warehouse: Path) -> str:
    """The published warehouse's size and time (``file_signature``), ``none`` if there is
    none: a publish replaces the file, so this changes with each publish."""
    try:
        return file_signature(warehouse)
    except OSError:
        return "none"


@dataclass
class FolderScan:
    """One look at the folder: what to launch, what to report, and the next cursor."""

    changed: dict[str, str] = field(default_factory=dict)  # name -> sha256, new or changed
    # name -> sha256 of a published file no longer in the folder: a run withdraws it
    left: dict[str, str] = field(default_factory=dict)
    newly_unreadable: dict[str, str] = field(default_factory=dict)  # name -> error
    cursor: FolderCursor = field(default_factory=FolderCursor)


def scan_folder(directory: Path, cursor: FolderCursor, published: dict[str, str]) -> FolderScan:
    """Compare the folder with the cursor; read only files whose signature changed.

    Pure apart from reading the files, so the sensor's logic is tested without Dagster.
    """
    files = disclosure_files(directory)
    scan = FolderScan(cursor=FolderCursor(unreadable=dict(cursor.unreadable)))
    for path in files:
        name = path.name
        known = cursor.files.get(name)
        try:
            signature = file_signature(path)
            if known is not None and known["signature"] == signature:
                scan.cursor.files[name] = known
                continue
            sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as error:
            # Report once per state of the file, instead of failing every tick.
            try:
                state = file_signature(path)
            except OSError:
                state = "unstat-able"
            if scan.cursor.unreadable.get(name) != state:
                scan.newly_unreadable[name] = error.strerror or str(error)
            scan.cursor.unreadable[name] = state
            continue
        scan.cursor.unreadable.pop(name, None)
        scan.cursor.files[name] = {"signature": signature, "sha256": sha256}
        already = (known is not None and known["sha256"] == sha256) or published.get(name) == sha256
        if not already:
            scan.changed[name] = sha256
    # Files that left the folder are forgotten, so that their return counts as new; those
    # the warehouse still publishes are to be withdrawn.
    present = {p.name for p in files}
    scan.cursor.unreadable = {k: v for k, v in scan.cursor.unreadable.items() if k in present}
    scan.left = {name: sha256 for name, sha256 in published.items() if name not in present}
    return scan


def run_requests(scan: FolderScan, published_signature: str) -> list[RunRequest]:
    """One run per new or changed file, for the file's partition, and one run for all the
    published files that left the folder.

    A changed file's key is its name, content and signature (size and time): the cursor
    keeps a tick from asking twice for a file it has seen, and the key keeps a tick that
    lost the cursor from launching again a run already launched; a file written back to
    an earlier content has another time, so it is launched again (the warehouse holds the
    later content until then). Every run records the withdrawal of every file that has
    left the folder, whichever partition it runs for (``extract_disclosures``), so one run,
    on the partition of the first of them, withdraws them all. It is keyed by
    ``published_signature`` (:func:`_published_signature`): the cursor forgets the files
    that left, so each tick asks again until a run publishes the withdrawal, all under one
    key; a file that leaves once that run has read the folder is withdrawn by the next, which
    the publish's new signature keys; one that has come back and been published, leaving
    again, is a new key.
    """
    changed = [
        RunRequest(
            run_key=f"{name}@{sha256}@{scan.cursor.files[name]['signature']}",
            partition_key=name,
            tags={CONTENT_TAG: sha256},
        )
        for name, sha256 in sorted(scan.changed.items())
    ]
    if not scan.left:
        return changed
    first_left = min(scan.left)
    return [
        *changed,
        RunRequest(run_key=f"withdrawn@{published_signature}", partition_key=first_left),
    ]


@sensor(
    name=SENSOR_NAME,
    job_name=JOB_NAME,
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description="Launches the job for each new or changed file in DISCLOSURES_DIR, and once "
    "for the published files that left it.",
)
def new_disclosures_sensor(
    context: SensorEvaluationContext, warehouse: WarehouseResource
) -> SensorResult | SkipReason:
    """Add a partition for each new file; request one run per new or changed content and
    one for the published files that left the folder (:func:`run_requests`)."""
    directory = warehouse.disclosures()
    if not directory.is_dir():
        return SkipReason(
            f"{directory}: disclosures folder not found; create it or point DISCLOSURES_DIR at "
            "the folder that holds the releases."
        )
    cursor = FolderCursor.load(context.cursor)
    scan = scan_folder(directory, cursor, _published_contents(warehouse.warehouse()))
    for name, error in sorted(scan.newly_unreadable.items()):
        context.log.warning(
            f"{directory / name}: cannot be read ({error}); not launching a run for it. Fix "
            "the file (permissions, a broken link); it is tried again when it changes."
        )
    existing = set(context.instance.get_dynamic_partitions(PARTITIONS_NAME))
    # a file that left may have lost its partition: a full run drops those of the files gone
    # from the folder first, and if it then publishes nothing, the file is still published.
    # Its run needs one, which the next full run drops again.
    new_keys = sorted(name for name in {*scan.changed, *scan.left} if name not in existing)
    requests = run_requests(scan, _published_signature(warehouse.warehouse()))
    if not requests:
        return SensorResult(
            skip_reason=SkipReason(f"no new, changed or removed files in {directory}"),
            cursor=scan.cursor.dump(),
        )
    launching = [f"{n} ({s[:12]})" for n, s in sorted(scan.changed.items())]
    if scan.left:
        launching.append(f"one run withdrawing {', '.join(sorted(scan.left))} (left the folder)")
    context.log.info("launching runs for " + ", ".join(launching))
    return SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[DOCUMENT_PARTITIONS.build_add_request(new_keys)]
        if new_keys
        else [],
        cursor=scan.cursor.dump(),
    )


@schedule(
    name=SCHEDULE_NAME,
    job_name=JOB_NAME,
    cron_schedule=RECONCILIATION_CRON,
    execution_timezone=RECONCILIATION_TIMEZONE,
    default_status=DefaultScheduleStatus.RUNNING,
    description="Every day at 20:00 Tokyo time: extract, build, validate and publish every "
    "file in DISCLOSURES_DIR in one run.",
)
def daily_reconciliation(context: ScheduleEvaluationContext, warehouse: WarehouseResource) -> Any:
    """One run over every file: partitions are synced to the folder first."""
    directory = warehouse.disclosures()
    if not directory.is_dir():
        return SkipReason(f"{directory}: disclosures folder not found")
    sync = sync_partitions(context.instance, disclosure_files(directory))
    if not sync.keys:
        return SkipReason(f"{directory} holds no files")
    return RunRequest(tags=sync.range_tags())
