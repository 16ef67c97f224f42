"""One folder, one warehouse (issue #16): two folders built into two warehouses never mix, a
file removed from a folder is withdrawn from its warehouse, and the same content under two
file names is one document.

The runs are the command `make run` starts (`python -m orchestration.cli run`), given only
DISCLOSURES_DIR and WAREHOUSE_PATH, as a user switching folders would: the build database,
dbt's run folders, the validation report and the Dagster home are the ones the settings
derive from the warehouse. Both warehouses sit in one folder, the case where their derived
paths must differ by name alone. One module fixture makes every run once:

1. folder A (the bundled release and the full-year fixture) into warehouse A, in a process
   of its own, and at the same time folder B (the small fixture, the same bytes under a
   second name, an unreadable file) into warehouse B;
2. folder B into warehouse A, which its build database refuses;
3. folder A again, without the full-year fixture, into warehouse A;
4. folder A with the fixture back.

But for A's first run, the runs call the command's ``main`` in this process, with the same
environment: a new interpreter would only import dagster, dbt and Great Expectations again
(about 15 s of a core a run), and run 1, two processes at once, already shows that nothing is
shared between them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import FIXTURE_DISCLOSURES, SMALL_RELEASE

from orchestration import cli, raw_store, settings

BUNDLED = settings.PROJECT_ROOT / "data" / "disclosures"
REMOVED = FIXTURE_DISCLOSURES / "acme_fy2022_full_year.txt"
COPY_NAME = "iij_q1_highlights_only_again.txt"
UNREADABLE_NAME = "unreadable.txt"
# The paths a run derives for itself when the environment does not name them.
DERIVED = ("BUILD_DB_PATH", "DAGSTER_HOME", "DBT_DUCKDB_PATH")


def query(database: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of one query on a database opened read-only, closed straight after."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


@dataclass
class Started:
    """A run :func:`start_cli` started, its output going to a file (a pipe nobody reads
    while another run is waited on would stall it)."""

    process: subprocess.Popen[bytes]
    output: Path


def start_cli(folder: Path, warehouse: Path) -> Started:
    """Start `python -m orchestration.cli run` on ``folder`` into ``warehouse``, every other
    path left to the settings."""
    env = {name: value for name, value in os.environ.items() if name not in DERIVED}
    env.update(DISCLOSURES_DIR=str(folder), WAREHOUSE_PATH=str(warehouse))
    output = warehouse.with_name(f"{warehouse.stem}.run-{time.monotonic_ns()}.log")
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli", "run"],
            cwd=settings.PROJECT_ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return Started(process, output)


def finish(started: Started) -> subprocess.CompletedProcess[str]:
    """Wait for a run :func:`start_cli` started: its exit code and what it printed."""
    try:
        started.process.wait(timeout=900)
    except subprocess.TimeoutExpired:
        started.process.kill()
        raise
    said = started.output.read_text(encoding="utf-8", errors="replace")
    return subprocess.CompletedProcess(started.process.args, started.process.returncode, said)


def run_cli(folder: Path, warehouse: Path) -> subprocess.CompletedProcess[str]:
    """`python -m orchestration.cli run` on ``folder`` into ``warehouse``, to its end, in this
    process: ``main`` with the environment :func:`start_cli` gives, restored after; what it
    printed, and its exit code or the error it raised, as a process would have shown them."""
    saved = dict(os.environ)
    for name in DERIVED:
        os.environ.pop(name, None)
    os.environ.update(DISCLOSURES_DIR=str(folder), WAREHOUSE_PATH=str(warehouse))
    said = io.StringIO()
    try:
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            try:
                code = cli.main(["run"])
            except Exception:  # a process would print it and exit 1
                traceback.print_exc()
                code = 1
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(["orchestration.cli", "run"], code, said.getvalue())


def succeeded(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 0, run.stdout[-8000:]


@dataclass
class Warehouse:
    """A warehouse and its folder, and what the module's runs left in it."""

    folder: Path
    path: Path
    documents: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)  # per run

    def snapshot(self, label: str) -> None:
        """Keep the published warehouse's documents, as they are now, under ``label``."""
        self.documents[label] = query(
            self.path,
            "select file_name, document_id, status, withdrawn_at, status_reason "
            "from marts.dim_documents where is_latest_version order by file_name",
        )

    def facts_of(self, document_id: str) -> tuple[int, int]:
        """The document's rows in fct_financial_facts and fct_kpis, now."""
        [(facts,)] = query(
            self.path,
            "select count(*) from marts.fct_financial_facts where document_id = ?",
            document_id,
        )
        [(kpis,)] = query(
            self.path, "select count(*) from marts.fct_kpis where document_id = ?", document_id
        )
        return facts, kpis

    def own_members_of(self, document_id: str) -> tuple[int, int]:
        """The line items and segment members of the document's company's own (extensions)
        in dim_line_items and dim_segments, now."""
        counts = []
        for table, key in (("dim_line_items", "line_item_id"), ("dim_segments", "segment_id")):
            [(count,)] = query(
                self.path,
                f"select count(*) from marts.{table} where {key} like 'ext:%' and company_id = "
                "(select company_id from marts.dim_documents where document_id = ? limit 1)",
                document_id,
            )
            counts.append(count)
        return counts[0], counts[1]

    def company_documents(self, document_id: str) -> int:
        """dim_companies' document_count of the document's company, now."""
        [(count,)] = query(
            self.path,
            "select distinct c.document_count from marts.dim_companies as c "
            "inner join marts.dim_documents as d on c.company_id = d.company_id "
            "where d.document_id = ?",
            document_id,
        )
        return count


