"""The dbt resource's two shortcuts still replace what dagster-dbt would do, and agree with it;
under `dagster dev` the manifest is made again only when the dbt files changed."""

from __future__ import annotations

import inspect
from pathlib import Path
from types import SimpleNamespace

import pytest
from dagster_dbt import DagsterDbtProjectPreparer, DbtCliResource

from orchestration import project, settings
from orchestration.project import DBT_PROJECT, DbtCli


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


class RecordingPreparer(DagsterDbtProjectPreparer):
    """dagster-dbt's preparer, counting its parses instead of running dbt."""

    def __init__(self) -> None:
        super().__init__()
        self.parses = 0

    def prepare(self, project: SimpleNamespace) -> None:  # type: ignore[override]
        self.parses += 1
        project.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        project.manifest_path.write_text("{}", encoding="utf-8")


def test_dagster_dev_parses_only_when_the_dbt_files_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "models" / "a_model.sql"
    model.parent.mkdir()
    model.write_text("select 1 as one", encoding="utf-8")
    preparer = RecordingPreparer()
    fake = SimpleNamespace(
        project_dir=tmp_path, manifest_path=tmp_path / "target" / "manifest.json", preparer=preparer
    )
    monkeypatch.setattr(project, "DBT_PROJECT", fake)
    monkeypatch.delenv("DAGSTER_IS_DEV_CLI", raising=False)
    project.prepare_if_dev()
    assert preparer.parses == 0  # outside dagster dev the command line prepares the manifest
    monkeypatch.setenv("DAGSTER_IS_DEV_CLI", "1")
    project.prepare_if_dev()
    assert preparer.parses == 1  # no manifest yet
    project.prepare_if_dev()
    assert preparer.parses == 1  # the same dbt files: no parse (dagster-dbt's own would parse)
    model.write_text("select 2 as two", encoding="utf-8")
    project.prepare_if_dev()
    assert preparer.parses == 2
