"""Where extraction spends its time: seconds per stage of ``extract_bytes`` over a corpus.

Usage: python benchmarks/extraction_profile.py [DIR] [--repeat N] [--limit K]
DIR defaults to data/corpus (``make corpus``). Each stage that ``extraction.document``
calls (block finding, table analysis, table figures, narrative, ledger ...) is timed by
wrapping it for the run; the fastest of the repeats is reported, in seconds and as a
share of the whole. Unlike cProfile (``throughput.py --profile``) this adds almost no
overhead, so the shares are those of an ordinary run.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import extraction.document as document
import extraction.ledger as ledger
from extraction import extract_bytes

ROOT = Path(__file__).resolve().parents[1]
STAGES = (
    "decode",
    "_read_metadata",
    "_calendar",
    "original_forecast_date",
    "find_blocks",
    "analyse",
    "classify",
    "_repair_headers",
    "figures_of",
    "narrative_figures",
    "mark_share_basis",
    "_check_document",
)


def _timed(function: Callable[..., Any], name: str, totals: Counter[str]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - start

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=ROOT / "data" / "corpus")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="only the first K documents")
    args = parser.parse_args()
    paths = sorted(args.directory.glob("*.txt"))[: args.limit or None]
    if not paths:
        raise SystemExit(f"no .txt files in {args.directory}")
    docs = [(p.name, p.read_bytes()) for p in paths]
    totals: Counter[str] = Counter()
    for name in STAGES:
        setattr(document, name, _timed(getattr(document, name), name, totals))
    # the ledger is imported inside extract_bytes, from its module
    ledger.build_ledger = _timed(ledger.build_ledger, "build_ledger", totals)
    for name, data in docs[:2]:
        extract_bytes(data, name)  # imports and compiled patterns, outside the timings
    best: tuple[float, Counter[str]] | None = None
    for _ in range(args.repeat):
        totals.clear()
        start = time.perf_counter()
        for name, data in docs:
            extract_bytes(data, name)
        elapsed = time.perf_counter() - start
        if best is None or elapsed < best[0]:
            best = (elapsed, Counter(totals))
    assert best is not None
    elapsed, stages = best
    print(f"{len(docs)} documents in {elapsed:.2f} s ({len(docs) / elapsed:.1f} docs/s)")
    for name, seconds in stages.most_common():
        print(f"{name:26s} {seconds:7.3f} s {100 * seconds / elapsed:5.1f}%")
    print(f"{'(the rest)':26s} {elapsed - sum(stages.values()):7.3f} s")


if __name__ == "__main__":
    main()
