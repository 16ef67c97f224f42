"""Recall and precision of the extractor against a synthetic corpus's truth files.

Usage: python benchmarks/accuracy.py [DIR] [--misses N]
DIR defaults to data/corpus (``make corpus`` writes it). For every ``<name>.txt`` with a
``<name>.truth.csv`` beside it, the release is extracted with ``extraction.extract_file``
and its figures are matched to the truth rows the way the fixture tests match them: same
line and value, then the period, scenario, unit, scale and measure must agree. Nil cells
(``—``) print no number and are not figures, so their truth rows are left out.

recall    = truth rows extracted with the right context / truth rows
precision = figures matching a truth row with the right context / figures extracted
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from extraction import ExtractionResult, extract_file
from extraction.numbers import is_nil

ROOT = Path(__file__).resolve().parents[1]
COMPARED = ("period_type", "period_start", "period_end", "scenario", "unit", "scale", "measure")


@dataclass(slots=True)
class Comparison:
    """One document's figures against its truth."""

    name: str
    truth_rows: int = 0
    extracted: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)  # truth rows not extracted
    wrong: list[str] = field(default_factory=list)  # extracted with a wrong context
    extras: list[str] = field(default_factory=list)  # figures no truth row lists

    @property
    def recall(self) -> float:
        return self.correct / self.truth_rows if self.truth_rows else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.extracted if self.extracted else 1.0


def read_truth(path: Path) -> list[dict[str, str]]:
    """The truth rows that print a number (nil cells are not figures)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if not is_nil(row["raw_text"])]


def figure_fields(figure) -> dict[str, str]:
    """A figure's context in the truth file's columns."""
    period = figure.period
    return {
        "period_type": "" if period is None else "instant" if period.is_instant else "duration",
        "period_start": str(period.start) if period is not None and period.start else "",
        "period_end": str(period.end) if period is not None else "",
        "scenario": figure.scenario,
        "unit": figure.unit,
        "scale": str(figure.scale),
        "measure": str(figure.measure),
    }


def compare(result: ExtractionResult, truth_path: Path) -> Comparison:
    """Match figures to truth rows by line and value; then compare their context."""
    rows = read_truth(truth_path)
    comparison = Comparison(truth_path.name.removesuffix(".truth.csv"), len(rows))
    comparison.extracted = len(result.figures)
    unmatched = list(result.figures)
    by_line: dict[int, list] = {}
    for figure in unmatched:
        by_line.setdefault(figure.line_number, []).append(figure)
    for row in rows:
        line, value = int(row["line_number"]), Decimal(row["value"])
        candidates = [f for f in by_line.get(line, ()) if f.value == value]
        # several figures can share a line and value: prefer one whose context agrees
        best = next(
            (f for f in candidates if all(figure_fields(f)[k] == row[k] for k in COMPARED)),
            candidates[0] if candidates else None,
        )
        where = f"line {line} {row['row_label']!r} {row['column_header']!r} {row['raw_text']}"
        if best is None:
            comparison.misses.append(f"{where}: not extracted")
            continue
        by_line[line].remove(best)
        got = figure_fields(best)
        differs = [f"{k} {got[k]!r} != {row[k]!r}" for k in COMPARED if got[k] != row[k]]
        if differs:
            comparison.wrong.append(f"{where}: " + ", ".join(differs))
        else:
            comparison.correct += 1
    comparison.extras = [
        f"line {f.line_number} {f.item_label!r} {f.raw_text!r}: not in the truth"
        for figures in by_line.values()
        for f in figures
    ]
    return comparison


def corpus_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.txt") if p.with_suffix(".truth.csv").exists())


def measure(directory: Path) -> list[Comparison]:
    return [
        compare(extract_file(path), path.with_suffix(".truth.csv"))
        for path in corpus_files(directory)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=ROOT / "data" / "corpus")
    parser.add_argument("--misses", type=int, default=30, help="problems to list (30)")
    args = parser.parse_args()
    comparisons = measure(args.directory)
    if not comparisons:
        raise SystemExit(f"no <name>.txt with <name>.truth.csv in {args.directory}")
    print(f"{'document':58s} {'truth':>6s} {'figures':>7s} {'recall':>7s} {'precision':>9s}")
    for c in comparisons:
        print(
            f"{c.name[:58]:58s} {c.truth_rows:6d} {c.extracted:7d} "
            f"{c.recall:7.2%} {c.precision:9.2%}"
        )
    truth = sum(c.truth_rows for c in comparisons)
    extracted = sum(c.extracted for c in comparisons)
    correct = sum(c.correct for c in comparisons)
    print(
        f"{'overall (' + str(len(comparisons)) + ' documents)':58s} {truth:6d} {extracted:7d} "
        f"{correct / truth if truth else 1:7.2%} {correct / extracted if extracted else 1:9.2%}"
    )
    problems = [(c.name, p) for c in comparisons for p in (*c.misses, *c.wrong, *c.extras)]
    kinds = Counter(p.split(": ", 1)[1].split(" ")[0] for _, p in problems)
    if problems:
        print(f"\n{len(problems)} problems ({dict(kinds)}); the first {args.misses}:")
        for name, problem in problems[: args.misses]:
            print(f"  {name}: {problem}")


if __name__ == "__main__":
    main()
