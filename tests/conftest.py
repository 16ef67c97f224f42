"""Shared pytest fixtures."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from orchestration import settings

FIXTURE_DISCLOSURES = settings.PROJECT_ROOT / "tests" / "fixtures" / "disclosures"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep each integration module on one pytest-xdist worker (``--dist loadgroup``).

    A module's pipeline runs are module-scoped fixtures: split across workers they would run
    twice. The modules that read the session's ``shared_warehouse`` form one group, so that
    one worker builds it once for all of them.
    """
    for item in items:
        if "shared_warehouse" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("shared_warehouse"))
        elif item.get_closest_marker("integration") is not None:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@contextmanager
def workspace_environment(workspace: Path) -> Iterator[None]:
    """Point every path setting into ``workspace``; restore ``os.environ`` on exit.

    ``settings.export_environment`` writes to ``os.environ``, so the whole environment is
    saved and restored, not only the four path variables.
    """
    saved = dict(os.environ)
    os.environ.update(
        {
            "DISCLOSURES_DIR": str(workspace / "disclosures"),
            "WAREHOUSE_PATH": str(workspace / "warehouse" / "disclosures.duckdb"),
            "BUILD_DB_PATH": str(workspace / "build" / "disclosures_build.duckdb"),
            "DAGSTER_HOME": str(workspace / "dagster_home"),
        }
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def pipeline_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A scratch workspace for the tests of one module: a copy of data/disclosures and fresh
    warehouse paths, with every path setting pointed into it."""
    workspace = tmp_path_factory.mktemp("pipeline")
    shutil.copytree(settings.PROJECT_ROOT / "data" / "disclosures", workspace / "disclosures")
    with workspace_environment(workspace):
        yield workspace


@pytest.fixture(scope="session")
def shared_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published warehouse of one pipeline run over the bundled release and the
    hand-written fixtures (another period, another company), shared by the whole session.

    Read it only (``duckdb.connect(path, read_only=True)``): every module that reads marts
    shares this one run. A test that changes files or the database needs ``pipeline_workspace``.
    """
    from orchestration.cli import run_pipeline

    workspace = tmp_path_factory.mktemp("shared")
    shutil.copytree(settings.PROJECT_ROOT / "data" / "disclosures", workspace / "disclosures")
    for fixture in sorted(FIXTURE_DISCLOSURES.glob("*.txt")):
        shutil.copy(fixture, workspace / "disclosures" / fixture.name)
    with workspace_environment(workspace):
        summary = run_pipeline()
        assert summary.success, summary.render()
        return settings.warehouse_path()
