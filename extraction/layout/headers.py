"""Column headers wrapped over several lines, cut back into one cell per column.

A converter that keeps no column positions prints a header's cells one after the other
and wraps them wherever the page's text wrapped::

     Net sales Operating profit Ordinary profit Profit attributable to
    owners of parent
    Fiscal year ended Millions of yen % Millions of yen % Millions of yen % Millions of yen %

The rows under the header say how many columns there are (their number of values). The
header's words are cut into that many cells, trying in turn:

1. **periods**: as many period phrases ("Fiscal year ended March 31, 2025", "As of
   March 31, 2026") as columns, with a change column ("Change", "YoY") allowed last;
2. **units and items**: as many unit words ("Millions of yen", "%", "Yen") as columns,
   and the remaining words cut into item names where a capitalized word starts one
   ("Net sales", "Profit attributable to owners of parent"), one item per unit that is
   not a percentage (a "%" column belongs to the item before it); the words that name
   the row labels' period ("Fiscal year ended", "As of") head the row-label column.

A header that fits none of them is left as it was printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from extraction.periods import DATE, PERIOD_LABEL


class _Word(Protocol):
    text: str


Located = tuple[_Word, object]  # a word and the line it was printed on

# unit phrases, as word sequences (lowercase); "Y en" is "Yen" split by a converter
_UNIT_PHRASES: tuple[tuple[str, ...], ...] = (
    ("100", "millions", "of", "yen"),
    ("millions", "of", "yen"),
    ("thousands", "of", "yen"),
    ("billions", "of", "yen"),
    ("millions", "of", "u.s.", "dollars"),
    ("thousands", "of", "u.s.", "dollars"),
    ("millions", "of", "dollars"),
    ("thousands", "of", "dollars"),
    ("yen",),
    ("y", "en"),
    ("%",),
    ("(%)",),
    ("shares",),
    ("times",),
)
_PERCENT = {"%", "(%)"}
_RANGE_JOIN = re.compile(r"\s*(?:[-\u2013\u2014~\uff5e]|to|through)\s*", re.I)
_CHANGE_WORDS = re.compile(
    r"^(?:(?:change|yoy|yoy change|increase \(decrease\)|increase ?/ ?decrease|difference"
    r"|% change|change \(%\))\s?){1,2}$",
    re.I,
)
# what heads the row-label column of a table whose rows are periods
_STUB = re.compile(
    r"(?:(?:fiscal\s+)?year|(?:(?:first|second|third|fourth)\s+)?(?:three|six|nine|twelve)\s+months"
    r"|(?:first|second|third|fourth)\s+quarter|(?:first\s+)?half|period)\s+end(?:ed|ing)$"
    r"|as\s+(?:of|at)$",
    re.I,
)
_ITEM_START = re.compile(r"^[A-Z0-9]")


# how a header was cut when its cells are periods
PERIOD_PHRASES = "period phrases"


@dataclass(slots=True)
class HeaderCells:
    """A rebuilt header: rows of cells, each cell a run of located words."""

    rows: list[list[list[Located]]]
    how: str


def header_cells(words: list[Located], columns: int, whole: bool = True) -> HeaderCells | None:
    """Cut a wrapped header's words into ``columns`` cells, or None when nothing fits.

    ``whole`` says the words are all there is between the last caption and the table: only
    then are title-case member names tried, which any run of capitalized words could fit.
    """
    if not words or columns < 1:
        return None
    periods = _period_cells(words, columns)
    if periods is not None:
        return HeaderCells([[[], *periods]], PERIOD_PHRASES)
    return _unit_item_cells(words, columns) or (_member_cells(words, columns) if whole else None)


def _text(words: list[Located]) -> str:
    return " ".join(w.text for w, _ in words)


def _period_cells(words: list[Located], columns: int) -> list[list[Located]] | None:
    """Cells that each end in one period: a date or a range of two ("January 1, 2026 -
    March 31, 2026"), with the words before it since the previous period ("FY12/25 (As of
    December 31, 2025)"); a change column ("Change", "YoY") may follow the last."""
    text = _text(words)
    ends = []  # character offset past each word in ``text``
    offset = 0
    for word, _ in words:
        offset += len(word.text)
        ends.append(offset)
        offset += 1
    cells: list[list[Located]] = []
    taken = 0
    for end in _period_ends(text):
        last = next((i for i, e in enumerate(ends) if e >= end), len(words) - 1)
        if last < taken:
            return None
        cells.append(words[taken : last + 1])
        taken = last + 1
    if not cells or len(cells) > columns:
        return None
    rest = words[taken:]
    if rest and _CHANGE_WORDS.match(_text(rest)):
        cells.append(rest)
    elif rest:
        return None
    return cells if len(cells) == columns else None


def _period_ends(text: str) -> list[int]:
    """Where each period of a header ends; the two dates of a range are one period."""
    matches = _period_matches(text)
    ends: list[int] = []
    for index, match in enumerate(matches):
        following = matches[index + 1] if index + 1 < len(matches) else None
        if following is not None and _RANGE_JOIN.fullmatch(text, match.end(), following.start()):
            continue  # the start of a range
        ends.append(match.end())
    return ends


def _period_matches(text: str) -> list[re.Match[str]]:
    """Dates ("March 31, 2026") or, where a header names none, period names ("FY2025")."""
    dates = list(DATE.finditer(text))
    return dates or list(PERIOD_LABEL.finditer(text))


def _unit_runs(words: list[Located]) -> list[tuple[int, int]]:
    """Where unit phrases stand among the words, as (first, end) index pairs."""
    runs: list[tuple[int, int]] = []
    index = 0
    lowered = [w.text.lower() for w, _ in words]
    while index < len(words):
        for phrase in _UNIT_PHRASES:
            if tuple(lowered[index : index + len(phrase)]) == phrase:
                runs.append((index, index + len(phrase)))
                index += len(phrase)
                break
        else:
            index += 1
    return runs


def _unit_item_cells(words: list[Located], columns: int) -> HeaderCells | None:
    runs = _unit_runs(words)
    if len(runs) != columns:
        return None
    in_unit = {i for a, b in runs for i in range(a, b)}
    rest = [w for i, w in enumerate(words) if i not in in_unit]
    stub, rest = _split_stub(rest)
    units = [words[a:b] for a, b in runs]
    if rest and not _ITEM_START.match(rest[0][0].text):
        return None  # the header starts inside a wrapped item name
    placed = _place_items(split_items(rest), units)
    if placed is None:
        return None
    title, items, starts = placed
    item_row: list[list[Located]] = [[] for _ in range(columns)]
    for item, column in zip(items, starts, strict=True):
        item_row[column] = item
    rows = []
    if title:
        rows.append([title])
    rows.append([[], *item_row])
    rows.append([stub, *units])
    return HeaderCells(rows, "unit words and item names")


def _place_items(
    items: list[list[Located]], units: list[list[Located]]
) -> tuple[list[Located], list[list[Located]], list[int]] | None:
    """Which column each item name heads.

    In print order first: one item per unit, or one per unit that is not a percentage (the
    "%" column after an amount is that amount's change), an extra item in front being a
    caption over all the columns ("Annual dividend"). A placement must put ratios over "%"
    units and nothing else there. When no order fits, as where a converter printed the
    cells of a wrapped header out of order, items are matched to units by kind: ratios to
    "%", amounts ("payment", "paid") to scaled money, the rest to the other units, each
    kind in print order.
    """
    every = list(range(len(units)))
    amounts = [i for i, unit in enumerate(units) if not _is_percent(unit)]
    if not amounts or amounts[0] != 0:
        amounts = [0, *amounts]
    for extra in (0, 1):
        if len(items) < extra:
            continue
        title, named = (items[0], items[1:]) if extra else ([], items)
        for starts in (every, amounts):
            if len(named) == len(starts) and _fits(named, starts, units, starts is every):
                return title, named, starts
    for extra in (0, 1):
        title, named = (items[0], items[1:]) if extra and items else ([], items)
        starts = _by_kind(named, units)
        if starts is not None:
            return title, named, starts
    return None


_RATIO_ITEM = re.compile(r"\bratio\b|\bmargin\b|\breturn on\b|/|\brate\b|\bpayout\b", re.I)
_AMOUNT_ITEM = re.compile(r"\bpayments?\b|\bpaid\b|\bamount\b", re.I)


def _is_percent(unit: list[Located]) -> bool:
    return _text(unit).lower() in _PERCENT


def _is_scaled(unit: list[Located]) -> bool:
    return len(unit) > 1 and _text(unit).lower().split()[0] not in {"y"}


def _fits(
    items: list[list[Located]], starts: list[int], units: list[list[Located]], every: bool
) -> bool:
    """Ratios stand over "%" units; with one item per unit, only ratios do."""
    for item, column in zip(items, starts, strict=True):
        ratio = bool(_RATIO_ITEM.search(_text(item)))
        percent = _is_percent(units[column])
        if (ratio and not percent) or (every and percent and not ratio):
            return False
    return True


def _kind_of_item(item: list[Located]) -> str:
    text = _text(item)
    if _RATIO_ITEM.search(text):
        return "percent"
    return "scaled" if _AMOUNT_ITEM.search(text) else "plain"


def _kind_of_unit(unit: list[Located]) -> str:
    if _is_percent(unit):
        return "percent"
    return "scaled" if _is_scaled(unit) else "plain"


def _by_kind(items: list[list[Located]], units: list[list[Located]]) -> list[int] | None:
    """Columns for items matched to units of their kind, each kind in print order."""
    if len(items) != len(units):
        return None
    columns: dict[str, list[int]] = {}
    for index, unit in enumerate(units):
        columns.setdefault(_kind_of_unit(unit), []).append(index)
    kinds = [_kind_of_item(item) for item in items]
    if any(kinds.count(kind) != len(columns.get(kind, [])) for kind in set(kinds)):
        return None
    taken = {kind: iter(found) for kind, found in columns.items()}
    return [next(taken[kind]) for kind in kinds]


# words that end a segment's or a column member's name ("... Business Sector", "Other",
# "Reconciling items", "Per consolidated financial statements"), unless the next word
# carries the name on ("Business" before "Sector")
_MEMBER_END = frozenset(
    [
        "sector",
        "sectors",
        "segment",
        "segments",
        "business",
        "businesses",
        "division",
        "divisions",
        "total",
        "other",
        "others",
        "items",
        "adjustments",
        "eliminations",
        "statements",
        "subtotal",
    ]
)
_MEMBER_GOES_ON = frozenset(
    ["sector", "sectors", "segment", "segments", "business", "businesses", "division", "items"]
)


def _member_cells(words: list[Located], columns: int) -> HeaderCells | None:
    """Column members (segments) named in title case, cut after the words that end a name."""
    if columns < 2 or any(w.text.lower() in _PERCENT for w, _ in words):
        return None
    members: list[list[Located]] = [[]]
    for index, located in enumerate(words):
        members[-1].append(located)
        word = located[0].text.lower()
        following = words[index + 1][0].text.lower() if index + 1 < len(words) else ""
        if word in _MEMBER_END and following not in _MEMBER_GOES_ON:
            members.append([])
    members = [member for member in members if member]
    if len(members) != columns or _PERIOD_WORDS.search(_text(words)):
        return None
    return HeaderCells([[[], *members]], "member names")


_PERIOD_WORDS = re.compile(r"\b(?:ended|ending|as of|months)\b|\b(?:19|20)[0-9]{2}\b", re.I)


def _split_stub(words: list[Located]) -> tuple[list[Located], list[Located]]:
    """The words that head the row-label column ("Fiscal year ended"), and the rest."""
    for size in range(min(5, len(words)), 0, -1):
        if _STUB.fullmatch(_text(words[-size:])):
            return words[-size:], words[:-size]
    return [], words


def split_items(words: list[Located]) -> list[list[Located]]:
    """Item names: a new one starts at a capitalized word (or a digit, "1st quarter")."""
    items: list[list[Located]] = []
    for located in words:
        text = located[0].text
        if not items or (_ITEM_START.match(text) and not _continues(items[-1], text)):
            items.append([located])
        else:
            items[-1].append(located)
    return items


def _continues(item: list[Located], word: str) -> bool:
    """A capitalized word that still belongs to the item before it."""
    previous = item[-1][0].text
    # "(total)" or "(consolidated)" qualify the item before them; "Q2" after "1H" does not
    return (word.startswith("(") and word[1:2].islower()) or previous.endswith(("-", "/"))
