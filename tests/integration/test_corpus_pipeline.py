"""A few synthetic releases through the whole pipeline, so that the corpus generator and the
pipeline stay in step: consecutive periods of generated companies extract, map, pass every
blocking check (year-on-year growth included) and publish.

``tests/unit/test_corpus.py`` checks extraction against the truth files; this module checks
what only a whole run shows (the dbt tests, the Great Expectations gate, the quarantine).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.cli import run_pipeline

pytestmark = pytest.mark.integration

RELEASES = 6


def test_generated_releases_publish_whole(pipeline_workspace: Path, tmp_path: Path) -> None:
    # corpus/ and benchmarks/ are read from the checkout, installed or not
    sys.path.insert(0, str(settings.PROJECT_ROOT))
    from benchmarks.accuracy import read_truth
    from corpus import generate_corpus

    generated = generate_corpus(RELEASES, tmp_path / "corpus", seed=7)
    disclosures = settings.disclosures_dir()
    shutil.rmtree(disclosures)
    disclosures.mkdir()
    for release in generated:
        shutil.copy(release, disclosures / release.name)

    summary = run_pipeline()

    assert summary.success, summary.render()
    assert summary.documents == RELEASES
    assert summary.rejected == {}
    assert summary.quarantined == {}
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        statuses = dict(con.execute("select file_name, status from marts.dim_documents").fetchall())
        figures = dict(
            con.execute(
                "select d.file_name, count(*) from raw.figures as f "
                "inner join raw.documents as d on f.document_id = d.document_id group by 1"
            ).fetchall()
        )
    assert statuses == {release.name: "published" for release in generated}
    # every figure the truth file lists (nil cells are none) reached the raw layer, no more
    assert figures == {
        release.name: len(read_truth(release.with_suffix(".truth.csv"))) for release in generated
    }
