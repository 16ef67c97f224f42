"""Write a corpus: companies over consecutive periods, one release per period."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from corpus.model import Company, make_company
from corpus.render import (
    FACT_COLUMNS,
    TRUTH_COLUMNS,
    Release,
    Style,
    draw_style,
    periods_for,
    render,
)

KINDS = ("Q1", "1H", "9M", "FY")


def generate_corpus(count: int, out: Path, seed: int = 0) -> list[Path]:
    """Write ``count`` releases (and their truth and facts files) into ``out``."""
    rng = random.Random(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    index = 0
    while len(written) < count:
        run = min(rng.randint(3, 8), count - len(written))
        first_kind = rng.randrange(4)
        first_year = rng.randint(2016, 2025)
        doc_years = (first_kind + run - 1) // 4 + 1
        # two years before the first release (comparatives and their openings), one after
        # (the next year's targets)
        company = make_company(rng, index, first_year - 2, doc_years + 3)
        index += 1
        for step in range(run):
            year = first_year + (first_kind + step) // 4
            kind = KINDS[(first_kind + step) % 4]
            written.append(write_release(out, company, year, kind, draw_style(rng, company)))
    return written


def write_release(out: Path, company: Company, year: int, kind: str, style: Style) -> Path:
    """Write one release of ``company`` (period ``kind`` of fiscal year ``year``) into ``out``."""
    release = render(company, year, kind, style)
    p = periods_for(company, year, kind)
    name = (
        f"{company.short_name.lower()}_{company.code}_{p.published.isoformat()}_"
        f"{p.name}_{style.layout}"
    )
    return _write(out, name, release, style.crlf)


def _write(out: Path, name: str, release: Release, crlf: bool) -> Path:
    ending = "\r\n" if crlf else "\n"
    path = out / f"{name}.txt"
    path.write_bytes((ending.join(release.lines) + ending).encode("utf-8"))
    for suffix, header, rows in (
        ("truth", TRUTH_COLUMNS, release.truth),
        ("facts", FACT_COLUMNS, release.facts),
    ):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        (out / f"{name}.{suffix}.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return path
