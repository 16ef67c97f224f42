"""Layout readers: turn the ways real text converters lay out tables into cell rows.

The table analysis (``extraction.blocks`` and ``extraction.tables``) reads rows whose cells
are separated by tabs or runs of spaces. Text that PDF and HTML converters produce often
comes otherwise:

- **spaced** (``extraction.layout.spaced``): a label and its values on one line separated
  by single spaces, with column headers wrapped over the lines above the numbers;
- **stacked** (``extraction.layout.stacked``): one cell per line, with ``$`` and ``%`` on
  lines of their own.

Each reader finds the regions of a document laid out its way, from their content (runs of
number cells, header and unit words, dates), and rebuilds them as tab-separated rows;
everything else passes through unchanged. A document whose tables already come in cells
(tabs or runs of spaces) is left as it is. The rebuilt lines keep a map back to the source
(:mod:`extraction.layout.sourcemap`), so figures and ledger tokens keep their source line.
"""

from __future__ import annotations

from dataclasses import dataclass

from extraction.layout.sourcemap import MappedLine, identity


@dataclass(slots=True)
class Relaid:
    """A document's lines after the layout readers, with their source places."""

    texts: list[str]
    layout: str  # "cells" (as printed), "spaced", "stacked" or "spaced+stacked"
    repairs: list[tuple[int, str]]  # (source line, what was rebuilt) for the issue log
    ends_with_newline: bool = True
    # the rebuilt lines with their source places; None where every line is as printed
    lines: list[MappedLine] | None = None

    def locate(self, line_number: int, offset: int = 0) -> tuple[int, int]:
        """Source line and column of ``offset`` in rebuilt line ``line_number`` (1-based)."""
        if self.lines is None or not 1 <= line_number <= len(self.lines):
            return line_number, offset
        return self.lines[line_number - 1].locate(offset)


def relayout(lines: list[str]) -> Relaid:
    """Rebuild the regions of ``lines`` that are laid out spaced or stacked as cell rows."""
    from extraction.layout.detect import has_cell_tables
    from extraction.layout.spaced import rebuild_spaced
    from extraction.layout.stacked import rebuild_stacked

    newline = not lines or lines[-1] == ""
    if has_cell_tables(lines):
        return Relaid(lines, "cells", [], newline)
    mapped = [identity(text, number) for number, text in enumerate(lines, start=1)]
    repairs: list[tuple[int, str]] = []
    layouts = []
    stacked, stacked_repairs = rebuild_stacked(mapped)
    if stacked_repairs:
        layouts.append("stacked")
        repairs += stacked_repairs
    spaced, spaced_repairs = rebuild_spaced(stacked)
    if spaced_repairs:
        layouts.append("spaced")
        repairs += spaced_repairs
    texts = [line.text for line in spaced]
    return Relaid(texts, "+".join(layouts) or "cells", repairs, newline, spaced)
