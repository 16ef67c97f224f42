"""dbt's unit tests (the `unit_tests:` of models/**/*.yml) test the models' SQL on rows they
give themselves. The pipeline's `dbt build` leaves them out (they say nothing about the data
of a run), so they run here, on a copy of a built database that has every parent relation.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration import settings

pytestmark = pytest.mark.integration


def test_dbt_unit_tests_pass(shared_warehouse: Path, tmp_path: Path) -> None:
    build = shared_warehouse.parent.parent / "build" / "disclosures_build.duckdb"
    database = tmp_path / "build.duckdb"
    shutil.copy(build, database)
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
            str(tmp_path / "target"),
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
