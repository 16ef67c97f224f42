"""Numeric tokens and cells: what counts as a number, and how a printed cell parses."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

# Every run of ASCII digits (with thousands separators and a decimal part) is a token
# of the ledger, and so is a run of superscript digits (footnote marks). A token starts at a
# digit not preceded by one: the pattern opens with the digit and only then looks behind
# ("not two digits in a row"), so the regex engine can skip ahead to the next digit instead
# of trying the look-behind at every character. Same matches as
# (?<![0-9])(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?, several times faster.
NUMBER_TOKEN = re.compile(r"[0-9](?<![0-9]{2})(?:[0-9]{0,2}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]+)?")
SUPERSCRIPT_TOKEN = re.compile(r"[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+")

NIL_MARKERS = frozenset(
    {"-", "--", "\u2014", "\u2013", "\u2012", "\u2015", "_", "\uff0d", "\u2212"}
)
_NEGATIVE_PREFIXES = ("-", "\u2212", "\u25b3", "\u25b2")  # minus, triangles used in Japan

# A dollar sign may open a US money cell ("$2,318", "$(0.01)") and a percent sign may
# follow a negative in parentheses ("(37)%"): cells rebuilt from the stacked layout.
_CELL = re.compile(
    r"""^(?:\$\s?)?(?P<open>[(\uff08])?
        (?P<neg>[-\u2212\u25b3\u25b2])?\s*(?:\$\s?)?
        (?P<digits>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)
        (?P<frac>\.[0-9]*)?
        \s*(?P<pct>%)?
        (?P<close>[)\uff09])?(?P<pct_after>%)?$""",
    re.VERBOSE,
)


class ParsedNumber(NamedTuple):
    """A number as printed: signed value at printed scale, its precision and repairs.

    Immutable; a named tuple because a frozen dataclass takes several times as long to make
    and every number cell of a release makes one."""

    value: Decimal | None  # None when the cell is cut and cannot be completed
    decimals: int  # digits after the decimal point as printed
    is_percent: bool
    flags: tuple[str, ...]
    token_start: int  # offset of the digits inside the cell text
    token_end: int


def is_nil(text: str) -> bool:
    """True for the dashes and underscores releases print for 'nothing'."""
    return text.strip() in NIL_MARKERS


@lru_cache(maxsize=8192)
def parse_number(text: str) -> ParsedNumber | None:
    """Parse a table cell such as ``(1,234)``, ``-5.2``, ``13.``, ``(4.`` or ``7.3%``.

    Returns None when the cell is not a single number. A missing closing parenthesis is
    repaired (the sign is certain) and flagged; a number cut after its decimal point keeps
    no value, because the missing digits cannot be known, and is flagged ``truncated``.
    """
    stripped = text.strip()
    match = _CELL.match(stripped)
    if match is None:
        return None
    opening, neg, digits, frac, pct, closing, pct_after = match.groups()
    pct = pct or pct_after
    if closing and not opening:
        return None
    offset = len(text) - len(text.lstrip())
    flags: tuple[str, ...] = ()
    if opening and not closing:
        flags = ("repaired_paren",)
    value: Decimal | None
    if frac == ".":
        flags = (*flags, "truncated")
        value = None
        decimals = 0
        token_end = match.end("digits")
    else:
        frac = frac or ""
        decimals = len(frac) - 1 if frac else 0
        value = Decimal(digits.replace(",", "") + frac)
        if opening or neg:
            value = -value
        token_end = match.end("frac") if frac else match.end("digits")
    return ParsedNumber(
        value=value,
        decimals=decimals,
        is_percent=bool(pct),
        flags=flags,
        token_start=offset + match.start("digits"),
        token_end=offset + token_end,
    )


_SCALED_MONEY = re.compile(
    r"^(?:US)?\$\s?(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?)\s*"
    r"(?P<scale>thousand|million|billion|trillion)s?$",
    re.I,
)


def parse_scaled_money(text: str) -> tuple[ParsedNumber, int] | None:
    """A money cell with its scale word, "$1,975 million": the number and its power of ten."""
    stripped = text.strip()
    match = _SCALED_MONEY.match(stripped)
    if match is None:
        return None
    parsed = parse_number(match["number"])
    if parsed is None:
        return None
    offset = len(text) - len(text.lstrip()) + match.start("number")
    shifted = parsed._replace(
        token_start=offset + parsed.token_start, token_end=offset + parsed.token_end
    )
    return shifted, scale_of_word(match["scale"])


_SCALE_WORDS = {
    "thousand": 3,
    "thousands": 3,
    "million": 6,
    "millions": 6,
    "billion": 9,
    "billions": 9,
    "trillion": 12,
    "trillions": 12,
}


def scale_of_word(word: str | None) -> int:
    """Power of ten for 'thousand', 'millions', 'billion' ...; 0 for none."""
    if not word:
        return 0
    return _SCALE_WORDS.get(word.lower().rstrip("."), 0)


def xbrl_decimals(printed_decimals: int, scale: int) -> int:
    """XBRL ``decimals`` of a number printed with ``printed_decimals`` at ``10**scale``."""
    return printed_decimals - scale


def to_base_units(value: Decimal | None, scale: int) -> Decimal | None:
    """The printed value times ``10**scale``, exactly."""
    if value is None:
        return None
    # format 'f' keeps plain notation (1.091E+11 would confuse readers and loaders)
    return Decimal(format(value.scaleb(scale), "f")) if scale else value
