"""Share basis of per-share figures and share counts around a stock split.

A release that reports a split says which figures it restated ("basic earnings per share ...
are calculated as if the stock split had been conducted at the beginning of the previous
fiscal year") and which it did not ("The 2Q-end dividend per share for the fiscal year ended
March 31, 2021 is the amount before the stock split"). Each per-share figure and share count
gets a flag: ``share_basis:post_split`` (on the basis after the split, restated or not
concerned) or ``share_basis:pre_split`` (as first paid, before the split), so a reader can
compare amounts across the split.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction

from extraction.models import Figure
from extraction.periods import DATE, FiscalCalendar, find_periods, parse_date
from extraction.scan import WordAnchored

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "hundred": 100,
}  # fmt: skip
_SPLIT = re.compile(
    r"(?:stock|share)\s+(?:a\s+)?split\s+(?:at\s+)?(?:a\s+)?(?:ratio\s+of\s+)?"
    r"(?P<new>[a-z]+|[0-9]+)[- ](?:for|to)[- ](?P<old>[a-z]+|[0-9]+)"
    r"(?:[^.]{0,60}?effective\s+(?:date\s+)?(?:of\s+|on\s+)?)?",
    re.IGNORECASE,
)
_SPLIT_AT = WordAnchored(_SPLIT, ("stock", "share"))  # the whole text is searched
_PER_SHARE_UNITS = {"JPY/share", "shares"}


@dataclass(frozen=True, slots=True)
class StockSplit:
    ratio: Fraction  # new shares per old share (2 for two-for-one)
    effective_on: dt.date | None


def _number(word: str) -> int | None:
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word.lower())


def find_split(text: str) -> StockSplit | None:
    """The stock split the release reports, if any."""
    for match in _SPLIT_AT.finditer(text):
        new, old = _number(match["new"]), _number(match["old"])
        if not new or not old or new == old:
            continue
        date = DATE.match(text, match.end())
        return StockSplit(Fraction(new, old), parse_date(date) if date else None)
    return None


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=\.)\s+", text)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+(?:-[a-z]+)?", text.lower()) if len(w) > 2}


def mark_share_basis(
    figures: list[Figure], text: str, calendar: FiscalCalendar | None
) -> StockSplit | None:
    """Flag the share basis of per-share figures and share counts; return the split."""
    split = find_split(text)
    if split is None:
        return None
    pre_statements: list[tuple[set[str], list]] = []
    post_statements: list[set[str]] = []
    for sentence in _sentences(text):
        lowered = sentence.lower()
        if "before the stock split" in lowered or "pre-split" in lowered:
            periods = [p for _, _, p in find_periods(sentence, calendar)]
            pre_statements.append((_words(sentence), periods))
        elif re.search(r"as if the (?:stock |share )?split had been", lowered):
            post_statements.append(_words(sentence))
    for figure in figures:
        if figure.unit not in _PER_SHARE_UNITS or figure.period is None:
            continue
        label = _words(" ".join(filter(None, [figure.item_label, figure.member])))
        basis = None
        for words, periods in pre_statements:
            same_period = any(p.end == figure.period.end for p in periods)
            if same_period and figure.member and figure.member.lower() in words:
                basis = "pre_split"
        if basis is None and split.effective_on and figure.period.end >= split.effective_on:
            basis = "post_split"
        if basis is None and any(len(label & words) >= 2 for words in post_statements):
            basis = "post_split"
        if basis is not None:
            figure.flags = (*figure.flags, f"share_basis:{basis}")
    return split
