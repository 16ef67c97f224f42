"""Extraction time per document: the median of repeated runs over the given files.

Usage: python benchmarks/extraction_speed.py [FILE ...] [--repeat N]
Defaults to every file in data/disclosures. Prints one line per file and a total.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from extraction import extract_bytes

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    files = args.files or sorted(
        p for p in (ROOT / "data" / "disclosures").iterdir() if p.is_file()
    )
    print(f"{'file':60s} {'figures':>7s} {'tokens':>6s} {'median ms':>9s} {'min ms':>7s}")
    for path in files:
        data = path.read_bytes()
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = extract_bytes(data, path.name)
            timings.append((time.perf_counter() - start) * 1000)
        print(
            f"{path.name[:60]:60s} {len(result.figures):7d} {len(result.tokens):6d} "
            f"{statistics.median(timings):9.1f} {min(timings):7.1f}"
        )


if __name__ == "__main__":
    main()
