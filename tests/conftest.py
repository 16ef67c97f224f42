"""Shared pytest fixtures."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration import settings


@pytest.fixture(scope="module")
def pipeline_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A scratch workspace: a copy of data/disclosures and fresh warehouse paths.

    Points every path setting into the workspace for the tests of one module, and restores
    ``os.environ`` afterwards (``settings.export_environment`` writes to it).
    """
    workspace = tmp_path_factory.mktemp("pipeline")
    disclosures = workspace / "disclosures"
    shutil.copytree(settings.PROJECT_ROOT / "data" / "disclosures", disclosures)
    saved = dict(os.environ)
    os.environ.update(
        {
            "DISCLOSURES_DIR": str(disclosures),
            "WAREHOUSE_PATH": str(workspace / "warehouse" / "disclosures.duckdb"),
            "BUILD_DB_PATH": str(workspace / "build" / "disclosures_build.duckdb"),
            "DAGSTER_HOME": str(workspace / "dagster_home"),
        }
    )
    try:
        yield workspace
    finally:
        os.environ.clear()
        os.environ.update(saved)
