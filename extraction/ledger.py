"""The token ledger: every numeric token of a document, accounted for.

A token is a figure (it is the printed number of an extracted figure), ignored with a
reason (a date, a phone number, a note reference ...), or unparsed with what is wrong.
The counts close by construction: every token gets exactly one status.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from extraction.blocks import split_cells
from extraction.models import Figure, Token, TokenStatus
from extraction.numbers import NUMBER_TOKEN, SUPERSCRIPT_TOKEN
from extraction.periods import DATE, PERIOD_LABEL

_Rule = tuple[str, Callable[[str], list[tuple[int, int]]]]


def _spans(pattern: str, flags: int = 0) -> Callable[[str], list[tuple[int, int]]]:
    compiled = re.compile(pattern, flags)
    return lambda line: [(m.start(), m.end()) for m in compiled.finditer(line)]


_RULES: list[_Rule] = [
    ("footnote mark", _spans(SUPERSCRIPT_TOKEN.pattern)),
    (
        "part of a URL or e-mail address",
        _spans(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\S+\.(?:pdf|html?)\b", re.I),
    ),
    ("phone number", _spans(r"(?:\+|\b)[0-9]{1,3}(?:[-\s][0-9]{1,4}){2,3}\b(?=\D|$)")),
    ("part of a date", lambda line: [(m.start(), m.end()) for m in DATE.finditer(line)]),
    (
        "fiscal period name",
        lambda line: (
            [(m.start(), m.end()) for m in PERIOD_LABEL.finditer(line)]
            + [
                (m.start(), m.end())
                for m in re.finditer(
                    r"\b(?:[1-4]Q|Q[1-4]|[12]H|H[12])(?:[- ]end)?\b|\bFY\s?[0-9]{2,4}\b", line, re.I
                )
            ]
        ),
    ),
    (
        "securities code",
        _spans(
            r"(?:\b(?:TSE|NYSE|NASDAQ|Stock code(?: number)?|Securities code|Code)[^:\n]{0,15}"
            r":\s*[0-9A-Z]{4,5}\b)",
            re.I,
        ),
    ),
    (
        "securities code",
        _spans(r"\(\s*\"[^\"]{1,40}\",\s*[A-Za-z][\w ]{0,25}:\s*[0-9A-Z]{4,5}\s*\)"),
    ),
    ("note reference", _spans(r"\(?\bNotes?\s*[0-9]+\)?|\bNote\s*[0-9]+", re.I)),
    ("accounting standard number", _spans(r"\b(?:IFRS|IAS|ASC|ASBJ)\s*[0-9]+\b")),
    ("page reference", _spans(r"\bpages?\s+[0-9]+\b", re.I)),
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
    ("threshold in a row label", _spans(r"\b[0-9]+(?:\.[0-9]+)?\s*(?:Gbps|Mbps|GB|TB)\b", re.I)),
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
    for number, line in enumerate(lines, start=1):
        found = [(m.start(), m.end(), m.group()) for m in NUMBER_TOKEN.finditer(line)]
        found += [(m.start(), m.end(), m.group()) for m in SUPERSCRIPT_TOKEN.finditer(line)]
        if not found:
            continue
        found.sort()
        rule_spans = _LazyRuleSpans(line)  # the ignore rules are scanned only when needed
        label_end = _label_end(line) if number in table_lines else 0
        for start, end, text in found:
            figure = next(
                (
                    f
                    for f in by_line.get(number, [])
                    if f.char_start <= start < f.char_end or start <= f.char_start < end
                ),
                None,
            )
            status, reason, figure_id = _classify(
                figure, number, start, end, label_end, table_lines, rule_spans
            )
            tokens.append(
                Token(document_id, len(tokens), number, start, end, text, status, reason, figure_id)
            )
    return tokens


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
    reason = next(
        (r for r, spans in rule_spans if any(a <= start and end <= b for a, b in spans)),
        None,
    )
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