@dataclass
class Runs:
    a: Warehouse
    b: Warehouse
    refused: subprocess.CompletedProcess[str]
    a_bytes_before_refusal: bytes
    a_bytes_after_refusal: bytes
    removed_id: str
    removed_facts_before: tuple[int, int]
    removed_facts_withdrawn: tuple[int, int]
    removed_facts_back: tuple[int, int]
    # dim_companies' document_count of the removed file's company: first, withdrawn, back
    removed_company_documents: tuple[int, int, int]
    # its company's own line items and members (Warehouse.own_members_of): the same three
    removed_own_members: tuple[tuple[int, int], tuple[int, int], tuple[int, int]]
    withdrawal_window: tuple[dt.datetime, dt.datetime]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    root = tmp_path_factory.mktemp("isolation")
    a = Warehouse(root / "folder_a", root / "warehouses" / "a.duckdb")
    b = Warehouse(root / "folder_b", root / "warehouses" / "b.duckdb")
    shutil.copytree(BUNDLED, a.folder)
    shutil.copy(REMOVED, a.folder / REMOVED.name)
    b.folder.mkdir()
    shutil.copy(SMALL_RELEASE, b.folder / SMALL_RELEASE.name)
    shutil.copy(SMALL_RELEASE, b.folder / COPY_NAME)
    (b.folder / UNREADABLE_NAME).write_bytes(b"\x00\x01 not a release")

    # the two folders' first runs at once, in two processes: two warehouses, nothing shared
    # to wait on
    first_a = start_cli(a.folder, a.path)
    succeeded(run_cli(b.folder, b.path))
    succeeded(finish(first_a))
    a.snapshot("first")
    [(removed_id,)] = query(
        a.path, "select document_id from marts.dim_documents where file_name = ?", REMOVED.name
    )
    removed_facts_before = a.facts_of(removed_id)
    company_documents = [a.company_documents(removed_id)]
    own_members = [a.own_members_of(removed_id)]
    b.snapshot("first")

    a_bytes_before_refusal = a.path.read_bytes()
    refused = run_cli(b.folder, a.path)
    a_bytes_after_refusal = a.path.read_bytes()

    (a.folder / REMOVED.name).unlink()
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    succeeded(run_cli(a.folder, a.path))
    ended = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    a.snapshot("withdrawn")
    removed_facts_withdrawn = a.facts_of(removed_id)
    company_documents.append(a.company_documents(removed_id))
    own_members.append(a.own_members_of(removed_id))

    shutil.copy(REMOVED, a.folder / REMOVED.name)
    succeeded(run_cli(a.folder, a.path))
    a.snapshot("back")
    company_documents.append(a.company_documents(removed_id))
    own_members.append(a.own_members_of(removed_id))
    return Runs(
        a=a,
        b=b,
        refused=refused,
        a_bytes_before_refusal=a_bytes_before_refusal,
        a_bytes_after_refusal=a_bytes_after_refusal,
        removed_id=removed_id,
        removed_facts_before=removed_facts_before,
        removed_facts_withdrawn=removed_facts_withdrawn,
        removed_facts_back=a.facts_of(removed_id),
        removed_company_documents=(
            company_documents[0],
            company_documents[1],
            company_documents[2],
        ),
        withdrawal_window=(started, ended),
        removed_own_members=(own_members[0], own_members[1], own_members[2]),
    )


