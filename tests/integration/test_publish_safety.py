"""Write-audit-publish: a build that fails validation, or a run killed midway, never reaches
the published warehouse, and the next good run publishes."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from dagster import (
    AssetSelection,
    DagsterInstance,
    Definitions,
    ExecuteInProcessResult,
    define_asset_job,
    in_process_executor,
    materialize,
)

from orchestration import settings
from orchestration.cli import run_pipeline

pytestmark = pytest.mark.integration


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def published(shared_workspace_copy: Path) -> Path:
    """The published warehouse of a copy of the session's shared run (the bundled release
    and the fixtures), which the tests break and run again."""
    return settings.warehouse_path()


def test_every_blocking_check_passes_on_the_bundled_release_and_fixtures(published: Path) -> None:
    from expectations.run import validate_warehouse

    result = validate_warehouse(published)
    assert [c.check_id for c in result.blocking_failures] == []
    # The one genuine disagreement, the bundled release's: ATM revenue 1,408,460 thousand
    # against 1,409 million.
    (warning,) = result.warnings
    assert warning.check_id == "facts.printings_agree"
    assert "atm_operation_business" in warning.failures[0].message


def _audit_then_publish() -> ExecuteInProcessResult:
    """Run the Great Expectations checks and the publish step on the current build database,
    as the job does after dbt (dbt is not run again, so a change made to the build stays)."""
    # Imported here: loading the definitions needs the dbt manifest, which the pipeline run
    # of the fixture has written (a fresh clone has none at collection time).
    from orchestration.definitions import PUBLISHED_KEY, defs
    from orchestration.validation import great_expectations_suites

    job = define_asset_job(
        "audit_then_publish",
        selection=AssetSelection.checks(great_expectations_suites)
        | AssetSelection.assets(PUBLISHED_KEY),
        executor_def=in_process_executor,
    )
    local = Definitions(
        assets=list(defs.assets or []),
        asset_checks=list(defs.asset_checks or []),
        jobs=[job],
        resources=defs.resources,
    )
    return local.resolve_job_def("audit_then_publish").execute_in_process(
        instance=DagsterInstance.ephemeral(), raise_on_error=False
    )


# (change made to the built mart, the check that must catch it and its asset check,
# how to undo the change)
SCHEMA_BREAKS = {
    "renamed column": (
        "alter table marts.fct_financial_facts rename column value to amount",
        "fct_financial_facts.schema",
        "gx_fct_financial_facts_column_types",
        "alter table marts.fct_financial_facts rename column amount to value",
    ),
    "retyped column": (
        "alter table marts.fct_financial_facts alter column value type varchar",
        "fct_financial_facts.column_types",
        "gx_fct_financial_facts_column_types",
        "alter table marts.fct_financial_facts alter column value type decimal(38, 6)",
    ),
}


@pytest.mark.parametrize("change", sorted(SCHEMA_BREAKS))
def test_a_schema_break_blocks_the_whole_publish(published: Path, change: str) -> None:
    # Imported here: loading the definitions needs the dbt manifest, which the pipeline run
    # of the fixture has written (a fresh clone has none at collection time).
    breaking, check_id, check_name, undo = SCHEMA_BREAKS[change]
    before = _digest(published)
    # The mart changed after dbt built it: a break that belongs to no single document.
    with duckdb.connect(str(settings.build_db_path())) as con:
        con.execute(breaking)
    try:
        result = _audit_then_publish()
        assert not result.success
        checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
        failed = checks[check_name]
        assert failed.passed is False
        assert failed.asset_key.path == ["marts", "fct_financial_facts"]
        assert not result.asset_materializations_for_node("warehouse__disclosures")
        assert _digest(published) == before
        report = (settings.validation_dir() / "report.html").read_text(encoding="utf-8")
        assert check_id in report
    finally:
        with duckdb.connect(str(settings.build_db_path())) as con:
            con.execute(undo)


def test_publish_refuses_a_build_that_changed_after_validation(published: Path) -> None:
    from orchestration.definitions import published_warehouse, resources
    from orchestration.validation import UnvalidatedBuildError

    before = _digest(published)
    with duckdb.connect(str(settings.build_db_path())) as con:
        con.execute("create table marts.unvalidated as select 1 as one")
    try:
        result = materialize(
            [published_warehouse],
            instance=DagsterInstance.ephemeral(),
            resources=resources(),
            raise_on_error=False,
        )
        assert not result.success
        (failure,) = [e for e in result.all_events if e.is_step_failure]
        error = failure.step_failure_data.error
        assert UnvalidatedBuildError.__name__ in error.cls_name + str(
            error.cause and error.cause.cls_name
        )
        assert _digest(published) == before
    finally:
        with duckdb.connect(str(settings.build_db_path())) as con:
            con.execute("drop table marts.unvalidated")


def test_a_killed_run_leaves_the_warehouse_intact_and_the_next_run_succeeds(
    published: Path,
) -> None:
    before = _digest(published)
    build = settings.build_db_path()
    started = build.stat().st_mtime
    # A file edited, so that the run has work to do: read it, build, validate, publish.
    edited = sorted(settings.disclosures_dir().iterdir())[0]
    edited.write_bytes(edited.read_bytes() + b"\nA line added after publication.\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "run"],
        cwd=settings.PROJECT_ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # kill it once it has started writing the build database
        deadline = time.monotonic() + 120
        while build.stat().st_mtime == started and time.monotonic() < deadline:
            time.sleep(0.2)
        assert process.poll() is None, "the run ended before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert _digest(published) == before
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_financial_facts").fetchall()[0][0] > 0

    again = run_pipeline()
    assert again.success, again.render()
    assert again.current_publish_run is None  # the killed run's work is built and published
    assert _digest(published) != before
