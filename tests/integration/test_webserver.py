"""The Dagster UI's server as its users meet it: the definitions validate, the webserver
starts on a free port, its GraphQL API shows the assets, checks, schedule and sensor, a run
launched through the API succeeds, and the server stops when told to by its process id.

The webserver runs without the daemon, under an instance whose run coordinator launches
runs at once (the project's own ``dagster.yaml`` queues them for the daemon): so the sensor
and the schedule do not tick, and the only run is the one this test launches.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dagster import DagsterInstance

from orchestration import settings
from orchestration.names import (
    JOB_NAME,
    PARTITION_TAG,
    PARTITIONS_NAME,
    SCHEDULE_NAME,
    SENSOR_NAME,
)
from orchestration.project import prepare_dbt_project

pytestmark = pytest.mark.integration

# the one release of the small_release_workspace fixture
SMALL = settings.PROJECT_ROOT / "tests" / "fixtures" / "disclosures" / "iij_q1_highlights_only.txt"
LOCATION = "orchestration.definitions"
STARTUP_SECONDS = 180
RUN_SECONDS = 600

# Runs launched straight away instead of queued for the daemon.
RUN_COORDINATOR_YAML = """\
run_coordinator:
  module: dagster.core.run_coordinator
  class: DefaultRunCoordinator
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(
    url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = STARTUP_SECONDS
) -> None:
    """Wait until the Dagster webserver at ``url`` answers; fail, with ``log``, if ``process``
    (which starts it) ends first or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while True:
        assert process.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=5):
                return
        # a server still starting may accept the connection and answer only later
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            assert time.monotonic() < deadline, "the webserver did not answer in time"
            time.sleep(1)


@pytest.fixture(scope="module")
def workspace(small_release_workspace: Path) -> Path:
    """One small release in the folder, and an instance that launches runs directly."""
    home = small_release_workspace / "dagster_home"
    home.mkdir(exist_ok=True)
    # the project's settings, without the header line that would have them rewritten
    project_yaml = settings.dagster_yaml(home).split("\n", 1)[1]
    (home / "dagster.yaml").write_text(project_yaml + RUN_COORDINATOR_YAML, encoding="utf-8")
    settings.export_environment()
    prepare_dbt_project()
    return small_release_workspace


@pytest.fixture(scope="module")
def webserver(workspace: Path) -> Iterator[str]:
    """``dagster-webserver`` on a free loopback port; yields its URL, stops it by its pid."""
    port = free_port()
    log = (workspace / "webserver.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "dagster_webserver", "-m", LOCATION, "-h", "127.0.0.1",
         "-p", str(port)],
        cwd=settings.PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        # its own process group: the signal below reaches it and its code server only
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, process, workspace / "webserver.log")
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
    assert process.returncode is not None


def graphql(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.load(response)
    assert "errors" not in body, body["errors"]
    return body["data"]


def test_the_definitions_validate(workspace: Path) -> None:
    validated = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-m", LOCATION],
        cwd=settings.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_graphql_shows_the_assets_checks_schedule_and_sensor(webserver: str) -> None:
    data = graphql(
        webserver,
        """{ repositoriesOrError { ... on RepositoryConnection { nodes {
              location { name } jobs { name }
              schedules { name cronSchedule executionTimezone scheduleState { status } }
              sensors { name sensorState { status } } } } } }""",
    )
    (repository,) = data["repositoriesOrError"]["nodes"]
    assert repository["location"]["name"] == LOCATION
    assert JOB_NAME in {job["name"] for job in repository["jobs"]}
    (schedule,) = repository["schedules"]
    assert (schedule["name"], schedule["executionTimezone"]) == (
        SCHEDULE_NAME,
        "Asia/Tokyo",
    )
    assert schedule["scheduleState"]["status"] == "RUNNING"
    (sensor,) = repository["sensors"]
    assert sensor["name"] == SENSOR_NAME
    assert sensor["sensorState"]["status"] == "RUNNING"

    nodes = graphql(
        webserver,
        """{ assetNodes { assetKey { path } isPartitioned
              assetChecksOrError { ... on AssetChecks { checks { name blocking } } } } }""",
    )["assetNodes"]
    by_key = {"/".join(n["assetKey"]["path"]): n for n in nodes}
    assert by_key["raw/documents"]["isPartitioned"]
    assert {"marts/fct_financial_facts", "warehouse/disclosures"} <= set(by_key)
    checks = {
        check["name"]: check["blocking"]
        for check in by_key["marts/fct_financial_facts"]["assetChecksOrError"]["checks"]
    }
    # the Great Expectations identities block the publish; dbt's tests are checks too
    assert checks["gx_identity_assets_equal_liabilities_plus_equity"] is True
    assert any(not name.startswith("gx_") for name in checks)


def test_a_run_launched_through_graphql_succeeds(webserver: str, workspace: Path) -> None:
    with DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(PARTITIONS_NAME, [SMALL.name])
    launched = graphql(
        webserver,
        """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
              __typename ... on LaunchRunSuccess { run { runId } }
              ... on PythonError { message } } }""",
        {
            "params": {
                "selector": {
                    "repositoryLocationName": LOCATION,
                    "repositoryName": "__repository__",
                    "jobName": JOB_NAME,
                },
                "runConfigData": {},
                "executionMetadata": {"tags": [{"key": PARTITION_TAG, "value": SMALL.name}]},
            }
        },
    )["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + RUN_SECONDS
    status = "STARTING"
    while status not in ("SUCCESS", "FAILURE", "CANCELED") and time.monotonic() < deadline:
        time.sleep(2)
        status = graphql(
            webserver,
            "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }",
            {"id": run_id},
        )["runOrError"]["status"]
    assert status == "SUCCESS", f"run {run_id} ended {status}; see the run in {workspace}"
    assert settings.warehouse_path().exists()
