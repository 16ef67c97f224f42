"""The Great Expectations suites as Dagster asset checks, and the audit step of
write-audit-publish.

Each suite in :mod:`expectations.suites` becomes one asset check on the asset it validates
(its first required table: ``marts.fct_financial_facts`` → asset ``marts/fct_financial_facts``),
named ``gx_<suite>``. One Dagster step runs them all, because Great Expectations reads the
build database once for every suite. A suite with a blocking expectation is a *blocking*
check: when it fails, Dagster does not run the assets downstream of the one it checks, and
the publish asset depends on every checked asset.

The step also leaves a stamp, ``validated_build.json`` beside the report, naming the SHA-256
of the build database it passed. :func:`assert_validated` refuses to publish any other
content, so even a publish launched alone from the UI cannot ship an unvalidated build.
"""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation at
# definition time and rejects it as a string.
import contextlib
import hashlib
import importlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    multi_asset_check,
)

from expectations.suites import Suite, all_suites
from orchestration import up_to_date
from orchestration.locking import BuildDatabaseLockResource, connect_with_retry
from orchestration.partitions import covers_some_files
from orchestration.resources import WarehouseResource

if TYPE_CHECKING:
    from expectations.report import CheckResult, ValidationReport
    from expectations.run import Baseline

STAMP_NAME = "validated_build.json"
# Failing rows shown per check in the UI; the report lists up to its own limit.
MAX_FAILURES_IN_METADATA = 20


class UnvalidatedBuildError(RuntimeError):
    """The build database is not the one that last passed validation."""


def check_name(suite: Suite) -> str:
    """The asset check's name for a suite (Dagster allows letters, digits and ``_``)."""
    return "gx_" + suite.name.replace(".", "_")


def checked_asset(suite: Suite) -> AssetKey:
    """The asset a suite validates: its first required table, ``schema.table``."""
    schema, table = suite.required_tables[0].split(".")
    return AssetKey([schema, table])


def is_blocking(suite: Suite) -> bool:
    """A suite blocks publishing when any of its expectations does."""
    return any(check.blocking for check in suite.expectations)


SUITES = all_suites()
CHECK_SPECS = [
    AssetCheckSpec(
        check_name(suite),
        asset=checked_asset(suite),
        blocking=is_blocking(suite),
        description="Great Expectations suite `{}`: {}".format(
            suite.name, "; ".join(sorted({check.guards for check in suite.expectations}))
        ),
    )
    for suite in SUITES
]
CHECKED_ASSETS = sorted({checked_asset(s) for s in SUITES}, key=lambda k: k.to_user_string())


def preload_great_expectations() -> threading.Thread:
    """Start importing Great Expectations in a background thread, and return the thread.

    Its import takes about 5 s, and only the validation step needs it (the suites are data
    until then: ``expectations.suites.Check``). The dbt step calls this before it starts dbt,
    whose subprocess this process only waits for: the import happens meanwhile, and the
    validation step finds the module loaded (or waits for the import to end, as Python's
    import lock makes any second importer do). An import that fails here fails again, with
    its error, where the validation step imports it.
    """

    def load() -> None:
        with contextlib.suppress(Exception):
            importlib.import_module("great_expectations")

    thread = threading.Thread(target=load, name="preload-great-expectations", daemon=True)
    thread.start()
    return thread


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def settle(build_db: Path) -> str:
    """Fold the write-ahead log into ``build_db`` and return the file's SHA-256.

    After a checkpoint the file alone holds the database, so its hash names its content.
    """
    with connect_with_retry(build_db) as con:
        con.execute("checkpoint")
    return file_sha256(build_db)


