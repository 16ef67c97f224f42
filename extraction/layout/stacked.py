"""Stacked layout: one cell per line.

What HTML-to-text converters give for the tables of a US earnings release (8-K exhibit
99)::

    Earnings summary
    (In millions, except per-share amounts)
    Q2 2026
    Q2 2025
    Change
    Revenue
    $
    2,318\u00a0
    $
    2,104\u00a0
    23\u00a0
    %

Every cell is a line of its own: the row label, then each value, with the ``$`` of a
money cell on the line before it and the ``%`` of a percentage on the line after it; a
no-break space pads a cell, on its line or on a line of its own. Four steps rebuild such
a table as tab-separated rows (``Revenue\\t$2,318\\t$2,104\\t23%``):

1. **Lines** (:func:`classify`): each line is a value, a ``$``, a ``%``, a year, a
   footnote mark, a blank (padding) or text.
2. **Rows** (:func:`group_rows`): a text line and the value cells after it make a row; a
   text line without values is a heading or a header line. Padding tells an empty cell
   from the padding of the cell before it.
3. **Tables** (:func:`find_tables`): runs of rows with their headings, and the header
   lines over the first row (period names, years, dates and unit captions).
4. **Headers** (:func:`build_header`): the header lines combined into one header row,
   as many cells as the rows have values ("For Three Months Ended" / "June 30," /
   "2026" / "2025" become "For Three Months Ended June 30, 2026" and "... 2025").

Prose, page numbers and everything outside the tables pass through unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extraction.layout.sourcemap import LineBuilder, MappedLine
from extraction.numbers import is_nil, parse_number
from extraction.periods import (
    DATE,
    PERIOD_LABEL,
    label_half,
    label_quarter,
    label_year,
    parse_date,
)

BLANK = "blank"
DOLLAR = "dollar"
PERCENT = "percent"
VALUE = "value"
YEAR = "year"
MARK = "mark"
TEXT = "text"

_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
# a money cell printed whole: "$0.87", "$1,975 million"
_MONEY = re.compile(
    r"\$\s?\(?[0-9][0-9,]*(?:\.[0-9]+)?\)?(?:\s*(?:thousand|million|billion|trillion)s?)?",
    re.I,
)
# a footnote mark in a cell of its own, between a row's label and its values
_MARK = re.compile(r"[a-z]|\*")
# a page number: a bare small integer (values carry commas, decimals or padding)
_PAGE = re.compile(r"[0-9]{1,3}")
# a line of prose, not a row label or heading
_PROSE_LENGTH = 150


@dataclass(slots=True)
class Line:
    """A source line as the stacked reader sees it."""

    index: int  # position in the reader's input
    kind: str
    text: str  # the line without the white space around it
    line: int  # source line and column of ``text``
    column: int
    padded: bool  # white space after the text: the cell's padding is on its own line


@dataclass(slots=True)
class Cell:
    """A value cell: its ``$``, its number and its ``%``, printed on one to three lines."""

    parts: list[Line]
    padded: bool

    @property
    def has_percent(self) -> bool:
        return self.parts[-1].kind == PERCENT


@dataclass(slots=True)
class Unit:
    """A label line and the cells after it (a row), or a line on its own."""

    label: list[Line]  # the label line and a footnote mark; empty for a line on its own
    cells: list[Cell | None] = field(default_factory=list)  # None: an empty cell
    lines: list[int] = field(default_factory=list)  # every input line the unit took
    solo: Line | None = None  # a line on its own (a year, a page number, a stray mark)

    @property
    def is_row(self) -> bool:
        return bool(self.label) and any(cell is not None for cell in self.cells)

    @property
    def text(self) -> str:
        return " ".join(part.text for part in self.label)

    @property
    def width(self) -> int:
        """Number of cells up to the last value (trailing empty cells do not count)."""
        filled = [i for i, cell in enumerate(self.cells) if cell is not None]
        return filled[-1] + 1 if filled else 0


@dataclass(slots=True)
class Table:
    """A run of rows (with their headings) and the header lines over it."""

    header: list[Unit]
    body: list[Unit]
    columns: int


def classify(mapped: MappedLine, index: int) -> Line:
    """What one line holds: a value, ``$``, ``%``, a year, a footnote mark, blank or text."""
    raw = mapped.text
    text = raw.strip()
    lead = len(raw) - len(raw.lstrip())
    line, column = mapped.locate(lead)
    padded = len(raw.rstrip("\n")) > lead + len(text)
    return Line(index, _kind_of(text), text, line, column, padded)


def _kind_of(text: str) -> str:
    if not text:
        return BLANK
    if text == "$":
        return DOLLAR
    if text == "%":
        return PERCENT
    if _YEAR.fullmatch(text):
        return YEAR
    if parse_number(text) is not None or is_nil(text) or _MONEY.fullmatch(text):
        return VALUE
    if _MARK.fullmatch(text):
        return MARK
    return TEXT


def is_prose(text: str) -> bool:
    """A sentence or paragraph: never a row label, a heading or a header cell."""
    return len(text) > _PROSE_LENGTH or (len(text) > 60 and text.endswith((".", '."', ".\u201d")))


# ------------------------------------------------------------------------------ rows


def _next_kinds(lines: list[Line]) -> list[str]:
    """For each line, the kind of the next line that is not blank (TEXT past the end)."""
    result = [TEXT] * len(lines)
    following = TEXT
    for i in range(len(lines) - 1, -1, -1):
        result[i] = following
        if lines[i].kind != BLANK:
            following = lines[i].kind
    return result


def _is_page_number(line: Line, next_kind: str, unit: Unit | None) -> bool:
    """A page number: a bare small integer followed by text, closing no one-value row.

    Page numbers sit between a table's last row and the next page's title; a row of
    two or more values, or a label without values, does not take one more value there.
    """
    if not (line.kind == VALUE and not line.padded and _PAGE.fullmatch(line.text)):
        return False
    if next_kind not in (TEXT, YEAR):
        return False
    values = sum(1 for cell in unit.cells if cell is not None) if unit else 0
    return values != 1


def group_rows(lines: list[Line]) -> list[Unit]:
    """Group classified lines into rows (a label and its cells) and lines on their own."""
    units: list[Unit] = []
    current: Unit | None = None
    dollar: Line | None = None
    following = _next_kinds(lines)

    def close() -> None:
        nonlocal current, dollar
        if current is not None:
            if dollar is not None:  # a "$" with no value after it stays a cell of its own
                current.cells.append(Cell([dollar], True))
            units.append(current)
        current, dollar = None, None

    for line, next_kind in zip(lines, following, strict=True):
        kind = line.kind
        if _is_page_number(line, next_kind, current) or kind == YEAR:
            close()
            units.append(Unit([], lines=[line.index], solo=line))
            continue
        if kind == TEXT or (kind == MARK and (current is None or current.cells)):
            close()
            current = Unit([line], lines=[line.index])
            continue
        if current is None or is_prose(current.text):
            close()
            units.append(Unit([], lines=[line.index], solo=line))
            continue
        current.lines.append(line.index)
        if kind == MARK:
            current.label.append(line)
        elif kind == DOLLAR:
            dollar = line
        elif kind == VALUE:
            current.cells.append(Cell([dollar, line] if dollar else [line], line.padded))
            dollar = None
        elif kind == PERCENT:
            _add_percent(current, line)
        else:
            _add_blank(current)
    close()
    return units


def _add_percent(unit: Unit, line: Line) -> None:
    last = unit.cells[-1] if unit.cells else None
    if last is not None and not last.has_percent:
        last.parts.append(line)
    else:
        unit.cells.append(Cell([line], line.padded))


def _add_blank(unit: Unit) -> None:
    """A blank line pads the value before it, unless that one has its padding already:
    then it stands for an empty cell (so does a blank right after the label)."""
    last = unit.cells[-1] if unit.cells else None
    if last is not None and not last.padded:
        last.padded = True
    else:
        unit.cells.append(None)


# ---------------------------------------------------------------------------- tables

_UNIT_CAPTION = re.compile(
    r"^\(?\s*(?:\$|US\$|dollars|amounts)?\s*in\s+(?:thousands|millions|billions)\b"
    r"|^\(?\s*(?:\$|dollars|amounts)\s+in\s+(?:thousands|millions|billions)\b"
    r"|^[()]$",
    re.I,
)
_PERIOD_WORDS = re.compile(
    r"\b(?:months?|weeks?|quarters?|years?|fiscal|trailing|ended|ending|as of|ttm|ytd)\b"
    r"|^for\b",
    re.I,
)
_MONTH_DAY = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+[0-9]{1,2},?$", re.I
)
_COLUMN_WORDS = re.compile(
    r"^(?:%\s*)?(?:change|chg\.?|variance|increase|decrease|low|high|midpoint|yoy|y/y|q/q"
    r"|inc(?:rease)?\.?\s*\(dec(?:rease)?\.?\)|%)$",
    re.I,
)
_MAX_HEADER_LINE = 80


def is_unit_caption(text: str) -> bool:
    """ "(In millions, except per-share amounts)", "(In thousands)", or its parentheses."""
    return bool(_UNIT_CAPTION.search(text))


def is_header_text(text: str) -> bool:
    """A line of a column header: a period name or phrase, a date, a unit caption or a
    column word such as "Change", "Low" or "High"."""
    if not text or len(text) > _MAX_HEADER_LINE:
        return False
    return bool(
        is_unit_caption(text)
        or PERIOD_LABEL.search(text)
        or DATE.search(text)
        or _MONTH_DAY.search(text)
        or _PERIOD_WORDS.search(text)
        or _COLUMN_WORDS.match(text)
    )


def _is_header_unit(unit: Unit) -> bool:
    if unit.is_row:
        return False
    if not unit.label:
        return _is_year_unit(unit)
    return is_header_text(unit.text)


def _is_year_unit(unit: Unit) -> bool:
    return unit.solo is not None and unit.solo.kind == YEAR


def _is_heading(unit: Unit) -> bool:
    """A label line without values inside a table ("Current assets:")."""
    return bool(unit.label) and not unit.is_row and not is_prose(unit.text)


def _first_of_body(units: list[Unit], row: int, floor: int) -> int:
    """The first unit of a table body whose first row is ``units[row]``: the headings
    just above that row ("Assets", "Current assets:") belong to the body."""
    first = row
    while first > floor and _is_heading(units[first - 1]) and not _is_header_unit(units[first - 1]):
        first -= 1
    return first


def find_tables(units: list[Unit]) -> list[tuple[int, int, Table]]:
    """Tables as (first unit, last unit, table): header lines, then rows and headings."""
    tables: list[tuple[int, int, Table]] = []
    floor = 0  # units before it belong to an earlier table
    i = 0
    while i < len(units):
        if not units[i].is_row:
            i += 1
            continue
        last = i
        j = i + 1
        while j < len(units) and (units[j].is_row or _is_heading(units[j])):
            if units[j].is_row:
                last = j
            elif _is_header_unit(units[j]):
                break  # the header of the next table
            j += 1
        first = _first_of_body(units, i, floor)
        start = first
        while start > floor and _is_header_unit(units[start - 1]):
            start -= 1
        if start == first:
            first = i  # no header: the headings above the first row are not the table's
        body = units[first : last + 1]
        rows = [u for u in body if u.is_row]
        if len(rows) >= 2:
            columns = max(u.width for u in rows)
            tables.append((start, last, Table(units[start:first], body, columns)))
            floor = last + 1
        i = last + 1
    return tables


# ---------------------------------------------------------------------------- header

Pieces = list[Line]  # the text of one header line (a label and a mark, or a year)

# a length of time ("Three Months Ended", "Trailing 12 Months"): one per group caption
_LENGTH = re.compile(r"\b(?:months?|weeks?|quarters?|years?|trailing|ttm|ytd)\b", re.I)
# how a group caption opens ("For 12" / "Months" / "Ended")
_GROUP_START = re.compile(r"^(?:for|as of)\b", re.I)


def _pieces(unit: Unit) -> Pieces:
    return [unit.solo] if unit.solo is not None else list(unit.label)


def _text(pieces: Pieces) -> str:
    return " ".join(piece.text for piece in pieces)


def _when(pieces: Pieces) -> tuple[int, int, int] | None:
    """Roughly when a header cell ends (year, month, day), to find runs of periods."""
    text = _text(pieces)
    if _YEAR.fullmatch(text):
        return int(text), 12, 31
    date = DATE.search(text)
    day = parse_date(date) if date else None
    if day is not None:
        return day.year, day.month, day.day
    label = PERIOD_LABEL.search(text)
    if label is None:
        return None
    yy = label_year(label)
    year = yy if yy > 100 else 2000 + yy
    quarter, half = label_quarter(label), label_half(label)
    month = 3 * quarter if quarter else 6 * half if half else 12
    return year, month, 0


def _runs(cells: list[Pieces]) -> list[list[int]]:
    """Indices of the period cells in runs that go back in time ("2026", "2025" | "2026",
    "2025"): each run is the comparison set under one group caption."""
    runs: list[list[int]] = []
    previous: tuple[int, int, int] | None = None
    for index, cell in enumerate(cells):
        when = _when(cell)
        if when is None:
            break
        if previous is None or when >= previous:
            runs.append([])
        runs[-1].append(index)
        previous = when
    return runs


def _groups(uppers: list[Pieces]) -> list[Pieces]:
    """Lines above the column cells, cut into group captions: a new group opens where a
    line names a length of time ("Twelve Months Ended") after one that named one."""
    groups: list[Pieces] = []
    for pieces in uppers:
        text = _text(pieces)
        opens = _LENGTH.search(text) or _GROUP_START.search(text)
        if groups and _LENGTH.search(_text(groups[-1])) and opens:
            groups.append(list(pieces))
        elif groups:
            groups[-1].extend(pieces)
        else:
            groups.append(list(pieces))
    return groups


@dataclass(slots=True)
class Header:
    """A header row: its label cell (captions over all columns) and its column cells."""

    label: list[Pieces]
    cells: list[list[Pieces]]  # each column: the group caption (if any) and its own text


def build_header(zone: list[Unit], columns: int) -> Header | None:
    """Combine a table's header lines into one header row of ``columns`` cells.

    None when the lines do not make a header of that many columns (they pass through).
    """
    captions = [_pieces(u) for u in zone if u.label and is_unit_caption(u.text)]
    others = [_pieces(u) for u in zone if not (u.label and is_unit_caption(u.text))]
    years = [i for i, pieces in enumerate(others) if _YEAR.fullmatch(_text(pieces))]
    if years:
        uppers, bottom = others[: years[0]], others[years[0] :]
    elif len(others) >= columns:
        uppers, bottom = others[: len(others) - columns], others[len(others) - columns :]
    else:
        return None
    if len(bottom) != columns:
        return None
    label, cells = _combine(_groups(uppers), bottom)
    return Header(label + captions, cells)


def _combine(groups: list[Pieces], bottom: list[Pieces]) -> tuple[list[Pieces], list[list[Pieces]]]:
    """Put each group caption over the column cells it spans.

    Groups go one to a run of periods; fewer groups than runs sit over the last runs
    (a "Trailing 12 Months" caption over the right-hand columns); groups over columns
    that name no period ("Low", "High") are a caption of the whole table.
    """
    cells: list[list[Pieces]] = [[pieces] for pieces in bottom]
    runs = _runs(bottom)
    if not groups:
        return [], cells
    if not runs:
        return groups, cells
    if len(groups) <= len(runs):
        spans = runs[len(runs) - len(groups) :]
    elif len(groups) == sum(len(run) for run in runs):
        spans = [[index] for run in runs for index in run]
    else:
        return groups, cells
    for group, span in zip(groups, spans, strict=True):
        for index in span:
            cells[index].insert(0, group)
    return [], cells


# -------------------------------------------------------------------------- emitting


def _add_words(builder: LineBuilder, groups: list[Pieces]) -> None:
    """Pieces of one cell, a space between words and none inside "(" ... ")"."""
    previous: Line | None = None
    for pieces in groups:
        for piece in pieces:
            if previous is not None and previous.text != "(" and piece.text != ")":
                builder.separate(" ")
            builder.add(piece.text, piece.line, piece.column)
            previous = piece


def header_line(header: Header) -> MappedLine:
    """The header row as one tab-separated line."""
    builder = LineBuilder()
    _add_words(builder, header.label)
    for cell in header.cells:
        builder.separate("\t")
        _add_words(builder, cell)
    first = (header.label or header.cells[0])[0][0]
    return builder.build(first.line)


def row_line(unit: Unit) -> MappedLine:
    """A row as one line: its label, then a tab before each cell (empty ones too)."""
    builder = LineBuilder()
    _add_words(builder, [unit.label])
    for cell in unit.cells[: unit.width]:
        builder.separate("\t")
        if cell is not None:
            for part in cell.parts:
                builder.add(part.text, part.line, part.column)
    return builder.build(unit.label[0].line)


def heading_line(unit: Unit) -> MappedLine:
    """A heading inside a table ("Current assets:") as a label cell without values."""
    builder = LineBuilder()
    _add_words(builder, [unit.label])
    builder.separate("\t")
    return builder.build(unit.label[0].line)


def _table_lines(table: Table, source: list[MappedLine]) -> list[MappedLine]:
    out: list[MappedLine] = []
    header = build_header(table.header, table.columns) if table.header else None
    if header is not None:
        out.append(header_line(header))
    else:
        for unit in table.header:
            out.extend(source[i] for i in unit.lines)
    for unit in table.body:
        # a heading ends in a tab: a label cell without values, kept in the table however
        # long it is; the blank padding lines under it would have ended the table
        out.append(row_line(unit) if unit.is_row else heading_line(unit))
    # a blank line ends the table: the page number and title after it are not its rows
    out.append(LineBuilder().build(out[-1].locate(0)[0]))
    return out


# a document is stacked when values alone on their lines are many, and outnumber the
# lines that end in two values (a label and its values on one line: the spaced layout,
# whose charts also leave a few values alone on their lines)
_MIN_LONE_VALUES = 12


def _ends_in_values(text: str) -> bool:
    words = text.split()
    return len(words) >= 3 and all(
        parse_number(word) is not None or is_nil(word) for word in words[-2:]
    )


def is_stacked(lines: list[Line]) -> bool:
    """Whether a document prints its tables one cell per line."""
    lone = sum(1 for line in lines if line.kind == VALUE)
    spaced = sum(1 for line in lines if line.kind == TEXT and _ends_in_values(line.text))
    return lone >= _MIN_LONE_VALUES and lone > 2 * spaced


def rebuild_stacked(lines: list[MappedLine]) -> tuple[list[MappedLine], list[tuple[int, str]]]:
    """Rebuild rows printed one cell per line as tab-separated rows.

    Returns the lines (tables rebuilt, everything else as it came) and, for each table
    rebuilt, its first source line and what was done.
    """
    classified = [classify(mapped, index) for index, mapped in enumerate(lines)]
    if not is_stacked(classified):
        return lines, []
    units = group_rows(classified)
    out: list[MappedLine] = []
    repairs: list[tuple[int, str]] = []
    done = 0
    for start, last, table in find_tables(units):
        for unit in units[done:start]:
            out.extend(lines[i] for i in unit.lines)
        out.extend(_table_lines(table, lines))
        rows = sum(1 for unit in table.body if unit.is_row)
        first = lines[units[start].lines[0]].locate(0)[0]
        repairs.append(
            (first, f"{rows} rows of {table.columns} columns printed one cell per line rebuilt")
        )
        done = last + 1
    for unit in units[done:]:
        out.extend(lines[i] for i in unit.lines)
    return out, repairs
