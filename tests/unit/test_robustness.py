"""Damaged input never crashes the extractor, and its token ledger always closes.

Seeded mutations of the bundled release and the fixtures (lines dropped or swapped, stray
characters, cut files, doubled tabs) stand in for the extraction damage of releases we have
not seen.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from extraction import TokenStatus, extract_bytes

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / "data" / "disclosures" / "iij_2021-11-05_1H21_earnings_release.txt",
    ROOT / "tests" / "fixtures" / "disclosures" / "acme_fy2022_full_year.txt",
    ROOT / "tests" / "fixtures" / "disclosures" / "iij_q1_highlights_only.txt",
]
STRAYS = ["", "\t", " ", "(", ")", "-", "9", ",", "."]


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    operation = rng.choice(["drop", "swap", "chars", "cut", "tabs"])
    if operation == "drop":
        lines = [line for line in lines if rng.random() > 0.2]
    elif operation == "swap":
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
    elif operation == "chars":
        chars = list(text)
        for _ in range(200):
            chars[rng.randrange(len(chars))] = rng.choice(STRAYS)
        return "".join(chars)
    elif operation == "cut":
        lines = lines[: rng.randrange(1, len(lines))]
    else:
        lines = [line.replace("\t", "\t\t") if rng.random() < 0.3 else line for line in lines]
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(30))
def test_mutated_release_extracts_and_ledger_closes(seed: int) -> None:
    rng = random.Random(seed)
    text = _mutate(rng.choice(SOURCES).read_text(encoding="utf-8"), rng)
    result = extract_bytes(text.encode("utf-8"), f"mutated-{seed}.txt")
    per_figure = Counter(t.figure_id for t in result.tokens if t.status == TokenStatus.FIGURE)
    assert set(per_figure) == {f.figure_id for f in result.figures}
    assert all(count == 1 for count in per_figure.values())
    assert all(t.reason for t in result.tokens if t.status != TokenStatus.FIGURE)
