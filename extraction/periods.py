"""Dates, period phrases and the company's fiscal calendar, all read from the text."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from extraction.models import Period
from extraction.scan import WordAnchored

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
DATE = re.compile(
    rf"\b(?P<month>{_MONTH_NAME})\.?\s+(?P<day>[0-9]{{1,2}}),?\s+(?P<year>(?:19|20)[0-9]{{2}})\b"
    rf"|\b(?P<iy>(?:19|20)[0-9]{{2}})[-/](?P<im>[0-9]{{1,2}})[-/](?P<id>[0-9]{{1,2}})\b"
    rf"|(?P<jy>(?:19|20)[0-9]{{2}})\u5e74(?P<jm>[0-9]{{1,2}})\u6708(?P<jd>[0-9]{{1,2}})\u65e5",
    re.IGNORECASE,
)
# Every form of DATE holds a four-digit year: text without one holds no date, which is
# cheaper to find out than a search for DATE (it tries three alternatives at each place).
_YEAR_DIGITS = re.compile(r"(?:19|20)[0-9]{2}")
_NUMBER_WORDS = {"one": 1, "three": 3, "six": 6, "nine": 9, "twelve": 12}
_MONTHS_ENDED = re.compile(
    r"\b(?P<n>three|six|nine|twelve|3|6|9|12)[- ]months?\s+(?:period\s+)?(?:ended|ending)\s+",
    re.IGNORECASE,
)
_YEAR_ENDED = re.compile(r"\b(?:fiscal\s+)?year\s+(?P<tense>ended|ending)\s+", re.IGNORECASE)
_YEAR_ENDED_AT = WordAnchored(_YEAR_ENDED, ("fiscal", "year"))  # for whole documents
_FROM_TO = re.compile(r"\bfrom\s+$|\bto\s+$", re.IGNORECASE)
# what joins the two dates of a range printed without "from" (a dash, "to" or "through")
_RANGE_JOIN = re.compile(r"\s*(?:[-\u2013\u2014~\uff5e]|to|through)\s*", re.IGNORECASE)
_FROM_DATE_TO = re.compile(rf"\bfrom\s+({DATE.pattern})\s+(?:to|through)\s+", re.IGNORECASE)
PERIOD_LABEL = re.compile(
    # the year first, as results presentations print it: "2025 1Q", "FY2026 1H", "2026 Q2"
    r"(?<![A-Za-z0-9])(?:FY\s?)?(?P<yf>(?:19|20)[0-9]{2})\s?"
    r"(?:(?P<fq>[1-4])Q|Q(?P<fq2>[1-4])|(?P<fh>[12])H|H(?P<fh2>[12])|(?P<fm9>9)M)(?![A-Za-z0-9])"
    # the label first: "1H20", "1Q23", "Q1 FY2026", "FY2021"
    r"|(?<![A-Za-z0-9])(?:(?:(?P<q>[1-4])Q|Q(?P<q2>[1-4]))(?:\s?FY)?|(?P<h>[12])H|H(?P<h2>[12])"
    r"|(?P<m9>9)M|(?P<fy>FY))\s?'?(?P<yy>(?:19|20)[0-9]{2}|[0-9]{2})(?![0-9/])"
)


def label_year(match: re.Match[str]) -> int:
    """The year a :data:`PERIOD_LABEL` match prints, as written ("1H20" -> 20)."""
    return int(match["yy"] or match["yf"])


def label_quarter(match: re.Match[str]) -> int | None:
    """The quarter a :data:`PERIOD_LABEL` match names ("1Q23", "2026 Q2"), if it names one."""
    quarter = match["q"] or match["q2"] or match["fq"] or match["fq2"]
    return int(quarter) if quarter else None


def label_half(match: re.Match[str]) -> int | None:
    """The half a :data:`PERIOD_LABEL` match names ("1H20", "2026 2H"), if it names one."""
    half = match["h"] or match["h2"] or match["fh"] or match["fh2"]
    return int(half) if half else None


# "Trailing 12 Months Q2 2026": the twelve months that end with the quarter named next
_TRAILING = re.compile(r"\b(?:trailing|last|past)\s+(?:12|twelve)\s+months\s+", re.I)


def parse_date(match: re.Match[str]) -> dt.date | None:
    """The date a :data:`DATE` match names, or None for an impossible one."""
    try:
        if match["month"]:
            month = _MONTHS[match["month"][:3].lower()]
            return dt.date(int(match["year"]), month, int(match["day"]))
        if match["iy"]:
            return dt.date(int(match["iy"]), int(match["im"]), int(match["id"]))
        return dt.date(int(match["jy"]), int(match["jm"]), int(match["jd"]))
    except ValueError:
        return None


def may_hold_date(text: str) -> bool:
    """False when ``text`` certainly holds no :data:`DATE` (it has no four-digit year)."""
    return _YEAR_DIGITS.search(text) is not None


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months``, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def duration_ending(end: dt.date, months: int) -> dt.date:
    """Start of the ``months``-long period ending on ``end`` (inclusive)."""
    after = end + dt.timedelta(days=1)
    return add_months(after, -months)


def months_between(start: dt.date, end: dt.date) -> int:
    """Length in whole months of a duration that runs from ``start`` to ``end``."""
    after = end + dt.timedelta(days=1)
    return (after.year - start.year) * 12 + after.month - start.month


@dataclass(frozen=True, slots=True)
class FiscalCalendar:
    """A company's fiscal year: its last month and day, and how years are labelled.

    ``label_basis`` is ``"start"`` when "FY2021" names the year that starts in 2021 (the
    Japanese habit for March year ends) and ``"end"`` when it names the year ending in it.
    """

    end_month: int
    end_day: int
    label_basis: str = "start"

    def fy_end_for(self, day: dt.date) -> dt.date:
        """The last day of the fiscal year that contains ``day``."""
        candidate = self._end_in(day.year)
        return candidate if day <= candidate else self._end_in(day.year + 1)

    def _end_in(self, year: int) -> dt.date:
        last = calendar.monthrange(year, self.end_month)[1]
        return dt.date(year, self.end_month, min(self.end_day, last))

    def fy_start(self, fy_end: dt.date) -> dt.date:
        return self._end_in(fy_end.year - 1) + dt.timedelta(days=1)

    def label_year(self, fy_end: dt.date) -> int:
        """The year in the fiscal year's label ("FY2021" -> 2021)."""
        if self.label_basis == "end":
            return fy_end.year
        return self.fy_start(fy_end).year

    def fy_end_of_label(self, label_year: int) -> dt.date:
        if self.label_basis == "end":
            return self._end_in(label_year)
        start_year = label_year
        # the year starting in start_year ends in it (December) or in the next year
        end = self._end_in(start_year)
        return end if self.fy_start(end).year == start_year else self._end_in(start_year + 1)

    def describe(self, start: dt.date | None, end: dt.date) -> Period:
        """A :class:`Period` with its fiscal year and label (Q1, 1H, 9M, FY, Q2 ...)."""
        fy_end = self.fy_end_for(end)
        fiscal_year = self.label_year(fy_end)
        fy_start = self.fy_start(fy_end)
        if start is None:
            quarter = months_between(fy_start, end) / 3
            label = f"Q{int(quarter)}" if quarter in (1, 2, 3, 4) else None
            return Period(end=end, start=None, label=label, fiscal_year=fiscal_year)
        months = months_between(start, end)
        label: str | None = None
        if start == fy_start:
            label = {3: "Q1", 6: "1H", 9: "9M", 12: "FY"}.get(months)
        elif months == 3:
            offset = (
                months_between(fy_start, start - dt.timedelta(days=1)) if start > fy_start else 0
            )
            label = {3: "Q2", 6: "Q3", 9: "Q4"}.get(offset)
        elif months == 6 and months_between(fy_start, start - dt.timedelta(days=1)) == 6:
            label = "2H"
        return Period(end=end, start=start, label=label, fiscal_year=fiscal_year)

    def period_of_label(self, match: re.Match[str]) -> Period | None:
        """The period a :data:`PERIOD_LABEL` match ("1H20", "FY2021", "1Q23") names."""
        yy = label_year(match)
        year = yy if yy > 100 else 2000 + yy
        fy_end = self.fy_end_of_label(year)
        fy_start = self.fy_start(fy_end)
        half, quarter = label_half(match), label_quarter(match)
        if match["fy"]:
            start, months = fy_start, 12
        elif half:
            start, months = add_months(fy_start, 6 * (half - 1)), 6
        elif quarter:
            start, months = add_months(fy_start, 3 * (quarter - 1)), 3
        else:  # nine months
            start, months = fy_start, 9
        end = add_months(start, months) - dt.timedelta(days=1)
        return self.describe(start, end)


