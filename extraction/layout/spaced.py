"""Spaced layout: a label and its values on one line, separated by single spaces.

What ``pdftotext`` and most PDF libraries give for a table::

     Fiscal year ended
    March 31, 2025
    Fiscal year ended
    March 31, 2026
    Net sales 612,480 654,317
    Allowance for doubtful accounts △412 △538

Three steps rebuild such a table as tab-separated cells:

1. **Rows** (:func:`split_row`): a line ends in a run of value words (numbers, signed or
   in parentheses, percentages and nil marks); the words before it are the label. A date
   at the end of the label keeps its year ("March 31, 2026 654,317").
2. **Wrapped labels** (:func:`rebuild_spaced`): a line of values alone takes the lines of
   words just above it as its label ("Six months ending" / "September 30," / "2026").
3. **Headers** (:mod:`extraction.layout.headers`): the lines over a table's first row are
   joined and cut into as many cells as the rows have values: period phrases, unit words,
   and item names.

Everything else passes through unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extraction.blocks import SLIDE_FOOTER
from extraction.layout.headers import PERIOD_PHRASES, HeaderCells, header_cells
from extraction.layout.sourcemap import LineBuilder, MappedLine
from extraction.numbers import is_nil, parse_number
from extraction.periods import DATE
from extraction.units import unit_of_header

# white space between words: spaces and no-break spaces
_WORD = re.compile(r"[^ \u00a0\t]+")
# a word that is part of a date before a year: "31," or "Sep." or "March"
_DATE_HEAD = re.compile(r"^(?:[0-9]{1,2},?|[A-Z][a-z]{2,8}\.?)$")
_YEAR = re.compile(r"^(?:19|20)[0-9]{2}$")
# a page number line: "- 2 -"
_PAGE_MARK = re.compile(r"^[-\u2013\u2014]\s*[0-9]{1,3}\s*[-\u2013\u2014]$")
# the lines that open a new part and so end a header or a wrapped label above a row:
# "(1) Summary ...", "2. Dividends", "(Millions of yen)", "Note: ..."
_CAPTION = re.compile(
    r"^(?:\(?[0-9]{1,2}[.)]\s|\([ivx]+\)\s|\(\s*(?:millions|thousands|billions|in )[^)]*\)"
    r"|\(?notes?\)?\s*:?|\*|\[|reference\b)",
    re.I,
)
_MAX_HEADER_LINES = 30
# a label that holds an amount or a percentage, or ends in a range's "+/-", is a sentence
# that happens to end in a number ("... in a range of 48.5% +/- 1.0%")
_PROSE_LABEL = re.compile(r"[0-9]%|[$\u00a5\u20ac\u00a3][0-9]|(?:\+/-|\u00b1)$")
_MAX_LABEL_LINES = 3
_MAX_HEADINGS = 4  # label-only lines between a header and the first row
_SENTENCE_WORDS = 14  # a label longer than this is prose
_MAX_CAPTION = 200  # characters of a caption joined from two lines


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    column: int  # in its source line


@dataclass(slots=True)
class SpacedRow:
    """A line cut into a label and its value words."""

    source: MappedLine
    label: list[Word]
    values: list[Word]


def words_of(text: str) -> list[Word]:
    """The words of a line with their columns; ``( 9.1)`` is one word."""
    words = [Word(m.group(), m.start()) for m in _WORD.finditer(text)]
    joined: list[Word] = []
    for word in words:
        if joined and joined[-1].text in {"(", "\uff08"} and is_value_word("(" + word.text):
            joined[-1] = Word(joined[-1].text + word.text, joined[-1].column)
        else:
            joined.append(word)
    return joined


def is_value_word(text: str) -> bool:
    """A word that is one table value: ``1,234``, ``(4.6)``, ``△412``, a dash, ``23.6%``."""
    cleaned = text.replace("\uff08", "(").replace("\uff09", ")")
    return parse_number(cleaned) is not None or is_nil(cleaned)


def split_row(words: list[Word]) -> tuple[list[Word], list[Word]]:
    """Cut a line's words into label and trailing values; no values when it has none."""
    start = len(words)
    while start > 0 and is_value_word(words[start - 1].text):
        start -= 1
    label, values = words[:start], words[start:]
    # "March 31, 2026 654,317": the first "value" is the year of a date ending the label
    if (
        values
        and _YEAR.match(values[0].text)
        and len(label) >= 2
        and _DATE_HEAD.match(label[-1].text)
        and DATE.search(" ".join(w.text for w in [*label[-2:], values[0]]))
    ):
        label, values = [*label, values[0]], values[1:]
    if all(is_nil(v.text) for v in values):
        return words, []  # dashes alone are punctuation, not a row of nil cells
    return label, values


