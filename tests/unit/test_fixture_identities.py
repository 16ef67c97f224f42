"""The hand-written fixture releases agree with their truth files, print nothing the truth files
leave out, and satisfy the accounting identities they were designed to (the checks of
tests/fixtures/check_fixture_identities.py, which runs them from the command line too)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
sys.path.insert(0, str(FIXTURES))

import check_fixture_identities as checker  # noqa: E402
import make_relaid  # noqa: E402

WITH_TRUTH = sorted(
    path.name.removesuffix(".truth.csv") for path in checker.DISC.glob("*.truth.csv")
)


def test_every_fixture_with_a_truth_file_has_its_identities() -> None:
    assert sorted(checker.IDENTITIES) == WITH_TRUTH


@pytest.mark.parametrize("name", WITH_TRUTH)
def test_the_fixture_agrees_with_its_truth_file_and_identities(name: str) -> None:
    checker.check_fixture(name)


def test_the_relaid_release_is_the_bundled_one_with_spaces_and_crlf() -> None:
    make_relaid.self_check()
