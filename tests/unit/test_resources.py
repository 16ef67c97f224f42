"""The warehouse resource: the paths assets get, from the environment when it is used or given
to it; and the names the definitions are known by, each defined once."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import build_init_resource_context

from orchestration import names, settings
from orchestration.locking import BuildDatabaseLockResource, lock_path
from orchestration.resources import WarehouseResource


def test_unset_fields_follow_the_environment_when_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resource = WarehouseResource()
    monkeypatch.delenv("BUILD_DB_PATH", raising=False)
    monkeypatch.setenv("DISCLOSURES_DIR", str(tmp_path / "in"))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "out" / "other.duckdb"))
    assert resource.disclosures() == tmp_path / "in"
    assert resource.warehouse() == settings.warehouse_path()
    assert resource.build_db() == settings.build_db_path()
    assert resource.validation_dir() == settings.validation_dir()
    assert resource.dbt_runs_dir() == settings.dbt_runs_dir()
    monkeypatch.setenv("EXTRACTION_WORKERS", "3")
    assert resource.workers() == 3


def test_given_paths_win_and_the_derived_ones_follow_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BUILD_DB_PATH", raising=False)
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "elsewhere" / "disclosures.duckdb"))
    warehouse = tmp_path / "wh" / "mine.duckdb"
    resource = WarehouseResource(warehouse_path=str(warehouse), per_document_events_limit=0)
    assert resource.warehouse() == warehouse
    assert resource.build_db() == tmp_path / "wh" / "build" / "mine_build.duckdb"
    assert resource.validation_dir() == tmp_path / "wh" / "mine_validation"
    assert resource.dbt_runs_dir() == tmp_path / "wh" / "build" / "mine_dbt_runs"
    assert resource.events_limit() == 0


def test_the_lock_is_taken_on_the_resources_build_database(tmp_path: Path) -> None:
    build_db = tmp_path / "build" / "b.duckdb"
    lock = BuildDatabaseLockResource(
        warehouse=WarehouseResource(build_db_path=str(build_db)), timeout_seconds=1
    )
    context = build_init_resource_context()
    lock.setup_for_execution(context)
    try:
        assert "pid" in lock_path(build_db).read_text(encoding="utf-8")
    finally:
        lock.teardown_after_execution(context)


def test_the_writer_tag_is_the_one_the_instance_queues_runs_by(tmp_path: Path) -> None:
    assert f'key: "{names.WRITER_TAG}"' in settings.dagster_yaml(tmp_path)