def names(documents: list[tuple[Any, ...]]) -> list[str]:
    return [row[0] for row in documents]


@pytest.mark.integration
def test_two_folders_into_two_warehouses_never_mix(runs: Runs) -> None:
    folder_a = sorted([*(p.name for p in BUNDLED.iterdir()), REMOVED.name])
    folder_b = sorted([SMALL_RELEASE.name, COPY_NAME, UNREADABLE_NAME])
    for label in ("first", "withdrawn", "back"):
        assert names(runs.a.documents[label]) == folder_a, label
    assert names(runs.b.documents["first"]) == folder_b
    # nothing of B in A's raw layer or facts either, failed documents included
    b_ids = {row[1] for row in runs.b.documents["first"]}
    [(a_raw,)] = query(runs.a.path, "select list(document_id) from raw.documents")
    [(a_facts,)] = query(
        runs.a.path, "select list(distinct document_id) from marts.fct_financial_facts"
    )
    assert not b_ids & (set(a_raw) | set(a_facts))
    for warehouse in (runs.a, runs.b):
        [(folder,)] = query(warehouse.path, "select folder from raw.source_folder")
        assert folder == str(warehouse.folder.resolve())


@pytest.mark.integration
def test_each_warehouse_keeps_its_own_build_state(runs: Runs) -> None:
    beside = runs.a.path.parent
    for name in ("a", "b"):
        assert (beside / "build" / f"{name}_build.duckdb").is_file()
        assert any((beside / "build" / f"{name}_dbt_runs").iterdir())
        assert (beside / f"{name}_validation" / "report.html").is_file()
        assert (beside / "build" / f"{name}_dagster_home" / "dagster.yaml").is_file()
    # nothing went to the shared names of a warehouse called disclosures.duckdb
    assert not (beside / "build" / "dbt_runs").exists()
    assert not (beside / "validation").exists()


@pytest.mark.integration
def test_a_build_database_refuses_another_folder(runs: Runs) -> None:
    assert runs.refused.returncode != 0
    said = " ".join(runs.refused.stdout.split())
    assert "FolderMismatchError" in said
    assert str(runs.a.folder.resolve()) in said and str(runs.b.folder) in said
    assert "WAREHOUSE_PATH" in said
    assert runs.a_bytes_after_refusal == runs.a_bytes_before_refusal


@pytest.mark.integration
def test_a_removed_file_is_withdrawn_with_its_facts(runs: Runs) -> None:
    facts, kpis = runs.removed_facts_before
    assert facts > 0 and kpis > 0
    assert runs.removed_facts_withdrawn == (0, 0)
    rows = {row[0]: row for row in runs.a.documents["withdrawn"]}
    _, _, status, withdrawn_at, reason = rows[REMOVED.name]
    assert status == "withdrawn"
    started, ended = runs.withdrawal_window
    assert started <= withdrawn_at <= ended
    assert "left the disclosures folder" in reason
    # the release still in the folder keeps its facts
    others = [row for name, row in rows.items() if name != REMOVED.name]
    assert [row[2] for row in others] == ["published"]
    assert runs.a.facts_of(others[0][1])[0] > 0
    # its company (the folder's only release of it) keeps its row, counting no document
    first, withdrawn, back = runs.removed_company_documents
    assert (first, withdrawn, back) == (1, 0, 1)
    # and its company's own line items (and members: it prints none; dim_segments' unit
    # test covers those), which only it printed, leave with it
    first_members, withdrawn_members, back_members = runs.removed_own_members
    assert first_members[0] > 0
    assert withdrawn_members == (0, 0)
    assert back_members == first_members


