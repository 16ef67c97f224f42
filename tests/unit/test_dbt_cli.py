"""The dbt resource's two shortcuts still replace what dagster-dbt would do, and agree with it;
the dbt command the pipeline runs is dbt's own command line; under `dagster dev` the manifest
is made again only when the dbt files changed; the parse that writes it becomes the build
database's parse state."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version as installed_version
from pathlib import Path
from types import SimpleNamespace

import pytest
from dagster_dbt import DagsterDbtProjectPreparer, DbtCliResource

from orchestration import project, settings
from orchestration.project import DBT_PROJECT, PARTIAL_PARSE, DbtCli


def test_the_overridden_members_are_still_dagster_dbts() -> None:
    # An upgrade that renames them would leave the overrides unused, silently slow again.
    source = inspect.getsource(DbtCliResource.cli)
    assert "self._cli_version" in source
    assert "self._initialize_dbt_core_adapter(" in source


def test_version_is_the_executables_own() -> None:
    executable = settings.dbt_executable()
    ours = DbtCli(project_dir=DBT_PROJECT, dbt_executable=executable)._cli_version
    # dagster-dbt's way: run `dbt --version`
    theirs = DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=executable)._cli_version
    assert ours == theirs


def test_the_pipelines_dbt_command_is_dbts_own_command_line(tmp_path: Path) -> None:
    # disclosure-dbt (orchestration/dbt_command.py) passes every argument to dbt and exits
    # with dbt's status; only its exit is quicker
    executable = Path(settings.dbt_executable())
    assert executable.name == "disclosure-dbt"
    version = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert installed_version("dbt-core") in version.stdout
    wrong = subprocess.run(
        [executable, "no-such-command"], capture_output=True, text=True, check=False
    )
    assert wrong.returncode == 2
    assert "No such command 'no-such-command'" in wrong.stderr
    assert "Usage: dbt " in wrong.stderr


def test_the_cycle_collector_leaves_the_exit_to_the_operating_system() -> None:
    # an object in a reference cycle is no longer collected at exit once the callback is
    # registered (it would have been: the control case)
    program = (
        "import gc, sys\n"
        "from orchestration.quick_exit import skip_cycle_collection_at_exit\n"
        "class Node:\n"
        "    def __del__(self): print('collected', flush=True)\n"
        "node = Node(); node.self = node; del node\n"
        "gc.disable()\n"
        "if sys.argv[1] == 'skip': skip_cycle_collection_at_exit()\n"
    )
    ran = {
        mode: subprocess.run(
            [sys.executable, "-c", program, mode], capture_output=True, text=True, check=True
        ).stdout
        for mode in ("skip", "control")
    }
    assert ran == {"skip": "", "control": "collected\n"}


class RecordingPreparer(DagsterDbtProjectPreparer):
    """dagster-dbt's preparer, counting its parses instead of running dbt."""

    def __init__(self) -> None:
        super().__init__()
        self.parses = 0

    def prepare(self, project: SimpleNamespace) -> None:  # type: ignore[override]
        self.parses += 1
        project.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        project.manifest_path.write_text("{}", encoding="utf-8")
        state = project.manifest_path.with_name(PARTIAL_PARSE)
        state.write_bytes(f"parse {self.parses}".encode())


@pytest.fixture
def fake_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimpleNamespace]:
    """A project of one model whose preparer counts parses; os.environ restored after."""
    model = tmp_path / "models" / "a_model.sql"
    model.parent.mkdir()
    model.write_text("select 1 as one", encoding="utf-8")
    fake = SimpleNamespace(
        project_dir=tmp_path,
        manifest_path=tmp_path / "target" / "manifest.json",
        preparer=RecordingPreparer(),
        model=model,
    )
    monkeypatch.setattr(project, "DBT_PROJECT", fake)
    saved = dict(os.environ)
    yield fake
    os.environ.clear()
    os.environ.update(saved)


def test_dagster_dev_parses_only_when_the_dbt_files_changed(
    fake_project: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    preparer = fake_project.preparer
    monkeypatch.delenv("DAGSTER_IS_DEV_CLI", raising=False)
    project.prepare_if_dev()
    assert preparer.parses == 0  # outside dagster dev the command line prepares the manifest
    monkeypatch.setenv("DAGSTER_IS_DEV_CLI", "1")
    project.prepare_if_dev()
    assert preparer.parses == 1  # no manifest yet
    project.prepare_if_dev()
    assert preparer.parses == 1  # the same dbt files: no parse (dagster-dbt's own would parse)
    fake_project.model.write_text("select 2 as two", encoding="utf-8")
    project.prepare_if_dev()
    assert preparer.parses == 2


def test_the_manifests_parse_state_becomes_the_build_databases(
    fake_project: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BUILD_DB_PATH", str(tmp_path / "build" / "a_build.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    saved = settings.dbt_runs_dir() / project._saved_parse_name(settings.dbt_runs_dir())
    project.prepare_dbt_project()
    # the parse for the manifest had the run's profile: the run starts from its state
    assert saved.read_bytes() == b"parse 1"
    project.prepare_dbt_project()
    assert fake_project.preparer.parses == 1  # unchanged: neither parsed nor saved again
    assert saved.read_bytes() == b"parse 1"


def test_a_parse_state_is_named_for_its_own_build_database_folder(tmp_path: Path) -> None:
    # dbt's state holds the build database's path (in the profile): a workspace moved
    # elsewhere must not find the old path's state under the name it looks for
    here = tmp_path / "here" / "build" / "dbt_runs"
    moved = tmp_path / "moved" / "build" / "dbt_runs"
    assert project._saved_parse_name(here) != project._saved_parse_name(moved)
    assert project._saved_parse_name(here) == project._saved_parse_name(here / ".." / "dbt_runs")
    assert project._saved_parse_name(here).startswith(f"{project.PARTIAL_PARSE}.")


def test_a_run_leaves_its_named_parse_state_and_removes_the_unnamed_one(tmp_path: Path) -> None:
    runs = tmp_path / "build" / "dbt_runs"
    target = runs / "20260101T000000-abcdefgh"
    target.mkdir(parents=True)
    (target / PARTIAL_PARSE).write_bytes(b"this run's state")
    (runs / PARTIAL_PARSE).write_bytes(b"an earlier version's state")
    project.keep_dbt_run(target)
    assert (runs / project._saved_parse_name(runs)).read_bytes() == b"this run's state"
    assert not (runs / PARTIAL_PARSE).exists()
    assert target.is_dir()  # the newest run folders stay
