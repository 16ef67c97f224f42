"""Split a release into blocks: tables (runs of tabular lines) and prose lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from extraction.numbers import NUMBER_TOKEN, is_nil, parse_number
from extraction.units import unit_of_header

# two or more spaces, or ideographic spaces: " {2,}|\u3000+", written so that each
# alternative opens with a plain character, which lets the engine skip to the next space
_SPACE_RUN = re.compile(r"  +|\u3000\u3000*")
_MONEY_CELL = re.compile(r"(?:JPY|\u00a5|US\$|\$)\s?[0-9]", re.IGNORECASE)


class Cell(NamedTuple):
    """A cell of a line. Immutable; a named tuple rather than a frozen dataclass because it
    is made for every cell of every table line, and a frozen dataclass is slow to make."""

    text: str
    start: int  # offset of the cell's first character in its line
    end: int

    @property
    def is_empty(self) -> bool:
        return not self.text


@dataclass(slots=True)
class Row:
    line_number: int
    text: str
    cells: list[Cell]  # not changed once the row is made: what follows is worked out once
    values: list[Cell] = field(init=False, repr=False, compare=False)  # the cells after the label
    has_numbers: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # every stage asks these of the same rows again and again
        self.values = self.cells[1:]
        self.has_numbers = any(is_value_cell(c.text) for c in self.values)

    @property
    def label(self) -> str:
        return self.cells[0].text if self.cells else ""


@dataclass(slots=True)
class Block:
    index: int
    rows: list[Row]
    caption_lines: list[tuple[int, str]] = field(default_factory=list)  # before the table
    trailing_lines: list[tuple[int, str]] = field(default_factory=list)  # title after it

    @property
    def first_line(self) -> int:
        return self.rows[0].line_number

    @property
    def last_line(self) -> int:
        return self.rows[-1].line_number


@lru_cache(maxsize=8192)
def is_value_cell(text: str) -> bool:
    """A cell that holds a number (possibly damaged), a nil mark or an inline amount."""
    # asked again for the same cells by block finding, table analysis and classification
    text = text.strip()
    if not text:
        return False
    if parse_number(text) is not None or is_nil(text):
        return True
    if _MONEY_CELL.search(text):
        return True
    # merged cells such as "1,506,998 -" or "- 2,039,353 -": every part is a value
    parts = text.split()
    return len(parts) > 1 and all(parse_number(p) is not None or is_nil(p) for p in parts)


def split_cells(line: str) -> list[Cell]:
    """Cells of a line: tab-separated, or separated by runs of two or more spaces."""
    # block finding, table analysis and the ledger all split the same lines
    return list(_split_cells(line))


@lru_cache(maxsize=8192)
def _split_cells(line: str) -> tuple[Cell, ...]:
    cells: list[Cell] = []
    if "\t" in line:
        pos = 0
        for part in line.split("\t"):
            stripped = part.strip()
            lead = len(part) - len(part.lstrip())
            cells.append(Cell(stripped, pos + lead, pos + lead + len(stripped)))
            pos += len(part) + 1
    else:
        pos = 0
        leading = len(line) - len(line.lstrip(" \u3000"))
        if leading >= 2:
            cells.append(Cell("", 0, 0))
        for match in _SPACE_RUN.finditer(line):
            part = line[pos : match.start()]
            if part.strip():
                lead = len(part) - len(part.lstrip())
                cells.append(Cell(part.strip(), pos + lead, pos + lead + len(part.strip())))
            pos = match.end()
        tail = line[pos:]
        if tail.strip():
            lead = len(tail) - len(tail.lstrip())
            cells.append(Cell(tail.strip(), pos + lead, pos + lead + len(tail.strip())))
    while cells and cells[-1].is_empty and len(cells) > 1:
        cells.pop()
    return tuple(cells)


def _is_tabular(line: str) -> bool:
    if "\t" in line:
        return True
    if _SPACE_RUN.search(line) is None:
        return False  # one cell at most: without a run of spaces, nothing splits the line
    cells = split_cells(line)
    if len(cells) < 2:
        return False
    # Prose with a double space after a full stop is not a table: a tabular line in a
    # space layout has short cells, at least one of which is a value, a date or a unit.
    if any(len(c.text) > 160 for c in cells):
        return False
    if not cells[0].text and len(cells) >= 3:
        return True  # an indented line of several spaced cells: a column header
    rest = [c.text for c in cells[1:] if c.text]
    return any(is_value_cell(t) or NUMBER_TOKEN.search(t) or _unit_like(t) for t in rest)


def _is_heading_inside_table(lines: list[str], tabular: list[bool], index: int) -> bool:
    """A short label-only line between table rows ("Current assets") in a space layout.

    Without tabs such a heading has no cell separator, but it sits directly between
    tabular lines (possibly after other headings), with no blank line around it.
    """
    text = lines[index].strip()
    if not text or len(text) > 80 or text.endswith((".", ";")):
        return False
    if SLIDE_FOOTER.search(text) or unit_of_header(text) is not None:
        # a page's footer or a unit caption: the table ends and another may follow
        return False
    after = index + 1
    while after < len(lines) and lines[after].strip() and not tabular[after]:
        if len(lines[after].strip()) > 80:
            return False
        after += 1
    return after < len(lines) and tabular[after]


# the footer of a slide: "(c) Example Corporation All Rights Reserved. 4"
SLIDE_FOOTER = re.compile(r"^(?:\u00a9|\(c\)|copyright\b)|\ball rights reserved\b", re.I)
_UNIT_LIKE = re.compile(r"\b(?:yen|JPY|millions?|thousands?|%)\b|%", re.IGNORECASE)


def _unit_like(text: str) -> bool:
    return bool(_UNIT_LIKE.search(text))


def _is_prose_title(text: str) -> bool:
    stripped = text.strip()
    return 0 < len(stripped) <= 160 and not stripped.endswith((".", ",", ";"))


def find_blocks(lines: list[str]) -> tuple[list[Block], set[int]]:
    """Tables of the document and the set of line numbers (1-based) they occupy.

    A table is a maximal run of tabular lines. A run with no values at all (a caption
    laid out in cells, or a rule of dashes) becomes the caption of the table that follows.
    Short non-sentence lines just before or after a table are kept as its caption or
    trailing title: releases print statement titles on either side of their tables.
    """
    runs: list[list[Row]] = []
    current: list[Row] = []
    tabular = [bool(line.strip()) and _is_tabular(line) for line in lines]
    for index, line in enumerate(lines):
        number = index + 1
        if tabular[index] or (current and _is_heading_inside_table(lines, tabular, index)):
            current.append(
                Row(
                    number,
                    line,
                    split_cells(line)
                    if tabular[index]
                    else [Cell(line.strip(), len(line) - len(line.lstrip()), len(line.rstrip()))],
                )
            )
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)

    blocks: list[Block] = []
    pending_caption: list[tuple[int, str]] = []
    table_lines: set[int] = set()
    for run in runs:
        table_lines.update(r.line_number for r in run)
        if not any(r.has_numbers for r in run):
            text_rows = [r for r in run if any(c.text.strip("-") for c in r.cells)]
            pending_caption = [
                (r.line_number, " ".join(c.text for c in r.cells if c.text)) for r in text_rows
            ]
            continue
        block = Block(index=len(blocks), rows=run)
        start = run[0].line_number
        if pending_caption and start - pending_caption[-1][0] <= 3:
            block.caption_lines.extend(pending_caption)
        pending_caption = []
        block.caption_lines[:0] = _nearby_titles(lines, start, step=-1, table_lines=table_lines)
        block.trailing_lines = _nearby_titles(
            lines, run[-1].line_number, step=1, table_lines=table_lines
        )
        blocks.append(block)
    return blocks, table_lines


def _nearby_titles(
    lines: list[str], line_number: int, step: int, table_lines: set[int]
) -> list[tuple[int, str]]:
    """Up to two short title lines next to a table, skipping blank lines."""
    found: list[tuple[int, str]] = []
    index = line_number - 1 + step
    blanks = 0
    while 0 <= index < len(lines) and len(found) < 2:
        text = lines[index]
        if not text.strip():
            blanks += 1
            if blanks > 2:
                break
        elif (index + 1) in table_lines or "\t" in text or not _is_prose_title(text):
            break
        else:
            found.append((index + 1, text.strip()))
            blanks = 0
        index += step
    return found if step > 0 else list(reversed(found))