@pytest.mark.integration
def test_a_file_that_comes_back_is_published_again(runs: Runs) -> None:
    rows = {row[0]: row for row in runs.a.documents["back"]}
    _, document_id, status, withdrawn_at, _ = rows[REMOVED.name]
    assert (document_id, status, withdrawn_at) == (runs.removed_id, "published", None)
    assert runs.removed_facts_back == runs.removed_facts_before
    [(withdrawals,)] = query(runs.a.path, "select count(*) from raw.file_withdrawals")
    assert withdrawals == 0


@pytest.mark.integration
def test_the_same_content_under_two_names_is_one_document(runs: Runs) -> None:
    rows = {row[0]: row for row in runs.b.documents["first"]}
    first, second = rows[SMALL_RELEASE.name], rows[COPY_NAME]
    assert first[1] == second[1]
    assert (first[2], second[2]) == ("published", "duplicate")
    assert SMALL_RELEASE.name in second[4]
    assert rows[UNREADABLE_NAME][2] == "failed"
    # its facts once: one document in the facts, no fact twice, no KPI twice
    [(documents, facts, distinct_facts)] = query(
        runs.b.path,
        "select count(distinct document_id), count(*), count(distinct fact_id) "
        "from marts.fct_financial_facts",
    )
    assert documents == 1 and facts == distinct_facts > 0
    [(kpis, distinct_kpis)] = query(
        runs.b.path, "select count(*), count(distinct kpi_fact_id) from marts.fct_kpis"
    )
    assert kpis == distinct_kpis
    [(published,)] = query(
        runs.b.path,
        "select count(*) from marts.dim_documents where is_latest_version and status = 'published'",
    )
    assert published == 1


def test_the_default_warehouse_keeps_its_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WAREHOUSE_PATH", *DERIVED):
        monkeypatch.delenv(name, raising=False)
    root = settings.PROJECT_ROOT
    assert settings.build_db_path() == root / "data/warehouse/build/disclosures_build.duckdb"
    assert settings.dbt_runs_dir() == root / "data/warehouse/build/dbt_runs"
    assert settings.validation_dir() == root / "data/warehouse/validation"
    assert settings.dagster_home() == root / ".dagster_home"
    # an explicit path still wins
    monkeypatch.setenv("WAREHOUSE_PATH", "elsewhere/other.duckdb")
    monkeypatch.setenv("BUILD_DB_PATH", "/tmp/chosen.duckdb")
    assert settings.build_db_path() == Path("/tmp/chosen.duckdb")
    assert settings.dagster_home() == root / "elsewhere/build/other_dagster_home"


def test_a_workspace_copied_whole_keeps_its_folder(tmp_path: Path) -> None:
    at = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    original = tmp_path / "original"
    (original / "disclosures").mkdir(parents=True)
    build = original / "build" / "disclosures_build.duckdb"
    with raw_store.open_store(build) as con:
        raw_store.claim_folder(con, build, original / "disclosures", at)
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    copied_build = copy / "build" / "disclosures_build.duckdb"
    with raw_store.open_store(copied_build) as con:
        raw_store.claim_folder(con, copied_build, copy / "disclosures", at)
        with pytest.raises(raw_store.FolderMismatchError, match="one warehouse, per folder"):
            raw_store.claim_folder(con, copied_build, tmp_path, at)
        assert con.execute("select folder from raw.source_folder").fetchall() == [
            (str((copy / "disclosures").resolve()),)
        ]
