"""The token ledger: every numeric token of a document, accounted for.

A token is a figure (it is the printed number of an extracted figure), ignored with a
reason (a date, a phone number, a note reference ...), or unparsed with what is wrong.
The counts close by construction: every token gets exactly one status.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from extraction.blocks import split_cells
from extraction.models import Figure, Token, TokenStatus
from extraction.numbers import NUMBER_TOKEN, SUPERSCRIPT_TOKEN
from extraction.periods import DATE, PERIOD_LABEL, may_hold_date

_Rule = tuple[str, Callable[[str], list[tuple[int, int]]]]
_SUPERSCRIPT_DIGITS = "\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079"
_PERIOD_NAME = re.compile(
    # "FY12/25", "FY 3/26": the exchange's name for the fiscal year ending that month
    r"\b(?:[1-4]Q|Q[1-4]|[12]H|H[12])(?:[- ]end)?\b|\bFY\s?(?:[0-9]{1,2}/[0-9]{2,4}|[0-9]{2,4})\b",
    re.I,
)


def _spans(
    pattern: str, flags: int = 0, needs: Callable[[str], bool] | None = None
) -> Callable[[str], list[tuple[int, int]]]:
    """Where ``pattern`` matches in a line. ``needs`` is a cheap test that is False only for
    a line the pattern cannot match (it lacks a character or word every match holds): the
    rules' patterns try each place of a line in turn, which is slow on prose lines."""
    compiled = re.compile(pattern, flags)
    if needs is None:
        return lambda line: [(m.start(), m.end()) for m in compiled.finditer(line)]
    return lambda line: (
        [(m.start(), m.end()) for m in compiled.finditer(line)] if needs(line) else []
    )


def _has_any(*keys: str) -> Callable[[str], bool]:
    """A ``needs`` test: does the line hold one of ``keys``, in any case? The keys are
    lowercase and avoid the letters i, k and s (which a case-insensitive pattern also
    matches to non-ASCII letters), so lowercasing the line finds all a pattern can."""
    return lambda line: any(key in line.lower() for key in keys)


# a digit, a dash or space and a digit: in every phone number
_PHONE_HINT = re.compile(r"[0-9][-\s][0-9]")
# what the period name patterns need: "1Q", "Q1", "2H", "H2", "9M" or "FY", in any case
_PERIOD_HINT = re.compile(r"[1-4][QqHh]|[QqHh][1-4]|9M|[Ff][Yy]")

