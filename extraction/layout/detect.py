"""Is a document already in cells? Then the layout readers leave it alone."""

from __future__ import annotations

import re

from extraction.blocks import is_value_cell

# a cell boundary as the table analysis reads it: a tab, two or more spaces, or an
# ideographic space
_CELL_GAP = re.compile(r"\t|  +|\u3000")
# a share of the lines holding numbers large enough to say the tables come in cells
_MIN_CELL_ROWS = 5


def cell_row(line: str) -> bool:
    """A line of label and value cells separated as the table analysis expects."""
    parts = [part.strip() for part in _CELL_GAP.split(line.strip()) if part.strip()]
    return len(parts) >= 2 and any(is_value_cell(part) for part in parts[1:])


def has_cell_tables(lines: list[str]) -> bool:
    """True when the document's tables are already laid out in cells (tabs or space runs)."""
    count = 0
    for line in lines:
        if _CELL_GAP.search(line.strip()) and cell_row(line):
            count += 1
            if count >= _MIN_CELL_ROWS:
                return True
    return False
