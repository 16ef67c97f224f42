"""A small synthetic corpus: extracted at 100% recall and precision, identities hold."""

from __future__ import annotations

import csv
import random
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from extraction import DocumentStatus, TokenStatus, extract_file

# corpus/ and benchmarks/ are read from the checkout, installed or not
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import compare  # noqa: E402
from corpus import generate_corpus  # noqa: E402
from corpus.generate import write_release  # noqa: E402
from corpus.identities import check  # noqa: E402
from corpus.model import make_company  # noqa: E402
from corpus.render import FULL_SECTIONS, draw_style  # noqa: E402

# (fiscal year end month, period, layout, tab-separated, CRLF line endings)
CASES = [
    (3, "1H", "full", True, False),
    (12, "FY", "full", False, True),
    (6, "Q1", "highlights", True, True),
    (9, "9M", "full", False, False),
    (3, "Q1", "full", True, True),
    (12, "1H", "highlights", False, False),
]


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("corpus")
    paths = []
    for index, (month, kind, layout, tabs, crlf) in enumerate(CASES):
        rng = random.Random(index)
        company = make_company(rng, index, 2019, 5)
        company.fy_end_month, company.tabs = month, tabs
        style = draw_style(rng, company)
        style.layout, style.crlf = layout, crlf
        style.sections = frozenset(FULL_SECTIONS)  # every section the company can print
        paths.append(write_release(out, company, 2021, kind, style))
    return paths


def test_cases_cover_layouts_year_ends_and_separators(releases: list[Path]) -> None:
    texts = [p.read_bytes() for p in releases]
    assert {b"\t" in t for t in texts} == {True, False}
    assert {b"\r\n" in t for t in texts} == {True, False}
    assert {p.stem.rsplit("_", 1)[1] for p in releases} == {"full", "highlights"}
    assert len({month for month, *_ in CASES}) == 4


@pytest.mark.parametrize("index", range(len(CASES)))
def test_extraction_matches_truth(releases: list[Path], index: int) -> None:
    path = releases[index]
    result = extract_file(path)
    assert result.document.status == DocumentStatus.EXTRACTED
    comparison = compare(result, path.with_suffix(".truth.csv"))
    assert comparison.truth_rows > 10
    assert (comparison.misses, comparison.wrong, comparison.extras) == ([], [], [])
    assert comparison.recall == comparison.precision == 1.0
    assert not [t for t in result.tokens if t.status == TokenStatus.UNPARSED]


@pytest.mark.parametrize("index", range(len(CASES)))
def test_accounting_identities_hold(releases: list[Path], index: int) -> None:
    assert check(releases[index].with_suffix(".truth.csv")) == []


def test_identity_check_finds_a_broken_total(releases: list[Path], tmp_path: Path) -> None:
    """Moving one statement figure by a unit breaks its subtotal (so the check can fail)."""
    source = releases[0].with_suffix(".truth.csv")
    facts = source.with_name(source.name.replace(".truth.csv", ".facts.csv"))
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with facts.open(newline="", encoding="utf-8") as handle:
        concepts = [row[2] for row in csv.reader(handle)]
    row = rows[concepts.index("inventories")]  # a current asset, summed by its subtotal
    row[-1] = str(Decimal(row[-1]) + 10**6)
    broken = tmp_path / source.name
    with broken.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    (tmp_path / facts.name).write_bytes(facts.read_bytes())
    assert any("current_assets" in problem for problem in check(broken))


def test_generation_is_deterministic_and_complete(tmp_path: Path) -> None:
    first = generate_corpus(8, tmp_path / "a", seed=3)
    second = generate_corpus(8, tmp_path / "b", seed=3)
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))
    assert all(p.with_suffix(".truth.csv").exists() for p in first)