_RULES: list[_Rule] = [
    ("footnote mark", _spans(SUPERSCRIPT_TOKEN.pattern, needs=lambda line: not line.isascii())),
    (
        "part of a URL or e-mail address",
        _spans(
            r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\S+\.(?:pdf|html?)\b",
            re.I,
            # this pattern is slow on any line of long words: it backtracks looking for an
            # "@" or ".pdf" after each one
            needs=_has_any("://", "www.", "@", ".pdf", ".htm"),
        ),
    ),
    (
        "phone number",
        _spans(
            r"(?:\+|\b)[0-9]{1,3}(?:[-\s][0-9]{1,4}){2,3}\b(?=\D|$)",
            needs=lambda line: _PHONE_HINT.search(line) is not None,
        ),
    ),
    ("part of a date", _spans(DATE.pattern, DATE.flags, needs=may_hold_date)),
    (
        "fiscal period name",
        lambda line: (
            [(m.start(), m.end()) for m in PERIOD_LABEL.finditer(line)]
            + [(m.start(), m.end()) for m in _PERIOD_NAME.finditer(line)]
            if _PERIOD_HINT.search(line)
            else []
        ),
    ),
    (
        "securities code",
        _spans(
            r"(?:\b(?:TSE|NYSE|NASDAQ|Stock code(?: number)?|Securities code|Code)[^:\n]{0,15}"
            r":\s*[0-9A-Z]{4,5}\b)",
            re.I,
            needs=lambda line: ":" in line,
        ),
    ),
    (
        "securities code",
        _spans(
            r"\(\s*\"[^\"]{1,40}\",\s*[A-Za-z][\w ]{0,25}:\s*[0-9A-Z]{4,5}\s*\)",
            needs=lambda line: ":" in line,
        ),
    ),
    (
        "note reference",
        _spans(r"\(?\bNotes?\s*[0-9]+\)?|\bNote\s*[0-9]+", re.I, needs=_has_any("note")),
    ),
    (
        "accounting standard number",
        _spans(
            r"\b(?:IFRS|IAS|ASC|ASBJ)\s*[0-9]+\b",
            needs=lambda line: any(k in line for k in ("IFRS", "IAS", "ASC", "ASBJ")),
        ),
    ),
    ("page reference", _spans(r"\bpages?\s+[0-9]+\b", re.I, needs=_has_any("page"))),
    # a converted page footer: the page's number alone on its line, or between dashes
    ("page number", _spans(r"^\s*(?:[-\u2013\u2014]\s*)?[0-9]{1,3}(?:\s*[-\u2013\u2014])?\s*$")),
    # a slide's footer: "(c) Example Corporation All Rights Reserved. 4"
    (
        "page number",
        _spans(
            r"(?<=reserved\.)\s*[0-9]{1,3}\s*$|(?<=reserved)\s+[0-9]{1,3}\s*$",
            re.I,
            needs=_has_any("eserved"),
        ),
    ),
    # a table of contents: the page after a run of leader dots ("Overview .......... 2")
    (
        "page reference",
        _spans(
            r"(?<=[.\u00b7\ua78f\u2026\u30fb])\s*[0-9]{1,3}\s*$",
            needs=_has_any("..", "\u00b7", "\ua78f", "\u2026", "\u30fb"),
        ),
    ),
    (
        "exhibit number",
        _spans(r"\b(?:EX|Exhibit)[- ]?[0-9]+(?:\.[0-9]+)?", needs=_has_any("ex")),
    ),
    # the width of a range: "$2.5 billion +/- $150 million", "48.5% +/- 1.0%"
    (
        "width of a range",
        _spans(
            r"(?:\+/-|\u00b1)\s*(?:US)?\$?\s?[0-9][0-9,]*(?:\.[0-9]+)?",
            needs=lambda line: "+/-" in line or "\u00b1" in line,
        ),
    ),
    (
        "list or section numbering",
        _spans(
            r"^\s*(?:[-*\u2022]\s*)?(?:\(?[0-9]{1,2}\)|[0-9]{1,2}\.(?![0-9])|[ivx]+[.)])"
            r"|^\s*\(?[0-9]{1,2}\)\s*\S|(?:\t| {2,})[0-9]\)\s"
        ),
    ),
    ("calendar year", _spans(r"\b(?:19|20)[0-9]{2}s?\b")),
    ("part of a word or code", _spans(r"[A-Za-z%][0-9]+|[0-9]+(?:[A-Za-z]|-(?:for|to)-)")),
    (
        "duration or count in prose",
        _spans(r"\b[0-9]+\s+(?:years?|months?|days?|weeks?|hours?|times|market divisions)\b", re.I),
    ),
    (
        "threshold in a row label",
        _spans(
            r"\b[0-9]+(?:\.[0-9]+)?\s*(?:Gbps|Mbps|GB|TB)\b",
            re.I,
            needs=_has_any("gb", "mb", "tb"),
        ),
    ),
]


def build_ledger(
    document_id: str,
    lines: list[str],
    figures: list[Figure],
    table_lines: set[int],
) -> list[Token]:
    """Account for every numeric token of ``lines`` (1-based line numbers)."""
    by_line: dict[int, list[Figure]] = {}
    for figure in figures:
        by_line.setdefault(figure.line_number, []).append(figure)
    tokens: list[Token] = []
    for number, line_start, matches in _tokens_by_line(lines):
        tokens += _line_tokens(
            _LedgerLine(document_id, number, lines[number - 1], line_start, table_lines),
            matches,
            by_line.get(number, ()),
            len(tokens),
        )
    return tokens


def _numeric_tokens(text: str) -> list[re.Match[str]]:
    """Every numeric token of ``text`` in order: runs of digits and superscript digits."""
    found = list(NUMBER_TOKEN.finditer(text))
    # superscript digits are not ASCII; a search for each is much faster than the pattern
    if not text.isascii() and any(digit in text for digit in _SUPERSCRIPT_DIGITS):
        found += SUPERSCRIPT_TOKEN.finditer(text)
        found.sort(key=lambda m: m.start())  # the two kinds never overlap
    return found


