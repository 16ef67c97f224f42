"""When a run may stop after extraction: the published warehouse is what it would publish."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from orchestration import settings, up_to_date
from orchestration.project import DBT_SOURCES


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A published warehouse file and the record of its publish, in ``tmp_path``."""
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"the published file")
    up_to_date.record_publish(
        tmp_path / "validation", "raw-1", "code-1", warehouse, "run-1", ("a.warning",)
    )
    return warehouse


def current(warehouse: Path, raw_state: str = "raw-1", pipeline: str = "code-1") -> str | None:
    record = up_to_date.current_publish(
        warehouse.parent / "validation", raw_state, pipeline, warehouse
    )
    return None if record is None else record.run_id


def test_the_same_raw_layer_code_and_file_are_current(published: Path) -> None:
    assert current(published) == "run-1"


def test_another_raw_layer_or_code_is_not(published: Path) -> None:
    assert current(published, raw_state="raw-2") is None
    assert current(published, pipeline="code-2") is None


def test_a_published_file_replaced_rewritten_or_removed_is_not(published: Path) -> None:
    written = published.stat().st_mtime_ns
    replacement = published.with_name("other.duckdb")
    replacement.write_bytes(b"the published file")  # the same bytes, written later
    os.utime(replacement, ns=(written + 1_000_000, written + 1_000_000))
    replacement.replace(published)
    assert current(published) is None
    published.write_bytes(b"the published file, rewritten")
    assert current(published) is None
    published.unlink()
    assert current(published) is None


def test_a_published_file_copied_with_its_times_keeps_its_signature(
    published: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(published.parent, copy, ignore=shutil.ignore_patterns("copy"))
    assert current(copy / published.name) == "run-1"


def test_the_last_publish_of_this_code_is_a_baseline_whatever_its_raw_layer(
    published: Path,
) -> None:
    """What the validation of a run over some files compares with (validation_baseline)."""
    record = up_to_date.last_publish(published.parent / "validation", "code-1", published)
    assert record is not None
    assert (record.run_id, record.failed_checks) == ("run-1", ("a.warning",))
    assert up_to_date.last_publish(published.parent / "validation", "code-2", published) is None
    published.write_bytes(b"the published file, rewritten")
    assert up_to_date.last_publish(published.parent / "validation", "code-1", published) is None


def test_a_record_without_the_checks_its_build_failed_is_not(published: Path) -> None:
    """A record written before the records named the checks the build failed."""
    path = published.parent / "validation" / up_to_date.PUBLISH_RECORD_NAME
    record = json.loads(path.read_text(encoding="utf-8"))
    del record["failed_checks"]
    path.write_text(json.dumps(record), encoding="utf-8")
    assert current(published) is None


def test_a_missing_or_foreign_record_is_not(published: Path) -> None:
    record = published.parent / "validation" / up_to_date.PUBLISH_RECORD_NAME
    record.write_text(json.dumps({"raw_state": "raw-1"}), encoding="utf-8")
    assert current(published) is None
    record.write_text("not json", encoding="utf-8")
    assert current(published) is None
    record.unlink()
    assert current(published) is None


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what the pipeline fingerprint reads: the dbt files and both packages."""
    root = settings.PROJECT_ROOT
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__")
    for name in [*DBT_SOURCES, "expectations", "orchestration"]:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=ignore)
        elif source.exists():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, copy / name)
    return copy


@pytest.mark.parametrize(
    "edited",
    ["models/marts/fct_kpis.sql", "seeds", "expectations/suites.py", "orchestration/publish.py"],
)
def test_the_pipeline_fingerprint_follows_its_code(project: Path, edited: str) -> None:
    before = up_to_date.pipeline_fingerprint(project)
    assert up_to_date.pipeline_fingerprint(project) == before
    path = project / edited
    if path.is_dir():
        path = next(p for p in sorted(path.rglob("*")) if p.is_file())
    path.write_bytes(path.read_bytes() + b"\n")
    assert up_to_date.pipeline_fingerprint(project) != before


def test_the_pipeline_fingerprint_follows_the_storage_version(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.WAREHOUSE_STORAGE_VERSION_VARIABLE, "v1.1.0")
    before = up_to_date.pipeline_fingerprint(project)
    monkeypatch.setenv(settings.WAREHOUSE_STORAGE_VERSION_VARIABLE, "v1.2.0")
    assert up_to_date.pipeline_fingerprint(project) != before


def test_a_stamp_that_does_not_name_the_failed_checks_is_not_published(tmp_path: Path) -> None:
    """The publish record must say which checks the published build failed, for the next
    validation's baseline: a stamp written before stamps named them is refused."""
    import duckdb

    from orchestration.validation import (
        STAMP_NAME,
        UnvalidatedBuildError,
        assert_validated,
        file_sha256,
        settle,
    )

    build = tmp_path / "build.duckdb"
    duckdb.connect(str(build)).close()
    stamp = {"build_sha256": settle(build), "success": True, "run_id": "r", "validated_at": "t"}
    (tmp_path / STAMP_NAME).write_text(json.dumps(stamp), encoding="utf-8")
    with pytest.raises(UnvalidatedBuildError, match="does not list the checks"):
        assert_validated(build, tmp_path)
    stamp["failed_checks"] = ["a.warning"]
    (tmp_path / STAMP_NAME).write_text(json.dumps(stamp), encoding="utf-8")
    validated = assert_validated(build, tmp_path)
    assert (validated.sha256, validated.failed_checks) == (file_sha256(build), ("a.warning",))
