"""Shared pytest fixtures."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from orchestration import settings

FIXTURE_DISCLOSURES = settings.PROJECT_ROOT / "tests" / "fixtures" / "disclosures"

# The test modules that take longest, longest first (`make test` prints the 25 slowest tests;
# order as measured on 2026-12-01). Under pytest-xdist each module runs whole on one worker,
# handed out in collection order (`make test` passes --no-loadscope-reorder: xdist's own order,
# most tests first, would leave these few-test modules to the end, one worker busy and the
# other idle). A module missing here only runs later; the order changes no result.
# test_pipeline comes before test_ui_signals, out of turn: its runs leave dbt's parse state in
# the worker's workspace (worker_workspace), where the runs test_ui_signals stops mid-way
# would otherwise each start a parse and lose it. Each worker starts with one module and gets
# the next when two or fewer of its tests are left, so test_ui_signals follows test_pipeline
# on its worker while test_isolation holds the other (seen with `-v`: no parse in between).
LONGEST_MODULES_FIRST = (
    "test_isolation.py",
    "test_pipeline.py",
    "test_ui_signals.py",
    "test_consumers.py",
    "test_operations.py",
    "test_publish_safety.py",
    "test_incremental_facts.py",
    "test_webserver.py",
    "test_marts.py",
    "test_quarantine.py",
    "test_corpus_pipeline.py",
    "test_parse_state.py",
    "test_semantic_layer.py",
    "test_old_clients.py",
    "test_extensions.py",
    "test_report.py",
    "test_dbt_unit_tests.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the modules of :data:`LONGEST_MODULES_FIRST` first, in that order; the rest keep
    theirs (a stable sort)."""
    rank = {name: position for position, name in enumerate(LONGEST_MODULES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


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


def worker_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worker's scratch workspace, emptied for the module that asks, but for dbt's saved
    parse state, which is valid for it alone.

    dbt parses the whole project again (about 14 s of a core) unless it finds the parse
    state of a profile with the same build database path. Each module that runs the
    pipeline needs a workspace of its own; one path for all of a worker's modules, one
    after another, lets each module's first run start from the last one's parse state
    (``orchestration/project.py``, ``dbt_run_target``), as any run but a warehouse's first
    does, instead of parsing once a module.
    """
    from orchestration.project import PARTIAL_PARSE  # imports dagster-dbt: not at collection

    workspace = tmp_path_factory.getbasetemp() / "workspace"
    runs = settings.dbt_runs_dir(
        build_db=workspace / "build" / "disclosures_build.duckdb",
        warehouse=workspace / "warehouse" / "disclosures.duckdb",
    )
    kept = tmp_path_factory.getbasetemp() / "workspace_parse_state"
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir()
    for state in runs.glob(f"{PARTIAL_PARSE}.*") if runs.is_dir() else ():
        state.replace(kept / state.name)
    shutil.rmtree(workspace, ignore_errors=True)
    runs.mkdir(parents=True)
    for state in kept.iterdir():
        state.replace(runs / state.name)
    return workspace


@pytest.fixture(scope="module")
def pipeline_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A scratch workspace for the tests of one module (:func:`worker_workspace`): a copy of
    data/disclosures and fresh warehouse paths, with every path setting pointed into it."""
    workspace = worker_workspace(tmp_path_factory)
    shutil.copytree(settings.PROJECT_ROOT / "data" / "disclosures", workspace / "disclosures")
    with workspace_environment(workspace):
        yield workspace


SMALL_RELEASE = FIXTURE_DISCLOSURES / "iij_q1_highlights_only.txt"


@pytest.fixture(scope="module")
def small_release_workspace(pipeline_workspace: Path) -> Path:
    """``pipeline_workspace`` with one small release (highlights only) in its folder, so
    that the module's runs stay short."""
    disclosures = pipeline_workspace / "disclosures"
    shutil.rmtree(disclosures)
    disclosures.mkdir()
    shutil.copy(SMALL_RELEASE, disclosures / SMALL_RELEASE.name)
    return pipeline_workspace


def session_root(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The session's common temporary folder: pytest-xdist's workers each have their own
    basetemp below it."""
    root = tmp_path_factory.getbasetemp()
    return root if worker_id == "master" else root.parent


def once_for_the_session(root: Path, name: str, make: Callable[[Path], None]) -> Path:
    """``root / name``, made by ``make`` the first time any worker asks for it.

    The first worker makes it while holding a lock; the others wait and reuse it. A folder
    left by a ``make`` that failed half-way is made anew.
    """
    folder = root / name
    done = folder / ".done"
    with (root / f"{name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def shared_warehouse(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The published warehouse of one pipeline run over the bundled release and the
    hand-written fixtures (another period, another company), shared by the whole session.

    Read it only (``duckdb.connect(path, read_only=True)``): every module that reads marts
    shares this one run. A test that changes files or the database needs ``pipeline_workspace``.
    Under pytest-xdist the workers share it too (:func:`once_for_the_session`).
    """
    from orchestration.cli import run_pipeline

    def build(workspace: Path) -> None:
        shutil.copytree(settings.PROJECT_ROOT / "data" / "disclosures", workspace / "disclosures")
        for fixture in sorted(FIXTURE_DISCLOSURES.glob("*.txt")):
            shutil.copy(fixture, workspace / "disclosures" / fixture.name)
        with workspace_environment(workspace):
            summary = run_pipeline()
            assert summary.success, summary.render()
            assert settings.warehouse_path() == workspace / "warehouse" / "disclosures.duckdb"

    workspace = once_for_the_session(
        session_root(tmp_path_factory, worker_id), "shared_warehouse", build
    )
    return workspace / "warehouse" / "disclosures.duckdb"


@pytest.fixture(scope="session")
def compiled_analyses(
    shared_warehouse: Path, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Path:
    """dbt's target folder of the example analyses compiled against the shared warehouse,
    compiled once for the session (:func:`once_for_the_session`): the SQL is in
    ``compiled/disclosure_warehouse/analyses/``."""
    from reporting.analyses import compile_analyses

    work = once_for_the_session(
        session_root(tmp_path_factory, worker_id),
        "compiled_analyses",
        lambda folder: compile_analyses(shared_warehouse, folder),
    )
    return work / "target"


@pytest.fixture(scope="module")
def shared_workspace_copy(
    shared_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """A copy of the whole workspace the session's shared run left (its disclosures, build
    database, published warehouse, validation and Dagster home), every path setting pointed
    into it: for a module whose tests start from a published warehouse and change it,
    without a pipeline run of its own. Copied whole, with the files' times, as a user may
    move a workspace: the next run there reads only the files that changed, and builds
    (the raw layer records the folder's new path). Copied into :func:`worker_workspace`,
    whose dbt parse state it keeps: the shared run's is for the shared run's path.
    """
    from orchestration.project import PARTIAL_PARSE

    source = shared_warehouse.parent.parent
    workspace = worker_workspace(tmp_path_factory)
    ignore = shutil.ignore_patterns(f"{PARTIAL_PARSE}.*")  # for the shared run's path
    shutil.copytree(source, workspace, symlinks=True, dirs_exist_ok=True, ignore=ignore)
    with workspace_environment(workspace):
        yield workspace