def _date_after(text: str, pos: int) -> tuple[dt.date, int] | None:
    match = DATE.match(text, pos)
    if match is None:
        match = DATE.search(text, pos, pos + 40)
    if match is None:
        return None
    day = parse_date(match)
    return (day, match.end()) if day else None


def find_periods(text: str, calendar_: FiscalCalendar | None) -> list[tuple[int, int, Period]]:
    """Every period phrase in ``text`` as (start offset, end offset, period), in order.

    Understood: "Six Months Ended September 30, 2021", "Fiscal Year Ending March 31, 2022",
    "from April 1, 2021 to September 30, 2021", "As of Sep. 30, 2020", a bare date (an
    instant), and labels such as "1H20", "1Q23", "FY2021" (which need the fiscal calendar).
    """
    # Tables ask about the same headers and labels many times; the answer depends only
    # on the text and the (immutable) calendar, so it is cached. The calendar is keyed by
    # its fields: a tuple hashes and compares in C, the dataclass in Python.
    key = (
        None
        if calendar_ is None
        else (calendar_.end_month, calendar_.end_day, calendar_.label_basis)
    )
    return list(_find_periods(text, key))


@lru_cache(maxsize=8192)
def _find_periods(
    text: str, calendar_key: tuple[int, int, str] | None
) -> tuple[tuple[int, int, Period], ...]:
    calendar_ = FiscalCalendar(*calendar_key) if calendar_key is not None else None
    found = _Found(calendar_.describe if calendar_ else (lambda s, e: Period(end=e, start=s)))
    # The patterns try every place of the text, which is slow on sentences; each is run
    # only if the text holds a word (any case) or letters that every match of it holds.
    lowered = text.lower()
    if may_hold_date(text):  # every phrase but a period label ends in a date
        _find_durations_ended(text, lowered, found)
        _find_dated_spans(text, lowered, found)
    if calendar_ and "months" in lowered:
        _find_trailing_months(text, calendar_, found)
    # a period label (case matters) holds a Q, an H, "9M" or "FY"
    if calendar_ and any(key in text for key in ("Q", "H", "9M", "FY")):
        for match in PERIOD_LABEL.finditer(text):
            if found.free(match.start(), match.end()):
                period = calendar_.period_of_label(match)
                if period:
                    found.add(match.start(), match.end(), period)
    found.items.sort(key=lambda item: item[0])
    return tuple(found.items)


