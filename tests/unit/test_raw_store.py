"""The raw layer's loader: a batch of documents is the same as the documents one by one."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extraction import DocumentStatus, ExtractionResult, extract_bytes
from extraction.document import document_id_for
from extraction.schema import RAW_TABLES
from orchestration import raw_store
from orchestration.extract import (
    POOL_THRESHOLD,
    ExtractorCrashError,
    content_ids,
    extract_loadable,
    extract_many,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "disclosures"
LOADED_AT = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def fixture_results() -> list[ExtractionResult]:
    """Three files: two releases, and a copy of the first under another name."""
    first, second = sorted(p for p in FIXTURES.glob("*.txt"))[:2]
    return [
        extract_bytes(first.read_bytes(), first.name),
        extract_bytes(second.read_bytes(), second.name),
        extract_bytes(first.read_bytes(), f"copy_of_{first.name}"),
    ]


def loadable(results: list[ExtractionResult]) -> list[raw_store.LoadableResult]:
    return [raw_store.loadable(result, "v") for result in results]


def contents(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    tables = [*RAW_TABLES, "document_versions"]
    return {t: sorted(con.execute(f"select * from raw.{t}").fetchall(), key=repr) for t in tables}


def test_a_batch_writes_what_one_by_one_writes(tmp_path: Path) -> None:
    results = fixture_results()
    with raw_store.open_store(tmp_path / "one.duckdb") as con:
        one_by_one = [raw_store.upsert_result(con, r, "v", LOADED_AT) for r in results]
        expected = contents(con)
    with raw_store.open_store(tmp_path / "batch.duckdb") as con:
        batched = raw_store.upsert_results(con, loadable(results), LOADED_AT)
        assert contents(con) == expected
        # loading the same batch again changes nothing: same rows, same versions
        assert raw_store.upsert_results(con, loadable(results), LOADED_AT) == batched
        assert contents(con) == expected
    assert batched == one_by_one == [1, 1, 1]
    # the copy shares the first file's content: one document, under the last file's name
    names = {row[1] for row in expected["documents"]}
    assert len(expected["documents"]) == 2
    assert f"copy_of_{results[0].document.file_name}" in names
    assert len(expected["document_versions"]) == 3


def test_a_changed_file_becomes_its_next_version(tmp_path: Path) -> None:
    first, second, _ = fixture_results()
    edited = extract_bytes(
        (FIXTURES / second.document.file_name).read_bytes() + b"\n", first.document.file_name
    )
    with raw_store.open_store(tmp_path / "build.duckdb") as con:
        assert raw_store.upsert_results(con, loadable([first]), LOADED_AT) == [1]
        assert raw_store.upsert_results(con, loadable([second, edited]), LOADED_AT) == [1, 2]
        # the first content is still known as version 1 of its name
        assert raw_store.upsert_results(con, loadable([first]), LOADED_AT) == [1]


def test_values_are_stored_exactly(tmp_path: Path) -> None:
    (result, *_) = fixture_results()
    with raw_store.open_store(tmp_path / "build.duckdb") as con:
        raw_store.upsert_results(con, loadable([result]), LOADED_AT)
        stored = dict(
            con.execute(
                "select figure_id, value from raw.figures where value is not null"
            ).fetchall()
        )
    printed = {f.figure_id: f.value for f in result.figures if f.value is not None}
    assert stored == printed
    assert all(isinstance(v, Decimal) for v in stored.values())


def test_a_value_the_column_would_round_is_refused_with_its_document(tmp_path: Path) -> None:
    (result, *_) = fixture_results()
    figure = dataclasses.replace(result.figures[0], value=Decimal("1.0000001"))
    result = dataclasses.replace(result, figures=[figure, *result.figures[1:]])
    with (
        raw_store.open_store(tmp_path / "build.duckdb") as con,
        pytest.raises(ValueError, match=result.document.document_id),
    ):
        raw_store.upsert_results(con, loadable([result]), LOADED_AT)


def test_the_pool_returns_what_one_process_returns_in_order(tmp_path: Path) -> None:
    sources = sorted(FIXTURES.glob("*.txt"))
    paths = []
    for number in range(POOL_THRESHOLD):
        source = sources[number % len(sources)]
        path = tmp_path / f"{number:03d}_{source.name}"
        path.write_bytes(source.read_bytes())
        paths.append(path)
    pooled = list(extract_many(paths, workers=2, parser_version="v"))
    assert [r.document.file_name for r in pooled] == [p.name for p in paths]
    assert pooled == [extract_loadable(p, "v") for p in paths]


def test_an_extractor_crash_names_the_file_and_how_to_reproduce_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(path: Path) -> ExtractionResult:
        raise IndexError("list index out of range")

    monkeypatch.setattr("orchestration.extract.extract_file", crash)
    path = tmp_path / "release.txt"
    path.write_text("anything")
    with pytest.raises(ExtractorCrashError, match=r"release\.txt: the extractor crashed"):
        list(extract_many([path], workers=1, parser_version="v"))


def test_columns_added_at_the_end_are_added_to_an_existing_build_database(tmp_path: Path) -> None:
    path = tmp_path / "build.duckdb"
    older = RAW_TABLES["documents"][:-1]
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute(f"create table raw.documents ({', '.join(f'{n} {t}' for n, t in older)})")
        con.execute("insert into raw.documents (document_id) values ('kept')")
    with raw_store.open_store(path) as con:
        columns = [r[0] for r in con.execute("describe raw.documents").fetchall()]
        kept = con.execute("select document_id from raw.documents").fetchall()
    assert columns == [name for name, _ in RAW_TABLES["documents"]]
    assert kept == [("kept",)]


def test_a_raw_table_whose_columns_changed_otherwise_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "build.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.documents (document_id varchar, other varchar)")
    with (
        pytest.raises(raw_store.RawSchemaMismatchError, match="make clean-build"),
        raw_store.open_store(path),
    ):
        pass


def test_a_new_build_database_is_in_the_published_storage_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration import publish

    own = tmp_path / "own.duckdb"
    duckdb.connect(str(own)).close()
    for version in ("v1.1.0", f"v{duckdb.__version__}"):
        monkeypatch.setenv("WAREHOUSE_STORAGE_VERSION", version)
        build = tmp_path / f"build-{version}.duckdb"
        with raw_store.open_store(build):
            pass
        # so that publishing copies its bytes rather than rewriting it
        assert publish.storage_format(build) == publish.format_of_version(version)
    assert publish.format_of_version("v1.1.0") != publish.storage_format(own)


def test_only_files_loading_would_not_change_are_unchanged(tmp_path: Path) -> None:
    first, second, copy = fixture_results()
    edited_bytes = (FIXTURES / first.document.file_name).read_bytes() + b"\n"
    names = [r.document.file_name for r in (first, second, copy)]
    now = {r.document.file_name: r.document.document_id for r in (first, second, copy)}
    with raw_store.open_store(tmp_path / "build.duckdb") as con:
        assert raw_store.unchanged_files(con, now, "v") == set()  # nothing loaded yet
        raw_store.upsert_results(con, loadable([first, second, copy]), LOADED_AT)
        assert raw_store.unchanged_files(con, now, "v") == set(names)
        # another extractor: every file is read again
        assert raw_store.unchanged_files(con, now, "w") == set()
        # a file whose bytes changed is read again; the others stay unchanged
        changed = {**now, first.document.file_name: document_id_for(edited_bytes)}
        assert raw_store.unchanged_files(con, changed, "v") == set(names[1:])
        # a file that left the folder and is back is loaded again, to take it off the list
        raw_store.record_withdrawals(con, names[1:], LOADED_AT)
        assert raw_store.unchanged_files(con, now, "v") == set(names[1:])


def test_a_file_back_to_an_older_content_is_read_again(tmp_path: Path) -> None:
    first, second, _ = fixture_results()
    edited = extract_bytes(
        (FIXTURES / second.document.file_name).read_bytes(), first.document.file_name
    )
    with raw_store.open_store(tmp_path / "build.duckdb") as con:
        raw_store.upsert_results(con, loadable([first]), LOADED_AT)
        raw_store.upsert_results(con, loadable([edited]), LOADED_AT)  # its version 2
        back = {first.document.file_name: first.document.document_id}
        assert raw_store.unchanged_files(con, back, "v") == set()


def test_a_document_not_read_whole_is_read_again(tmp_path: Path) -> None:
    (result, *_) = fixture_results()
    failed = dataclasses.replace(
        result,
        document=dataclasses.replace(result.document, status=DocumentStatus.FAILED),
    )
    with raw_store.open_store(tmp_path / "build.duckdb") as con:
        raw_store.upsert_results(con, loadable([failed]), LOADED_AT)
        now = {result.document.file_name: result.document.document_id}
        assert raw_store.unchanged_files(con, now, "v") == set()


def test_content_ids_are_the_extractors_and_skip_unreadable_files(tmp_path: Path) -> None:
    (result, *_) = fixture_results()
    readable = tmp_path / result.document.file_name
    readable.write_bytes((FIXTURES / result.document.file_name).read_bytes())
    assert content_ids([readable, tmp_path / "missing.txt"]) == {
        readable.name: result.document.document_id
    }


def test_the_raw_state_changes_with_what_the_models_read_and_only_then(tmp_path: Path) -> None:
    first, second, _ = fixture_results()
    failed = dataclasses.replace(
        second, document=dataclasses.replace(second.document, status=DocumentStatus.FAILED)
    )
    edited = extract_bytes(
        (FIXTURES / first.document.file_name).read_bytes() + b"\n", first.document.file_name
    )
    later = LOADED_AT + dt.timedelta(days=1)
    with raw_store.open_store(tmp_path / "build.duckdb") as con:
        empty = raw_store.raw_state(con)
        raw_store.upsert_results(con, loadable([first, failed]), LOADED_AT)
        loaded = raw_store.raw_state(con)
        assert loaded != empty
        # the failed file read again a day later, with the same outcome: the same state
        raw_store.upsert_results(con, loadable([failed]), later)
        assert raw_store.raw_state(con) == loaded
        # another extractor's rows, a new version, a withdrawal: each another state
        raw_store.upsert_results(con, [raw_store.loadable(failed, "w")], later)
        other_extractor = raw_store.raw_state(con)
        assert other_extractor != loaded
        raw_store.upsert_results(con, loadable([edited]), later)
        new_version = raw_store.raw_state(con)
        assert new_version not in (loaded, other_extractor)
        raw_store.record_withdrawals(con, [first.document.file_name], later)
        assert raw_store.raw_state(con) not in (loaded, other_extractor, new_version)
