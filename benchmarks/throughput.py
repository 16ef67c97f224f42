"""Extraction throughput over a corpus: documents and figures per second, one process and all cores.

Usage: python benchmarks/throughput.py [DIR] [--repeat N] [--workers W] [--limit K] [--profile]
DIR defaults to data/corpus (``make corpus``). The files are read into memory first, so
the timings are extraction only (``extract_bytes``). Each repeat extracts every document
once; the medians over repeats are reported, for one process and for a process pool of
W workers (default: every core), started and warmed up before timing. ``--profile``
prints the functions that take the most time in one process instead (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from extraction import extract_bytes

ROOT = Path(__file__).resolve().parents[1]


def _extract_all(batch: list[tuple[str, bytes]]) -> int:
    """Extract every document of ``batch``; the number of figures found."""
    return sum(len(extract_bytes(data, name).figures) for name, data in batch)


def _one_process(docs: list[tuple[str, bytes]], repeat: int) -> tuple[float, int]:
    timings, figures = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        figures = _extract_all(docs)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), figures


def _pool(docs: list[tuple[str, bytes]], repeat: int, workers: int) -> tuple[float, int]:
    # small interleaved batches keep both workers busy to the end and pickling cheap
    batches = [docs[i :: workers * 8] for i in range(workers * 8)]
    timings, figures = [], 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_extract_all, [docs[:workers]] * workers))  # start and warm up
        for _ in range(repeat):
            start = time.perf_counter()
            figures = sum(pool.map(_extract_all, batches))
            timings.append(time.perf_counter() - start)
    return statistics.median(timings), figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=ROOT / "data" / "corpus")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=0, help="only the first K documents")
    parser.add_argument("--profile", action="store_true", help="cProfile one pass instead")
    args = parser.parse_args()
    paths = sorted(args.directory.glob("*.txt"))[: args.limit or None]
    if not paths:
        raise SystemExit(f"no .txt files in {args.directory}")
    docs = [(p.name, p.read_bytes()) for p in paths]
    _extract_all(docs[:2])  # imports and compiled patterns, outside the timings
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(_extract_all, docs)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return
    size = sum(len(d) for _, d in docs) / 1e6
    print(f"{len(docs)} documents, {size:.1f} MB, median of {args.repeat} repeats")
    print(f"{'mode':22s} {'seconds':>8s} {'docs/s':>8s} {'figures/s':>10s} {'docs/s/core':>12s}")
    for mode, workers, (seconds, figures) in (
        ("one process", 1, _one_process(docs, args.repeat)),
        (f"{args.workers} processes", args.workers, _pool(docs, args.repeat, args.workers)),
    ):
        print(
            f"{mode:22s} {seconds:8.2f} {len(docs) / seconds:8.1f} {figures / seconds:10.0f} "
            f"{len(docs) / seconds / workers:12.1f}"
        )


if __name__ == "__main__":
    main()
