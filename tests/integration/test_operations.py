"""Operations in Dagster: two runs launched together both end cleanly; a file the sensor
finds becomes a one-partition run that publishes it; the definitions wire the checks and
the lineage as the UI shows them.

Works on the small highlights-only fixture, so that the runs here stay short.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import (
    AssetKey,
    DagsterInstance,
    DagsterRunStatus,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    ExecuteInProcessResult,
    RunsFilter,
    SensorResult,
    build_sensor_context,
)

from orchestration import settings
from orchestration.names import (
    EXTRACT_OP_NAME,
    JOB_NAME,
    SCHEDULE_NAME,
    SENSOR_NAME,
    WAREHOUSE_RESOURCE,
)

pytestmark = pytest.mark.integration

FIXTURES = settings.PROJECT_ROOT / "tests" / "fixtures" / "disclosures"
SMALL = FIXTURES / "iij_q1_highlights_only.txt"  # the small_release_workspace fixture's
ADDED = FIXTURES / "acme_fy2022_full_year.txt"


@pytest.fixture(scope="module")
def workspace(small_release_workspace: Path) -> Path:
    """The module's workspace with one small release in its disclosures folder."""
    return small_release_workspace


@pytest.fixture(scope="module")
def two_runs_together(workspace: Path) -> list[subprocess.CompletedProcess[str]]:
    """`make run` twice at the same moment, on the same warehouse."""
    settings.export_environment()
    command = [sys.executable, "-m", "orchestration.cli", "run"]
    processes = [
        subprocess.Popen(
            command,
            cwd=settings.PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for process in processes:
        output, _ = process.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(command, process.returncode, output, ""))
    return results


def test_two_runs_launched_together_both_end_cleanly(
    two_runs_together: list[subprocess.CompletedProcess[str]],
) -> None:
    for result in two_runs_together:
        assert result.returncode == 0, result.stdout[-3000:]
        assert "Pipeline succeeded" in result.stdout
    # One of them found the build database taken and waited for it, instead of failing.
    assert sum("waiting for Dagster run" in r.stdout for r in two_runs_together) == 1
    with DagsterInstance.get() as instance:
        runs = instance.get_runs(RunsFilter(job_name=JOB_NAME))
    assert [r.status for r in runs] == [DagsterRunStatus.SUCCESS] * 2


def sensor_tick_and_run(instance: DagsterInstance, file_name: str) -> ExecuteInProcessResult:
    """One tick of the sensor, which must request one run, for ``file_name``'s partition;
    then what the daemon does with it: add the partitions it asks for and run the job for
    that partition. The run must succeed."""
    from orchestration.definitions import defs
    from orchestration.resources import WarehouseResource
    from orchestration.sensors import new_disclosures_sensor

    tick = new_disclosures_sensor(
        build_sensor_context(instance=instance, resources={WAREHOUSE_RESOURCE: WarehouseResource()})
    )
    assert isinstance(tick, SensorResult)
    (request,) = tick.run_requests or []
    assert request.partition_key == file_name
    for partitions in tick.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(
            partitions.partitions_def_name, list(partitions.partition_keys)
        )
    result = defs.resolve_job_def(JOB_NAME).execute_in_process(
        instance=instance, partition_key=request.partition_key, tags=request.tags
    )
    assert result.success
    return result


def test_a_new_file_found_by_the_sensor_is_extracted_alone_and_published(
    two_runs_together: list[subprocess.CompletedProcess[str]], workspace: Path
) -> None:
    from orchestration.definitions import DOCUMENTS_KEY

    results = settings.validation_dir() / "results.json"
    # `make run` checked every row
    assert json.loads(results.read_text(encoding="utf-8"))["compared_with"] is None
    shutil.copy(ADDED, workspace / "disclosures" / ADDED.name)
    with DagsterInstance.get() as instance:
        # The release already published is not launched again; the new one is.
        result = sensor_tick_and_run(instance, ADDED.name)

        extracted = [
            m.partition
            for m in result.asset_materializations_for_node(EXTRACT_OP_NAME)
            if m.asset_key == DOCUMENTS_KEY
        ]
        assert extracted == [ADDED.name]
        # Per document, on its partition: extraction counts, then the publish outcome.
        observations = [
            e.asset_observation_data.asset_observation
            for e in result.all_events
            if e.is_asset_observation
        ]
        about_added = {
            key: value.value
            for o in observations
            if o.partition == ADDED.name
            for key, value in o.metadata.items()
        }
        assert about_added["figures"] > 0
        # the token ledger: every figure is a token, nothing of the fixture is unparsed
        assert about_added["tokens_figure"] == about_added["figures"]
        assert about_added.get("tokens_unparsed", 0) == 0
        assert about_added["publish_status"] == "published"

        facts = AssetKey(["marts", "fct_financial_facts"])
        (materialization,) = [
            m for m in result.asset_materializations_for_node("dbt_models") if m.asset_key == facts
        ]
        assert materialization.metadata["rows_added"].value > 0
        assert materialization.metadata["dagster/row_count"].value > 0
        checks = {
            e.check_name: e.passed
            for e in result.get_asset_check_evaluations()
            if e.asset_key == facts
        }
        assert checks["gx_fct_financial_facts"] is True
        assert checks["gx_identity_assets_equal_liabilities_plus_equity"] is True
        # The sensor's run checked the rows it changed: the added release's facts, against
        # the warehouse the last `make run` published.
        validation = json.loads(results.read_text(encoding="utf-8"))
        runs = {r.run_id for r in instance.get_runs(RunsFilter(job_name=JOB_NAME))}
        earlier = runs - {result.run_id}
        assert any(run_id in validation["compared_with"] for run_id in earlier)
        (not_null,) = [
            c
            for c in validation["checks"]
            if c["check_id"] == "fct_financial_facts.measure.not_null"
        ]
        assert not_null["changed_rows_only"] is True
        assert not_null["evaluated_rows"] == materialization.metadata["rows_added"].value
        # and the asset check in the UI says so
        (gx_facts,) = [
            e
            for e in result.get_asset_check_evaluations()
            if e.check_name == "gx_fct_financial_facts"
        ]
        assert gx_facts.metadata["rows"].value.startswith("changed since the warehouse published")
        assert gx_facts.metadata["rows_checked"].value == not_null["evaluated_rows"]
        # dbt left the views as the last build made them (same dbt files) and ran their tests
        staging = AssetKey(["staging", "stg_raw__figures"])
        assert staging not in {
            m.asset_key for m in result.asset_materializations_for_node("dbt_models")
        }
        staging_tests = {
            e.check_name: e.passed
            for e in result.get_asset_check_evaluations()
            if e.asset_key == staging
        }
        assert staging_tests["not_null_stg_raw__figures_figure_id"] is True

    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        published = dict(
            con.execute(
                "select file_name, status from marts.dim_documents where is_latest_version"
            ).fetchall()
        )
    assert published == {SMALL.name: "published", ADDED.name: "published"}
    # the view, not rebuilt, reads the raw rows as they are now
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        rows = con.execute("select file_name from staging.stg_raw__documents").fetchall()
    files = {file_name for (file_name,) in rows}
    assert ADDED.name in files


def test_a_published_file_removed_from_the_folder_is_withdrawn_by_the_sensors_run(
    two_runs_together: list[subprocess.CompletedProcess[str]], workspace: Path
) -> None:
    """After the test above: the file it added leaves the folder, the sensor launches the
    run for its partition, and that run withdraws it from the published warehouse."""
    (workspace / "disclosures" / ADDED.name).unlink()
    with DagsterInstance.get() as instance:
        sensor_tick_and_run(instance, ADDED.name)

    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        statuses = dict(
            con.execute(
                "select file_name, status from marts.dim_documents where is_latest_version"
            ).fetchall()
        )
        [(facts,)] = con.execute(
            "select count(*) from marts.fct_financial_facts as f "
            "inner join marts.dim_documents as d on f.document_id = d.document_id "
            "where d.file_name = ?",
            [ADDED.name],
        ).fetchall()
    assert statuses == {SMALL.name: "published", ADDED.name: "withdrawn"}
    assert facts == 0


def test_definitions_show_checks_lineage_and_automation(
    two_runs_together: list[subprocess.CompletedProcess[str]],
) -> None:
    from expectations.suites import all_suites
    from orchestration.definitions import defs
    from orchestration.validation import check_name, checked_asset, is_blocking

    graph = defs.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    # dbt sources are the extraction assets: the lineage runs from the files to the marts.
    staging = graph.get(AssetKey(["staging", "stg_raw__documents"]))
    assert AssetKey(["raw", "documents"]) in staging.parent_keys
    assert graph.get(AssetKey(["raw", "documents"])).partitions_def is not None
    # Every suite is an asset check on the asset it validates; the blocking ones block.
    check_keys = {(k.asset_key, k.name) for k in graph.asset_check_keys}
    for suite in all_suites():
        assert checked_asset(suite) in keys
        assert (checked_asset(suite), check_name(suite)) in check_keys
    assert is_blocking(next(s for s in all_suites() if s.name == "fct_financial_facts"))
    assert not is_blocking(next(s for s in all_suites() if s.name == "token_ledger"))
    # Descriptions come from the dbt docs.
    facts = graph.get(AssetKey(["marts", "fct_financial_facts"]))
    assert facts.description and "fact" in facts.description.lower()
    sensor = defs.resolve_sensor_def(SENSOR_NAME)
    schedule = defs.resolve_schedule_def(SCHEDULE_NAME)
    assert sensor.default_status == DefaultSensorStatus.RUNNING
    assert schedule.default_status == DefaultScheduleStatus.RUNNING
