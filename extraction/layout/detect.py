"""Is a document already in cells? Then the layout readers leave it alone."""

from __future__ import annotations

import re

from extraction.blocks import is_value_cell
from extraction.numbers import NUMBER_TOKEN

# a cell boundary as the table analysis reads it: a tab, two or more spaces, or an
# ideographic space
_CELL_GAP = re.compile(r"\t|  +|\u3000")
# tab-separated rows that make a document's tables cells whatever its other lines are
_MIN_TAB_ROWS = 5
# else the share of the lines holding a number that must be rows of cells: a converter that
# keeps column positions (pdftotext -layout) pads every table line with runs of spaces
_MIN_CELL_SHARE = 0.4


def cell_row(line: str) -> bool:
    """A line of label and value cells separated as the table analysis expects."""
    parts = [part.strip() for part in _CELL_GAP.split(line.strip()) if part.strip()]
    return len(parts) >= 2 and any(is_value_cell(part) for part in parts[1:])


def has_cell_tables(lines: list[str]) -> bool:
    """True when the document's tables are already laid out in cells (tabs or space runs)."""
    # most documents in cells have tabs: a few tab rows answer without reading the rest
    tab_rows = 0
    for line in lines:
        if "\t" in line and cell_row(line):
            tab_rows += 1
            if tab_rows >= _MIN_TAB_ROWS:
                return True
    cell_rows = numeric = 0
    for line in lines:
        if NUMBER_TOKEN.search(line) is None:
            continue
        numeric += 1
        if _CELL_GAP.search(line.strip()) and cell_row(line):
            cell_rows += 1
    return numeric > 0 and cell_rows / numeric >= _MIN_CELL_SHARE
