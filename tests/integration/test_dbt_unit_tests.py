"""dbt's unit tests (the `unit_tests:` of models/**/*.yml) test the models' SQL on rows they
give themselves. The pipeline's `dbt build` leaves them out (they say nothing about the data
of a run), so they run here, on a copy of a built database that has every parent relation.
The copy goes where the worker's pipeline runs build (conftest's ``worker_workspace``), so that
dbt starts from their parse state, as the pipeline's dbt step does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import worker_workspace

from orchestration import settings
from orchestration.project import dbt_run_target

pytestmark = pytest.mark.integration


def test_dbt_unit_tests_pass(
    shared_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    build = shared_warehouse.parent.parent / "build" / "disclosures_build.duckdb"
    workspace = worker_workspace(tmp_path_factory)
    database = workspace / "build" / build.name
    shutil.copy(build, database)
    runs = settings.dbt_runs_dir(database, workspace / "warehouse" / shared_warehouse.name)
    target = dbt_run_target(runs, "unit-tests")
    root = settings.PROJECT_ROOT
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [
            str(dbt),
            "test",
            "--select",
            "test_type:unit",
            "--project-dir",
            str(root),
            "--profiles-dir",
            str(root),
            "--target-path",
            str(target),
        ],
        env=dict(
            os.environ,
            **settings.TELEMETRY_ENVIRONMENT,
            DBT_DUCKDB_PATH=str(database),
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    passed = re.search(r"PASS=([0-9]+)", result.stdout)
    assert passed is not None and int(passed.group(1)) > 0, result.stdout[-2000:]
