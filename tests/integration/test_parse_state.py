"""The first run on a build database starts from a dbt parse made in the background."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from orchestration import project, settings


@pytest.fixture
def build_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "build" / "fresh_build.duckdb"
    monkeypatch.setenv("BUILD_DB_PATH", str(path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    settings.export_environment()
    return path


def test_no_background_parse_once_the_state_is_saved(build_db: Path) -> None:
    runs = settings.dbt_runs_dir()
    runs.mkdir(parents=True)
    (runs / project._saved_parse_name(runs)).write_bytes(b"saved by an earlier run")
    project.start_background_parse()
    assert project._background_parse is None


def test_a_background_parse_becomes_the_runs_parse_state_on_its_own_database_only(
    build_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.start_background_parse()
    first_runs = settings.dbt_runs_dir()
    # that run stopped before dbt; the next run in this process builds another database
    monkeypatch.setenv("BUILD_DB_PATH", str(tmp_path / "other" / "other_build.duckdb"))
    settings.export_environment()
    other_runs = settings.dbt_runs_dir()
    project.dbt_run_target(other_runs, "fedcba9876543210")
    assert not (other_runs / project._saved_parse_name(other_runs)).exists()
    assert project._background_parse is not None
    assert project._background_parse[2] == first_runs
    # (that parse is of no use here: stopped rather than waited for, 14 s of a core saved)
    project._background_parse[0].kill()
    project._background_parse[0].wait()

    # a new run there starts a parse of its own, and its target starts from that parse,
    # which is saved for the next runs (`cli prepare` waits for it and saves it beforehand)
    project.start_background_parse()
    assert project._background_parse[2] == settings.dbt_runs_dir()
    project.prepare_parse_state()
    assert project._background_parse is None
    assert (other_runs / project._saved_parse_name(other_runs)).exists()
    target = project.dbt_run_target(settings.dbt_runs_dir(), "0123456789abcdef")
    assert (target / project.PARTIAL_PARSE).exists()
    assert (other_runs / project._saved_parse_name(other_runs)).exists()
    assert not [p for p in settings.dbt_runs_dir().iterdir() if p.name.startswith(".parse-")]
    # and dbt, run as the dbt step runs it, accepts that state instead of parsing again
    listed = subprocess.run(
        [settings.dbt_executable(), "ls", "--resource-type", "seed", "--target-path", str(target)],
        cwd=settings.dbt_project_dir(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Unable to do partial parsing" not in listed.stdout
    assert "disclosure_warehouse.units" in listed.stdout