def _tokens_by_line(lines: list[str]) -> Iterator[tuple[int, int, list[re.Match[str]]]]:
    """The numeric tokens of ``lines`` line by line: each line that holds any, as its
    number (1-based), where it starts in the lines joined by line breaks, and its tokens
    (their offsets in the joined text)."""
    # One scan of the whole text rather than one per line (most lines hold no token): a
    # token never spans a line break, and the character before a line's first one, a line
    # break, is no digit, as the start of a line on its own is none.
    number = 0  # the line of the token, and where that line starts and ends in the text
    line_start = 0
    line_end = -1
    matches: list[re.Match[str]] = []
    for match in _numeric_tokens("\n".join(lines)):
        if match.start() > line_end:
            if matches:
                yield number, line_start, matches
                matches = []
            while match.start() > line_end:  # on to the token's line
                number += 1
                line_start = line_end + 1
                line_end = line_start + len(lines[number - 1])
        matches.append(match)
    if matches:
        yield number, line_start, matches


@dataclass(frozen=True, slots=True)
class _LedgerLine:
    """A line of the document as the ledger reads it."""

    document_id: str
    number: int  # 1-based
    text: str
    start: int  # where the line starts in the lines joined by line breaks
    table_lines: set[int]  # the numbers of the document's table lines


def _line_tokens(
    line: _LedgerLine,
    matches: list[re.Match[str]],
    line_figures: list[Figure] | tuple[()],
    first_index: int,
) -> list[Token]:
    """The tokens of one line (``matches``, offsets in the joined text), indexed from
    ``first_index``: each the first figure it overlaps, else what the ignore rules say."""
    tokens: list[Token] = []
    # the ignore rules and the label's end are worked out only for a token that is no
    # figure, and once per line
    rule_spans: _LazyRuleSpans | None = None
    label_end = -1
    number = line.number
    for match in matches:
        start = match.start() - line.start
        end = match.end() - line.start
        figure = _first_overlapping(line_figures, start, end)
        if figure is None:
            if rule_spans is None:
                rule_spans = _LazyRuleSpans(line.text)
                label_end = _label_end(line.text) if number in line.table_lines else 0
            status, reason, figure_id = _classify(
                None, number, start, end, label_end, line.table_lines, rule_spans
            )
        else:
            status, reason, figure_id = TokenStatus.FIGURE, None, figure.figure_id
        tokens.append(
            Token(
                line.document_id,
                first_index + len(tokens),
                number,
                start,
                end,
                match.group(),
                status,
                reason,
                figure_id,
            )
        )
    return tokens


def _first_overlapping(figures: list[Figure] | tuple[()], start: int, end: int) -> Figure | None:
    """The first of ``figures`` whose printed number overlaps ``start:end``, if any."""
    for candidate in figures:
        if (
            candidate.char_start <= start < candidate.char_end
            or start <= candidate.char_start < end
        ):
            return candidate
    return None


class _LazyRuleSpans:
    """Where each ignore rule matches in a line, each rule scanned on first use.

    A token is ignored by the first rule that covers it, so the rules after it need not
    be scanned at all; what was scanned is kept for the line's other tokens.
    """

    def __init__(self, line: str) -> None:
        self._line = line
        self._spans: list[tuple[str, list[tuple[int, int]]]] = []

    def __iter__(self):
        for index, (reason, finder) in enumerate(_RULES):
            if index == len(self._spans):
                self._spans.append((reason, finder(self._line)))
            yield self._spans[index]

    def first_covering(self, start: int, end: int) -> str | None:
        """The reason of the first rule with a match that covers ``start:end``, if any."""
        for reason, spans in self:
            for a, b in spans:
                if a <= start and end <= b:
                    return reason
        return None


def _classify(
    figure: Figure | None,
    number: int,
    start: int,
    end: int,
    label_end: int,
    table_lines: set[int],
    rule_spans: _LazyRuleSpans,
) -> tuple[TokenStatus, str | None, str | None]:
    """A token's status, reason and figure: its figure, else the first ignore rule, else why not."""
    if figure is not None:
        return TokenStatus.FIGURE, None, figure.figure_id
    reason = rule_spans.first_covering(start, end)
    if reason is None and start < label_end:
        reason = "part of a row label"
    if reason is not None:
        return TokenStatus.IGNORED, reason, None
    why = (
        "a table cell the parser could not read"
        if number in table_lines
        else "a number in prose without a unit or period the parser understands"
    )
    return TokenStatus.UNPARSED, why, None


def _label_end(line: str) -> int:
    cells = split_cells(line)
    return cells[0].end if cells else 0
