"""The figures are mapped, merged and loaded incrementally by document
(intermediate.int_figures_mapped, int_facts_merged, int_facts_loaded), and published
incrementally by company (int_facts_published, fct_financial_facts); a run after the dbt
files changed rebuilds them from every document (--full-refresh), and gives the same tables,
table by table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.cli import run_pipeline
from orchestration.project import MODELS_FINGERPRINT
from orchestration.up_to_date import PUBLISH_RECORD_NAME

pytestmark = pytest.mark.integration

# a release not among the shared run's, of a company not among them
ADDED = settings.PROJECT_ROOT / "tests/fixtures/highlights/corvid_fy2030_highlights_prose.txt"
# The same release issued again a week later with its net profit corrected (so the target's
# growth too): every figure of the first is reported again by a later document.
REISSUE_NAME = "corvid_fy2030_highlights_prose_corrected.txt"
CORRECTIONS = (
    ("Osaka, May 12, 2031", "Osaka, May 19, 2031"),
    ("Net profit JPY12.3 billion up 9.9% YoY", "Net profit JPY12.4 billion up 10.8% YoY"),
    ("Net profit JPY13.5 billion up 9.8% YoY", "Net profit JPY13.5 billion up 8.9% YoY"),
)
SENTINEL = "untouched by the incremental run"


def _facts(database: Path) -> set[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select fact_id, document_id, value, is_latest from marts.fct_financial_facts"
        ).fetchall()
    return set(rows)


def _record_publish_by_older_code() -> None:
    """Make the last publish's record say another checkout's code published it."""
    path = settings.validation_dir() / PUBLISH_RECORD_NAME
    record = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**record, "pipeline": "an older checkout"}), encoding="utf-8")


# the intermediate models that are incremental by document, besides int_facts_loaded
INCREMENTAL_INTERMEDIATES = ("int_figures_mapped", "int_facts_merged")
# The column of each table where the test marks a row of a document loaded before (an
# incremental run must leave it as it is, a full rebuild must not keep it): left out of
# the comparisons.
MARKED = {
    "fct_financial_facts": "source_label",
    "int_facts_loaded": "source_label",
    "int_facts_merged": "source_label",
    "int_figures_mapped": "raw_text",
}


def _tables(database: Path, schema: str, names: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table of ``schema`` (or of the tables ``names``), sorted, but for
    the columns the test marks (:data:`MARKED`)."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by table_name",
            [schema],
        ).fetchall()
        rows = {}
        for (table,) in tables:
            if names and table not in names:
                continue
            columns = f"* exclude ({MARKED[table]})" if table in MARKED else "*"
            found = con.execute(f"select {columns} from {schema}.{table}").fetchall()
            rows[table] = sorted(found, key=repr)
        return rows


def _marked(build: Path) -> dict[str, int]:
    """How many rows carry the test's mark, in fct_financial_facts and in each incremental
    intermediate model."""
    tables = ["marts.fct_financial_facts"] + [
        f"intermediate.{table}" for table in INCREMENTAL_INTERMEDIATES
    ]
    with duckdb.connect(str(build), read_only=True) as con:
        return {
            table: con.execute(
                f"select count(*) from {table} where {MARKED[table.split('.')[1]]} = ?",
                [SENTINEL],
            ).fetchone()[0]
            for table in tables
        }


def _marts(database: Path) -> dict[str, list[tuple]]:
    """Every row of every table of the published warehouse's marts (:func:`_tables`)."""
    return _tables(database, "marts")


def _incremental_intermediates(database: Path) -> dict[str, list[tuple]]:
    """Every row of the build database's incremental intermediate models."""
    found = _tables(database, "intermediate", INCREMENTAL_INTERMEDIATES)
    assert found.keys() == set(INCREMENTAL_INTERMEDIATES)
    return found


def test_adding_a_document_keeps_existing_facts_and_a_full_refresh_agrees(
    shared_workspace_copy: Path,
) -> None:
    # the workspace as the session's shared run published it
    loaded = len(list(settings.disclosures_dir().iterdir()))
    build = settings.build_db_path()
    before = _facts(build)
    # Mark one existing fact where it is loaded: an incremental run must not load it again,
    # and int_facts_published and fct_financial_facts, which build again a company whose
    # loaded facts differ from theirs, must publish it as it is.
    with duckdb.connect(str(build)) as con:
        con.execute(
            "update intermediate.int_facts_loaded set source_label = ? "
            "where fact_id = (select min(fact_id) from marts.fct_financial_facts)",
            [SENTINEL],
        )
        # and one row of each intermediate model that is incremental by document
        for table in INCREMENTAL_INTERMEDIATES:
            con.execute(
                f"update intermediate.{table} set {MARKED[table]} = ? "
                f"where figure_id = (select min(figure_id) from intermediate.{table})",
                [SENTINEL],
            )

    shutil.copy(ADDED, settings.disclosures_dir() / ADDED.name)
    second = run_pipeline()
    assert second.success, second.render()
    assert (second.documents, second.unchanged) == (1, loaded)  # the new file alone is read
    after = _facts(build)
    assert before <= after
    new_documents = {row[1] for row in after} - {row[1] for row in before}
    assert len(new_documents) == 1
    assert _marked(build) == {
        "marts.fct_financial_facts": 1,
        **{f"intermediate.{table}": 1 for table in INCREMENTAL_INTERMEDIATES},
    }

    # The release issued again, corrected: its figures are the latest now, in the company
    # the run builds again.
    text = ADDED.read_text(encoding="utf-8")
    for old, new in CORRECTIONS:
        assert old in text, old
        text = text.replace(old, new)
    (settings.disclosures_dir() / REISSUE_NAME).write_text(text, encoding="utf-8")
    later = run_pipeline()
    assert later.success, later.render()
    assert (later.documents, later.unchanged) == (1, loaded + 1)
    first_issue = {fact_id for fact_id, document, _, _ in after if document in new_documents}
    after = _facts(build)
    superseded = {
        fact_id
        for fact_id, document, _, is_latest in after
        if document in new_documents and not is_latest
    }
    assert superseded == first_issue
    incremental_marts = _marts(settings.warehouse_path())
    incremental_intermediates = _incremental_intermediates(build)

    # The dbt files as if changed since the last build (a seed or model edited): the next
    # run reads no file again but rebuilds the incremental models from every document.
    # (Both records of them: the last build's, and the last publish's, without which the
    # run would find the published warehouse current and end after extraction.)
    record = settings.dbt_runs_dir() / MODELS_FINGERPRINT
    recorded = record.read_text(encoding="utf-8")
    record.write_text("the dbt files of an older checkout", encoding="utf-8")
    _record_publish_by_older_code()
    third = run_pipeline()
    assert third.success, third.render()
    assert (third.documents, third.unchanged) == (0, loaded + 2)
    assert record.read_text(encoding="utf-8") == recorded
    assert _facts(build) == after
    assert set(_marked(build).values()) == {0}
    # the published warehouse, table by table, as the incremental run published it
    rebuilt_marts = _marts(settings.warehouse_path())
    assert rebuilt_marts.keys() == incremental_marts.keys()
    for table, rows in incremental_marts.items():
        assert rebuilt_marts[table] == rows, table
    assert len(incremental_marts) > 5 and all(incremental_marts.values())
    # and the intermediate models the incremental run added the new document to
    rebuilt_intermediates = _incremental_intermediates(build)
    for table, rows in incremental_intermediates.items():
        assert rows and rebuilt_intermediates[table] == rows, table