class _Found:
    """The period phrases found in a text so far, and the spans of text they take: a
    phrase is looked for where no phrase found before it stands (see ``free``)."""

    __slots__ = ("describe", "items", "taken")

    def __init__(self, describe: Callable[[dt.date | None, dt.date], Period]) -> None:
        self.describe = describe  # a period from its start and end
        self.items: list[tuple[int, int, Period]] = []
        self.taken: list[tuple[int, int]] = []

    def free(self, a: int, b: int) -> bool:
        """Whether ``text[a:b]`` overlaps no phrase found so far."""
        return all(b <= s or a >= e for s, e in self.taken)

    def add(self, a: int, b: int, period: Period) -> None:
        self.items.append((a, b, period))
        self.taken.append((a, b))


def _find_durations_ended(text: str, lowered: str, found: _Found) -> None:
    """ "Six Months Ended September 30, 2021", "Fiscal Year Ending March 31, 2022"."""
    if "month" in lowered:
        for match in _MONTHS_ENDED.finditer(text):
            dated = _date_after(text, match.end())
            if dated:
                months = _NUMBER_WORDS.get(match["n"].lower()) or int(match["n"])
                found.add(
                    match.start(),
                    dated[1],
                    found.describe(duration_ending(dated[0], months), dated[0]),
                )
    if "year" in lowered:
        for match in _YEAR_ENDED.finditer(text):
            if not found.free(match.start(), match.end()):
                continue
            dated = _date_after(text, match.end())
            if dated:
                found.add(
                    match.start(), dated[1], found.describe(duration_ending(dated[0], 12), dated[0])
                )


def _find_dated_spans(text: str, lowered: str, found: _Found) -> None:
    """ "from April 1, 2021 to September 30, 2021", two dates joined by a dash or "to",
    then each date left over (an instant)."""
    if "from" in lowered:
        for match in _FROM_DATE_TO.finditer(text):
            dated = _date_after(text, match.end())
            start_match = DATE.search(text, match.start())
            if dated and start_match and found.free(match.start(), dated[1]):
                start = parse_date(start_match)
                if start and start <= dated[0]:
                    found.add(match.start(), dated[1], found.describe(start, dated[0]))
    dates = list(DATE.finditer(text))
    for first, second in pairwise(dates):
        if _RANGE_JOIN.fullmatch(text, first.end(), second.start()) and found.free(
            first.start(), second.end()
        ):
            start, end = parse_date(first), parse_date(second)
            if start and end and start < end:
                found.add(first.start(), second.end(), found.describe(start, end))
    for match in dates:
        if found.free(match.start(), match.end()):
            day = parse_date(match)
            if day:
                found.add(match.start(), match.end(), found.describe(None, day))


def _find_trailing_months(text: str, calendar_: FiscalCalendar, found: _Found) -> None:
    """ "Trailing 12 Months Q2 2026": the twelve months that end with the quarter named."""
    for match in _TRAILING.finditer(text):
        label = PERIOD_LABEL.match(text, match.end())
        period = calendar_.period_of_label(label) if label else None
        if period is not None and found.free(match.start(), label.end()):
            start = duration_ending(period.end, 12)
            found.add(match.start(), label.end(), found.describe(start, period.end))


def fiscal_year_end_mentions(text: str) -> list[tuple[dt.date, int]]:
    """Dates that end a fiscal year ("fiscal year ending March 31, 2022"), with offsets."""
    result = []
    for match in _YEAR_ENDED_AT.finditer(text):
        dated = _date_after(text, match.end())
        if dated and dated[1] - match.end() < 40:
            result.append((dated[0], match.start()))
    return result
