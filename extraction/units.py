"""Units and scale as releases print them in headers, captions and labels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Unit:
    unit: str  # JPY, JPY/share, USD, shares, count, Gbps, percent
    scale: int  # power of ten of the printed numbers


_SCALE = r"(?P<scale>thousands?|millions?|billions?|trillions?)"
_UNIT_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b{_SCALE}\s+of\s+(?:japanese\s+)?yen\b", re.I), "JPY"),
    (re.compile(rf"(?:\bJPY|\u00a5)\s*(?:in\s+)?{_SCALE}\b", re.I), "JPY"),
    (re.compile(rf"\b{_SCALE}\s+of\s+(?:u\.?s\.?\s+)?dollars\b", re.I), "USD"),
    (re.compile(rf"\bUS\$\s*{_SCALE}\b", re.I), "USD"),
    (re.compile(rf"\b{_SCALE}\s+of\s+shares\b", re.I), "shares"),
    # "(In millions, except per-share amounts)": money whose currency the document gives
    (re.compile(rf"^(?:(?:\$|dollars|amounts)\s+)?in\s+{_SCALE}\b(?!\s+of\b)", re.I), "money"),
]
# the unit of a caption that gives a scale but no currency (see ``unit_of_header``)
MONEY = "money"
_SCALE_POWER = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}


@lru_cache(maxsize=8192)
def unit_of_header(text: str) -> Unit | None:
    """The unit a header or caption cell states: "Thousands of yen", "JPY millions", "%".

    A caption with a scale and no currency ("In thousands") gives the unit :data:`MONEY`:
    the table's currency is the document's.
    """
    stripped = text.strip().strip("()").strip()
    if not stripped:
        return None
    for pattern, unit in _UNIT_PATTERNS:
        match = pattern.search(stripped)
        if match:
            scale = _SCALE_POWER[match["scale"].lower().rstrip("s")]
            return Unit(unit, scale)
    # "Y en": a converter split the word after a letter it kerns
    lowered = stripped.lower() if " " not in stripped[:3] else stripped.lower().replace(" ", "")
    if lowered in {"%", "percent", "(%)"}:
        return Unit("percent", 0)
    if lowered in {"jpy", "yen", "\u00a5", "\u5186"}:
        return Unit("JPY", 0)
    if lowered in {"shares", "number of shares"}:
        return Unit("shares", 0)
    if lowered == "gbps":
        return Unit("Gbps", 0)
    return None


_PER_SHARE_LABEL = re.compile(
    r"per[\s\W]*(?:(?:common|diluted|basic)\s+)?share|\(yen\)|dividends? per"
    r"|\bannual dividends?\b"
)
# share counts whose label also says "per share": "Shares used in diluted net income per
# share calculation"
_SHARES_USED_LABEL = re.compile(r"^shares used\b|^weighted[- ]average (?:number of )?shares")
_BANDWIDTH_LABEL = re.compile(r"\(gbps\)|\bgbps\b.*bandwidth|bandwidth")
_SHARE_COUNT_LABEL = re.compile(r"\bnumber of (?:shares|treasury)|shares outstanding")
_COUNT_CAPTION = re.compile(r"\bnumber of\b|\bcontracts?\b|\bsubscri(?:ptions?|bers?)\b", re.I)


@lru_cache(maxsize=8192)
def unit_of_label(label: str) -> Unit | None:
    """A unit the row label itself fixes, overriding the column's (EPS, bandwidth, counts)."""
    lowered = label.lower()
    if _SHARES_USED_LABEL.search(lowered):
        return Unit("shares", 0)
    if _PER_SHARE_LABEL.search(lowered):
        return Unit("JPY/share", 0)
    if _BANDWIDTH_LABEL.search(lowered):
        return Unit("Gbps", 0)
    if _SHARE_COUNT_LABEL.search(lowered):
        return Unit("shares", 0)
    return None


def is_count_caption(text: str) -> bool:
    """Captions of tables that count things (contracts, subscribers) rather than money."""
    return bool(_COUNT_CAPTION.search(text))