def _is_row(label: list[Word], values: list[Word]) -> bool:
    if not values or len(label) > _SENTENCE_WORDS:
        return False
    text = " ".join(w.text for w in label)
    if _PROSE_LABEL.search(text):
        return False
    if _PAGE_MARK.match(f"{text} {' '.join(v.text for v in values)}".strip()):
        return False
    if SLIDE_FOOTER.search(text):
        return False
    # a sentence that ends in a number ("... decreased by 5.2") is prose
    return not text.endswith((" by", " to", " of", " was", " were", " from", " at"))


def row_of(line: MappedLine) -> SpacedRow | None:
    """The line as a table row, or None when it is not one."""
    if "\t" in line.text:
        return None
    words = words_of(line.text)
    label, values = split_row(words)
    if not _is_row(label, values):
        return None
    return SpacedRow(line, label, values)


def _with_empty_cells(row: SpacedRow, columns: int) -> SpacedRow:
    """A short row whose values leave gaps of two or more spaces where cells are empty
    ("110.00  46.6  "), filled to ``columns`` cells when the gaps account for them all."""
    text = row.source.text
    cells: list[Word] = []
    if row.label:
        # "(Forecast)  40.00 - 40.00 80.00": the first cell is empty
        label_end = row.label[-1].column + len(row.label[-1].text)
        gap = len(text[label_end : row.values[0].column])
        cells.extend(Word("", label_end) for _ in range(gap - 1))
    for index, value in enumerate(row.values):
        cells.append(value)
        end = value.column + len(value.text)
        following = row.values[index + 1].column if index + 1 < len(row.values) else len(text)
        gap = len(text[end:following].replace("\u00a0", " "))
        cells.extend(Word("", end) for _ in range(gap - 1))
    while len(cells) > columns and not cells[-1].text:
        cells.pop()
    if len(cells) != columns:
        return row
    return SpacedRow(row.source, row.label, cells)


def _is_break(line: MappedLine) -> bool:
    stripped = line.text.strip()
    return not stripped or bool(_CAPTION.match(stripped)) or bool(_PAGE_MARK.match(stripped))


def _cells_line(cells: list[list[tuple[Word, MappedLine]]], fallback: int) -> MappedLine:
    """A tab-separated line of cells, each cell a run of words with their source lines."""
    builder = LineBuilder()
    for index, cell in enumerate(cells):
        if index:
            builder.separate()
        for position, (word, source) in enumerate(cell):
            if position:
                builder.separate(" ")
            line, column = source.locate(word.column)
            builder.add(word.text, line, column)
    return builder.build(fallback)


def _row_line(row: SpacedRow, label_lines: list[MappedLine]) -> MappedLine:
    label = [(w, src) for src in label_lines for w in words_of(src.text)]
    label += [(w, row.source) for w in row.label]
    cells = [label, *[[(v, row.source)] for v in row.values]]
    return _cells_line(cells, row.source.pieces[0].line)


def rebuild_spaced(lines: list[MappedLine]) -> tuple[list[MappedLine], list[tuple[int, str]]]:
    """Rebuild spaced table rows, their wrapped labels and headers as tab-separated cells."""
    lines = _join_open_parentheses(lines)
    rows = [row_of(line) for line in lines]
    is_table = _table_rows(rows)
    out: list[MappedLine] = []
    repairs: list[tuple[int, str]] = []
    index = 0
    pending: list[MappedLine] = []  # lines of words waiting above the next row
    previous_row: SpacedRow | None = None
    while index < len(lines):
        line, row = lines[index], rows[index]
        if row is None or not is_table[index]:
            if _is_break(line) or "\t" in line.text:
                out.extend(pending)
                pending = []
                out.append(line)
                previous_row = None if not line.text.strip() else previous_row
            else:
                pending.append(line)
            index += 1
            continue
        if previous_row is not None and len(row.values) < len(previous_row.values):
            row = _with_empty_cells(row, len(previous_row.values))
        label_lines, header_lines = _claim_pending(pending, row, previous_row)
        out.extend(header_lines.before)
        if header_lines.rebuilt:
            out.extend(header_lines.rebuilt)
            repairs.append((header_lines.rebuilt[0].pieces[0].line, header_lines.note))
        out.extend(header_lines.after)
        out.append(_row_line(row, label_lines))
        if label_lines:
            repairs.append(
                (row.source.pieces[0].line, "a row label wrapped over several lines was joined")
            )
        pending = []
        previous_row = row
        index += 1
    out.extend(pending)
    return [_single_spaced(line) for line in out], repairs


def _join_open_parentheses(lines: list[MappedLine]) -> list[MappedLine]:
    """A caption wrapped inside its parenthesis ("... (January 1, 2026 to" / "December 31,
    2026)") made one line again, so that the table under it sees its whole period."""
    out: list[MappedLine] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            following is not None
            and line.text.count("(") > line.text.count(")")
            and following.text.count(")") > following.text.count("(")
            and len(line.text) + len(following.text) <= _MAX_CAPTION
            and row_of(line) is None
            and row_of(following) is None
        ):
            words = [(w, source) for source in (line, following) for w in words_of(source.text)]
            out.append(_cells_line([words], line.pieces[0].line))
            index += 2
            continue
        out.append(line)
        index += 1
    return out


