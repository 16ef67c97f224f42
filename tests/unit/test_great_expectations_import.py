"""The Dagster definitions load without Great Expectations; the dbt step preloads it."""

from __future__ import annotations

import subprocess
import sys

from orchestration import settings

SCRIPT = """
import sys
from orchestration import validation
assert validation.CHECK_SPECS, "the suites declare their asset checks"
assert "great_expectations" not in sys.modules, "loading the suites imported GX"
validation.preload_great_expectations().join()
assert "great_expectations" in sys.modules, "the preload imported nothing"
from expectations.suites import all_suites
for suite in all_suites():
    for check in suite.expectations:
        check.expectation()
print("ok")
"""


def test_suites_load_without_great_expectations_and_the_preload_imports_it() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
