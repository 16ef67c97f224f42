"""python -m corpus --count N --out DIR --seed S: write a synthetic corpus with its truth."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from corpus.generate import generate_corpus


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m corpus", description=__doc__)
    parser.add_argument("--count", type=int, default=20, help="number of releases (20)")
    parser.add_argument("--out", type=Path, default=Path("data/corpus"), help="data/corpus")
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")
    args = parser.parse_args()
    start = time.perf_counter()
    paths = generate_corpus(args.count, args.out, args.seed)
    elapsed = time.perf_counter() - start
    print(f"wrote {len(paths)} releases with truth to {args.out} in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
