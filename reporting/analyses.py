"""Compile the example queries of ``analyses/`` so that they run on a published warehouse.

dbt writes a ref as ``<catalog>.<schema>.<table>``, the catalog being the profile's database.
The profile here attaches the warehouse read-only under the name DuckDB gives the file when
it opens it (its stem), so the compiled SQL runs unchanged on
``duckdb.connect(warehouse, read_only=True)``. Used by the consumer tests and the benchmark.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from orchestration import settings


def published_profile(warehouse: Path) -> dict:
    """A dbt profile (``profiles.yml`` content) that attaches ``warehouse`` read-only."""
    catalog = warehouse.stem
    return {
        "disclosure_warehouse": {
            "target": "published",
            "outputs": {
                "published": {
                    "type": "duckdb",
                    "path": ":memory:",
                    "database": catalog,
                    "attach": [{"path": str(warehouse), "alias": catalog, "read_only": True}],
                    "threads": 1,
                }
            },
        }
    }


def compile_analyses(warehouse: Path, work: Path) -> Path:
    """``dbt compile`` the analyses against ``warehouse`` in ``work``; return dbt's target
    folder (the SQL is in ``compiled/disclosure_warehouse/analyses/``)."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "profiles.yml").write_text(json.dumps(published_profile(warehouse)), encoding="utf-8")
    root = settings.dbt_project_dir()
    completed = subprocess.run(
        [
            settings.dbt_executable(),
            "compile",
            "--select",
            "resource_type:analysis",
            "--project-dir",
            str(root),
            "--profiles-dir",
            str(work),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        cwd=root,
        env=dict(os.environ, **settings.TELEMETRY_ENVIRONMENT),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"dbt compile of analyses/ against {warehouse} failed:\n"
            + completed.stdout[-4000:]
            + completed.stderr[-2000:]
        )
    return work / "target"