def write_stamp(report_dir: Path, sha256: str, report: "ValidationReport", run_id: str) -> Path:
    """Record which build content passed (or failed) validation, for the publish step."""
    stamp = report_dir / STAMP_NAME
    stamp.write_text(
        json.dumps(
            {
                "build_sha256": sha256,
                "success": report.success,
                "failed_checks": [check.check_id for check in report.warnings],
                "run_id": run_id,
                "validated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return stamp


@dataclass(frozen=True)
class ValidatedBuild:
    """A build database that passed validation: its SHA-256, and the non-blocking checks it
    failed."""

    sha256: str
    failed_checks: tuple[str, ...]


def assert_validated(build_db: Path, report_dir: Path) -> ValidatedBuild:
    """The build if it is exactly the content that last passed validation.

    Raises :class:`UnvalidatedBuildError` otherwise, saying what to do.
    """
    stamp_path = report_dir / STAMP_NAME
    if not stamp_path.exists():
        raise UnvalidatedBuildError(
            f"{build_db}: no validation stamp ({stamp_path}); the build must pass the "
            "Great Expectations checks before it is published. Run the whole job "
            "(`make run`, or materialize all assets in the UI)."
        )
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    sha256 = settle(build_db)
    if stamp.get("build_sha256") != sha256:
        raise UnvalidatedBuildError(
            f"{build_db}: changed since it was validated (run {stamp.get('run_id')}, "
            f"{stamp.get('validated_at')}); not publishing an unvalidated build. Run the "
            "whole job again."
        )
    if not stamp.get("success"):
        raise UnvalidatedBuildError(
            f"{build_db}: failed validation in run {stamp.get('run_id')} "
            f"({stamp.get('validated_at')}); see {report_dir / 'report.html'}. The published "
            "warehouse stays as it was."
        )
    if not isinstance(stamp.get("failed_checks"), list):
        # written before stamps named them: the next validation could not tell which checks
        # to read whole again (validation_baseline)
        raise UnvalidatedBuildError(
            f"{build_db}: its validation stamp ({stamp_path}) does not list the checks the "
            "build failed (an older version wrote it); not publishing. Run the whole job again."
        )
    return ValidatedBuild(sha256, tuple(stamp["failed_checks"]))


def _suite_result(
    suite: Suite, checks: "list[CheckResult]", report_path: Path, compared_with: str | None
) -> AssetCheckResult:
    """One suite's outcome as an asset check result, with the failing rows in words, and
    which rows it read: all, or those that differ from the baseline (``compared_with``)."""
    failed = [c for c in checks if not c.success]
    blocking_failed = [c for c in failed if c.blocking]
    messages = [f"[{c.check_id}] {f.message}" for c in failed for f in c.failures] + [
        f"[{c.check_id}] could not be evaluated: {c.error}" for c in failed if c.error
    ]
    listed = [f"- {m}" for m in messages[:MAX_FAILURES_IN_METADATA]]
    if len(messages) > MAX_FAILURES_IN_METADATA:
        listed.append(f"- ... and {len(messages) - MAX_FAILURES_IN_METADATA} more")
    return AssetCheckResult(
        check_name=check_name(suite),
        asset_key=checked_asset(suite),
        passed=not failed,
        severity=AssetCheckSeverity.ERROR if blocking_failed else AssetCheckSeverity.WARN,
        metadata={
            "expectations": len(checks),
            "failed": MetadataValue.json([c.check_id for c in failed]),
            "failures": MetadataValue.md("\n".join(listed) or "none"),
            "rows_checked": max((c.evaluated_rows or 0 for c in checks), default=0),
            "rows": f"changed since {compared_with}"
            if any(c.changed_rows_only for c in checks)
            else "all",
            "report": MetadataValue.path(str(report_path)),
        },
    )


def validation_baseline(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> "Baseline | None":
    """The published warehouse, for a run over some of the folder's files (the sensor's):
    when this code published it (``up_to_date.last_publish``), it passed these suites, and
    the rows the run did not change need not be read again. None for a run over every file
    (``make run``, the daily schedule): those check every row."""
    from expectations.run import Baseline

    if not covers_some_files(context.run.tags, context.instance):
        return None
    published = warehouse.warehouse()
    record = up_to_date.last_publish(
        warehouse.validation_dir(), up_to_date.pipeline_fingerprint(), published
    )
    if record is None:
        return None
    return Baseline(published, record.described, frozenset(record.failed_checks))


@multi_asset_check(
    specs=CHECK_SPECS,
    name="great_expectations_suites",
    description="Runs every Great Expectations suite (expectations/) on the build database "
    "and writes the report to data/warehouse/validation/.",
)
def great_expectations_suites(
    context: AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    build_db_lock: BuildDatabaseLockResource,
) -> Iterator[AssetCheckResult]:
    """Validate the build database; one result per suite, on the asset it checks."""
    # Imported here: Great Expectations takes seconds to import, and only this step needs it.
    from expectations.report import summary_text, write_report
    from expectations.run import BaselineUnreadableError, validate_warehouse

    del build_db_lock  # held for the run; required so that the run takes it
    build_db = warehouse.build_db()
    sha256 = settle(build_db)
    baseline = validation_baseline(context, warehouse)
    try:
        report = validate_warehouse(build_db, baseline=baseline)
    except BaselineUnreadableError as error:
        context.log.warning(f"{error}: every row is checked")
        report = validate_warehouse(build_db)
    report_dir = warehouse.validation_dir()
    html_path, _ = write_report(report, report_dir)
    write_stamp(report_dir, sha256, report, context.run.run_id)
    # In words: which checks failed, for which document, period and items, by how much.
    (context.log.info if report.success else context.log.error)(
        summary_text(report) + f"\n  report: {html_path}"
    )
    by_suite: dict[str, list] = {}
    for result in report.checks:
        by_suite.setdefault(result.suite, []).append(result)
    for suite in SUITES:
        yield _suite_result(suite, by_suite.get(suite.name, []), html_path, report.compared_with)
