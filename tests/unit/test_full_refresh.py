"""When the incremental models are rebuilt from every document: whenever the dbt files, or the
dbt that compiles them, differ from those of the build database's last successful build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestration import project as dbt_project
from orchestration import settings
from orchestration.project import (
    DBT_SOURCES,
    dbt_sources_fingerprint,
    models_changed_since_last_build,
    record_models_built,
)


def test_a_full_refresh_until_a_build_of_the_same_files_is_recorded(tmp_path: Path) -> None:
    runs = tmp_path / "dbt_runs"
    assert models_changed_since_last_build(runs, "a")  # no build recorded: the first
    record_models_built(runs, "a")
    assert not models_changed_since_last_build(runs, "a")
    assert models_changed_since_last_build(runs, "b")
    record_models_built(runs, "b")
    assert not models_changed_since_last_build(runs, "b")
    assert [p.name for p in runs.iterdir()] == ["models.fingerprint"]  # no partial file left


def test_a_seed_or_model_change_changes_the_fingerprint(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for name in DBT_SOURCES:
        source = settings.PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        elif source.is_file():
            project.mkdir(exist_ok=True)
            shutil.copy(source, project / name)
    seen = {dbt_sources_fingerprint(project)}
    assert seen == {dbt_sources_fingerprint(settings.PROJECT_ROOT)}
    seed = next((project / "seeds").glob("*.csv"))
    seed.write_bytes(seed.read_bytes() + b"\n")
    seen.add(dbt_sources_fingerprint(project))
    model = next((project / "models").rglob("*.sql"))
    model.write_bytes(model.read_bytes() + b"\n")
    seen.add(dbt_sources_fingerprint(project))
    model.unlink()
    seen.add(dbt_sources_fingerprint(project))
    assert len(seen) == 4


def test_another_dbt_or_adapter_version_changes_the_fingerprint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = settings.PROJECT_ROOT
    installed = dbt_project.installed_version
    seen = {dbt_sources_fingerprint(project)}
    for package in dbt_project.DBT_PACKAGES:
        monkeypatch.setattr(
            dbt_project,
            "installed_version",
            lambda name, package=package: "0.0.1" if name == package else installed(name),
        )
        seen.add(dbt_sources_fingerprint(project))
    assert len(seen) == 3
