"""The dbt resource's two shortcuts still replace what dagster-dbt would do, and agree with it."""

from __future__ import annotations

import inspect

from dagster_dbt import DbtCliResource

from orchestration import settings
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
