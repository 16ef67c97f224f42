"""Whether the published warehouse is already what a run would publish, so the run can stop.

A run's output is decided by three things: the raw layer the models read
(:func:`orchestration.raw_store.raw_state`), the code that turns it into the published file
(:func:`pipeline_fingerprint`: the dbt project, the Great Expectations suites, the
orchestration, the storage version the file is written in), and the published file itself.
Each publish records the first two and the file it wrote (:func:`record_publish`, beside the
validation stamp). When a run finds, after its extraction step, the same raw layer, the same
code and the same file, building, validating and publishing again would give the same warehouse:
:func:`current_publish` says so and the run ends there (``extract_disclosures``). Anything else
(a changed or withdrawn file, an edited model or suite, a published file replaced, rewritten
or removed, a build that failed validation since) builds as before. A published file copied
with its times (``cp -a``) keeps its signature; a workspace moved whole still builds once,
because the raw layer records its folder's path (``raw_store.claim_folder``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from extraction.fingerprint import source_fingerprint
from orchestration import settings
from orchestration.partitions import file_signature
from orchestration.project import dbt_sources_fingerprint

# Beside the validation stamp (validation.STAMP_NAME), in the warehouse's validation folder.
PUBLISH_RECORD_NAME = "published_build.json"

_PACKAGES = ("expectations", "orchestration")


def pipeline_fingerprint(project_dir: Path = settings.PROJECT_ROOT) -> str:
    """A hash of what turns the raw layer into the published file: the dbt files, the
    Great Expectations suites and the orchestration's code (every file of both packages), and
    the storage version the warehouse is written in. The extractor is not in it: its version
    is in every raw document row, so the raw layer's state covers it."""
    parts = [
        dbt_sources_fingerprint(project_dir),
        *(source_fingerprint(project_dir / package, length=64) for package in _PACKAGES),
        settings.warehouse_storage_version(),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class PublishRecord:
    """What the last publish was made from, and the file it wrote."""

    raw_state: str
    pipeline: str
    warehouse: str  # the file's size and time when written (partitions.file_signature)
    run_id: str
    published_at: str  # ISO 8601, UTC
    # the checks that failed, without blocking, on the build published
    failed_checks: tuple[str, ...] = ()

    @classmethod
    def read(cls, path: Path) -> PublishRecord | None:
        """The record at ``path``; none if absent or not a record this code wrote."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            failed = data["failed_checks"]
            if not isinstance(failed, list):
                return None
            texts = {name: str(data[name]) for name in cls.__dataclass_fields__}
            return cls(**{**texts, "failed_checks": tuple(map(str, failed))})
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @property
    def described(self) -> str:
        """Which warehouse this is, in words."""
        return f"the warehouse published by run {self.run_id} at {self.published_at}"


def record_publish(
    report_dir: Path,
    raw_state: str,
    pipeline: str,
    warehouse: Path,
    run_id: str,
    failed_checks: tuple[str, ...],
) -> Path:
    """Record that ``warehouse`` was just published from ``raw_state`` by ``pipeline``, with
    the (non-blocking) checks that its build failed."""
    record = PublishRecord(
        raw_state=raw_state,
        pipeline=pipeline,
        warehouse=file_signature(warehouse),
        run_id=run_id,
        published_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        failed_checks=tuple(failed_checks),
    )
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / PUBLISH_RECORD_NAME
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(record.__dict__, indent=2), encoding="utf-8")
    partial.replace(path)
    return path


def last_publish(report_dir: Path, pipeline: str, warehouse: Path) -> PublishRecord | None:
    """The last publish's record if ``warehouse`` is still the file it wrote, by this
    ``pipeline`` (the same dbt project, suites and code); else none."""
    record = PublishRecord.read(report_dir / PUBLISH_RECORD_NAME)
    if record is None or record.pipeline != pipeline:
        return None
    try:
        signature = file_signature(warehouse)
    except OSError:
        return None
    return record if signature == record.warehouse else None


def current_publish(
    report_dir: Path, raw_state: str, pipeline: str, warehouse: Path
) -> PublishRecord | None:
    """The last publish's record if ``warehouse`` is still the file it wrote, from this
    ``raw_state`` by this ``pipeline``; else none, and the run builds."""
    record = last_publish(report_dir, pipeline, warehouse)
    return record if record is not None and record.raw_state == raw_state else None
