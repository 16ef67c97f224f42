"""The facts are loaded incrementally by document (intermediate.int_facts_loaded), which
fct_financial_facts publishes, and --full-refresh gives the same facts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.cli import run_pipeline

pytestmark = pytest.mark.integration

FIXTURE = settings.PROJECT_ROOT / "tests" / "fixtures" / "disclosures" / "acme_fy2022_full_year.txt"
SENTINEL = "untouched by the incremental run"


def _facts(database: Path) -> set[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select fact_id, document_id, value, is_latest from marts.fct_financial_facts"
        ).fetchall()
    return set(rows)


def test_adding_a_document_keeps_existing_facts_and_full_refresh_agrees(
    pipeline_workspace: Path,
) -> None:
    first = run_pipeline()
    assert first.success, first.render()
    build = settings.build_db_path()
    before = _facts(build)
    # Mark one existing fact where it is loaded: an incremental run must not rebuild it,
    # and fct_financial_facts, rebuilt from the loaded facts, must publish it as it is.
    with duckdb.connect(str(build)) as con:
        con.execute(
            "update intermediate.int_facts_loaded set source_label = ? "
            "where fact_id = (select min(fact_id) from marts.fct_financial_facts)",
            [SENTINEL],
        )

    shutil.copy(FIXTURE, settings.disclosures_dir() / FIXTURE.name)
    second = run_pipeline()
    assert second.success, second.render()
    after = _facts(build)
    assert before <= after
    new_documents = {row[1] for row in after} - {row[1] for row in before}
    assert len(new_documents) == 1
    with duckdb.connect(str(build), read_only=True) as con:
        [(marked,)] = con.execute(
            "select count(*) from marts.fct_financial_facts where source_label = ?", [SENTINEL]
        ).fetchall()
    assert marked == 1

    settings.export_environment()
    subprocess.run(
        [
            str(settings.dbt_executable()), "build", "--full-refresh",
            "--select", "int_facts_loaded+", "--project-dir", str(settings.PROJECT_ROOT),
            "--profiles-dir", str(settings.PROJECT_ROOT),
        ],
        check=True, capture_output=True, cwd=settings.PROJECT_ROOT,
    )  # fmt: skip
    assert _facts(build) == after
    with duckdb.connect(str(build), read_only=True) as con:
        [(marked,)] = con.execute(
            "select count(*) from marts.fct_financial_facts where source_label = ?", [SENTINEL]
        ).fetchall()
    assert marked == 0