def _single_spaced(line: MappedLine) -> MappedLine:
    """A line of the spaced layout with its runs of spaces made single: in this layout a
    run of spaces is where the converter padded, not a cell boundary."""
    if "\t" in line.text or ("  " not in line.text.strip() and line.text == line.text.strip()):
        return line
    if not line.text.strip():
        return line
    return _cells_line([[(w, line) for w in words_of(line.text)]], line.pieces[0].line)


@dataclass(slots=True)
class _Claimed:
    before: list[MappedLine]
    rebuilt: list[MappedLine]
    after: list[MappedLine]
    note: str


def _claim_pending(
    pending: list[MappedLine], row: SpacedRow, previous_row: SpacedRow | None
) -> tuple[list[MappedLine], _Claimed]:
    """Share the word lines above a row between its wrapped label and a table header."""
    label_lines: list[MappedLine] = []
    if not row.label and pending:
        # values alone: the lines just above are the row's label
        take = min(_MAX_LABEL_LINES, len(pending))
        label_lines, pending = pending[-take:], pending[:-take]
    if row.label and _continues_label_above(pending, row):
        # "Dividends received from entities accounted for using equity" / "method 4,512":
        # a label wrapped before its last words, which start in lower case
        label_lines, pending = pending[-1:], pending[:-1]
    elif row.label and _ends_with_label_fragment(pending, row):
        # "Fiscal year ended" / "March 31, 2025 - 45.00 ...": a label split before its date
        label_lines, pending = pending[-1:], pending[:-1]
    same_width = previous_row is not None and len(previous_row.values) == len(row.values)
    for end in range(len(pending), max(0, len(pending) - _MAX_HEADINGS), -1):
        # headings of the body ("Assets", "Current assets") may stand between header and row
        for start in range(end - 1, max(-1, end - _MAX_HEADER_LINES - 1), -1):
            # the fewest lines that make a header: lines further up are captions
            cells = _header_of(pending[start:end], len(row.values), whole=start == 0)
            if same_width and cells is not None and cells.how != PERIOD_PHRASES:
                # under a row of the same width, only periods start a new table: other
                # lines between are headings of the same table's body
                cells = None
            if cells is not None:
                while (
                    start > 0
                    and unit_of_header(pending[start - 1].text) is None
                    and (wider := _header_of(pending[start - 1 : end], len(row.values)))
                ):
                    # a period's lead words wrapped above its date ("Fiscal year ended")
                    start, cells = start - 1, wider
                header = pending[start:end]
                first = header[0].pieces[0].line
                rebuilt = [_cells_line(cells_row, first) for cells_row in cells.rows]
                note = f"a column header over {len(header)} lines was rebuilt ({cells.how})"
                return label_lines, _Claimed(pending[:start], rebuilt, pending[end:], note)
    return label_lines, _Claimed(pending, [], [], "")


def _header_of(lines: list[MappedLine], columns: int, whole: bool = False) -> HeaderCells | None:
    return header_cells([w for line in lines for w in _located(line)], columns, whole)


def _located(line: MappedLine) -> list[tuple[Word, MappedLine]]:
    return [(w, line) for w in words_of(line.text)]


def _continues_label_above(pending: list[MappedLine], row: SpacedRow) -> bool:
    if not pending or not row.label[0].text[:1].islower():
        return False
    above = pending[-1].text.strip()
    return bool(above) and not above.endswith((":", ".")) and row_of(pending[-1]) is None


def _ends_with_label_fragment(pending: list[MappedLine], row: SpacedRow) -> bool:
    if not pending:
        return False
    last = pending[-1].text.strip()
    label = " ".join(w.text for w in row.label)
    if last.lower().endswith(("ended", "ending", "year", "as of")):
        return DATE.search(label) is not None
    # "Fiscal year ending December 31, 2026" / "(Forecast) 40.00 ...": a qualifier under it
    return label.startswith("(") and DATE.search(last) is not None and row_of(pending[-1]) is None


def _table_rows(rows: list[SpacedRow | None]) -> list[bool]:
    """Rows that belong to a table: two or more rows near each other, or one with several
    values. A lone line ending in one number is left to the narrative reader."""
    flags = [False] * len(rows)
    for index, row in enumerate(rows):
        if row is None:
            continue
        if len(row.values) >= 2:
            flags[index] = True
            continue
        neighbours = [
            rows[j] for j in range(max(0, index - 2), min(len(rows), index + 3)) if j != index
        ]
        flags[index] = any(other is not None for other in neighbours)
    return flags
