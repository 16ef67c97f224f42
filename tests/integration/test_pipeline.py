"""The whole pipeline, end to end, through the function ``make run`` uses.

Runs Dagster in process on a copy of data/disclosures (extraction, dbt build, publish) three
times: once fresh, once again unchanged (idempotency: no file read again, and nothing built
or published again), once with one file edited (versions: that file alone read again).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from extraction.schema import RAW_TABLES
from orchestration import settings
from orchestration.cli import PipelineSummary, run_pipeline
from orchestration.raw_store import ALL_RAW_TABLES

pytestmark = pytest.mark.integration

RAW_TABLE_NAMES = [*RAW_TABLES, "document_versions"]
STAGING_VIEWS = [f"stg_raw__{table}" for table in RAW_TABLE_NAMES]


def read_all(database: Path, sql: str) -> list[tuple[Any, ...]]:
    """Run one query on a database opened read-only, closing it straight after."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def raw_contents(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every raw table, sorted, for comparing two runs."""
    return {
        table: sorted(read_all(database, f"select * from raw.{table}"), key=repr)
        for table in RAW_TABLE_NAMES
    }


def input_files() -> list[Path]:
    return sorted(p for p in settings.disclosures_dir().iterdir() if p.is_file())


@pytest.fixture(scope="module")
def first_run(pipeline_workspace: Path) -> PipelineSummary:
    return run_pipeline()


def test_run_succeeds(first_run: PipelineSummary) -> None:
    assert first_run.success, first_run.render()
    assert first_run.documents == len(input_files())
    assert first_run.figures > 0


def test_one_document_row_per_input_file(first_run: PipelineSummary) -> None:
    rows = read_all(settings.build_db_path(), "select file_name from raw.documents")
    assert sorted(name for (name,) in rows) == [p.name for p in input_files()]


def test_figures_extracted(first_run: PipelineSummary) -> None:
    [(count,)] = read_all(settings.build_db_path(), "select count(*) from raw.figures")
    assert count > 0


def test_published_warehouse_opens_read_only_with_staging_views(
    first_run: PipelineSummary,
) -> None:
    warehouse = settings.warehouse_path()
    assert first_run.warehouse == warehouse
    assert warehouse.is_file()
    for view in STAGING_VIEWS:
        read_all(warehouse, f"select * from staging.{view} limit 1")
    [(documents,)] = read_all(warehouse, "select count(*) from staging.stg_raw__documents")
    assert documents == len(input_files())


def test_second_run_leaves_raw_tables_identical(first_run: PipelineSummary) -> None:
    before = raw_contents(settings.build_db_path())
    published = settings.warehouse_path().stat()
    dbt_runs = sorted(settings.dbt_runs_dir().iterdir())
    second = run_pipeline()
    assert second.success, second.render()
    # nothing changed: no file read again, and the raw layer as it was
    assert (second.documents, second.unchanged) == (0, len(input_files()))
    assert raw_contents(settings.build_db_path()) == before
    # and the run ended there: no dbt run, the published file the first run's
    assert second.current_publish_run == first_run.run_id
    assert f"since run {first_run.run_id}" in second.render()
    assert sorted(settings.dbt_runs_dir().iterdir()) == dbt_runs
    after = settings.warehouse_path().stat()
    assert (after.st_ino, after.st_mtime_ns) == (published.st_ino, published.st_mtime_ns)


def test_changed_file_becomes_version_2(first_run: PipelineSummary) -> None:
    changed = input_files()[0]
    changed.write_bytes(changed.read_bytes() + b"\nA line added after publication.\n")
    third = run_pipeline()
    assert third.success, third.render()
    assert (third.documents, third.unchanged) == (1, len(input_files()) - 1)
    assert third.current_publish_run is None  # built, validated and published

    versions = read_all(
        settings.build_db_path(),
        "select version from raw.document_versions where file_name = "
        f"'{changed.name}' order by version",
    )
    assert versions == [(1,), (2,)]
    # The first content stays, as the file's old version.
    [(documents,)] = read_all(settings.warehouse_path(), "select count(*) from raw.documents")
    assert documents == len(input_files()) + 1


def test_sources_yml_declares_the_raw_columns() -> None:
    """The dbt sources describe exactly the columns the loader writes, in order."""
    sources_yml = settings.PROJECT_ROOT / "models" / "staging" / "raw" / "_raw__sources.yml"
    [source] = yaml.safe_load(sources_yml.read_text(encoding="utf-8"))["sources"]
    declared = {t["name"]: [c["name"] for c in t["columns"]] for t in source["tables"]}
    expected = {table: [name for name, _ in columns] for table, columns in ALL_RAW_TABLES.items()}
    assert declared == expected
