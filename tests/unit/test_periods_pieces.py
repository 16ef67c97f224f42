"""The pieces of finding period phrases, one kind of phrase each, and the record of the text
they take: a phrase is found only where no phrase found before it stands."""

from __future__ import annotations

import datetime as dt

from extraction.models import Period
from extraction.periods import (
    FiscalCalendar,
    _find_dated_spans,
    _find_durations_ended,
    _find_periods,
    _find_trailing_months,
    _Found,
)

CALENDAR = FiscalCalendar(12, 31, "end")  # a calendar fiscal year


def _found() -> _Found:
    return _Found(lambda start, end: Period(end=end, start=start))


def _spans(found: _Found) -> list[tuple[str, dt.date | None, dt.date]]:
    return [(f"{a}-{b}", p.start, p.end) for a, b, p in found.items]


def test_found_keeps_phrases_from_overlapping() -> None:
    found = _found()
    found.add(5, 10, Period(end=dt.date(2030, 1, 1)))
    assert found.free(0, 5) and found.free(10, 12)
    assert not found.free(4, 6) and not found.free(9, 11) and not found.free(0, 20)
    assert found.taken == [(5, 10)]


def test_durations_ended_read_months_and_years_ending_on_a_date() -> None:
    text = "Six months ended June 30, 2030 and the fiscal year ended December 31, 2030"
    found = _found()
    _find_durations_ended(text, text.lower(), found)
    assert _spans(found) == [
        ("0-30", dt.date(2030, 1, 1), dt.date(2030, 6, 30)),
        ("39-74", dt.date(2030, 1, 1), dt.date(2030, 12, 31)),
    ]


def test_durations_ended_skip_a_year_phrase_inside_a_months_phrase() -> None:
    text = "Three months ended year ending March 31, 2031"
    found = _found()
    _find_durations_ended(text, text.lower(), found)
    assert _spans(found) == [("0-45", dt.date(2031, 1, 1), dt.date(2031, 3, 31))]


def test_durations_ended_are_looked_for_only_where_their_word_is() -> None:
    text = "Six months ended June 30, 2030"
    skipped, found = _found(), _found()
    _find_durations_ended(text, "no such words here", skipped)
    _find_durations_ended(text, text.lower(), found)
    assert skipped.items == []
    assert _spans(found) == [("0-30", dt.date(2030, 1, 1), dt.date(2030, 6, 30))]


def test_dated_spans_read_ranges_then_the_dates_left_over() -> None:
    text = (
        "from April 1, 2030 to June 30, 2030; July 1, 2030 - September 30, 2030; "
        "as of December 31, 2030"
    )
    found = _found()
    _find_dated_spans(text, text.lower(), found)
    assert [(p.start, p.end) for _, _, p in found.items] == [
        (dt.date(2030, 4, 1), dt.date(2030, 6, 30)),
        (dt.date(2030, 7, 1), dt.date(2030, 9, 30)),
        (None, dt.date(2030, 12, 31)),
    ]


def test_dated_spans_do_not_join_dates_in_the_wrong_order() -> None:
    text = "September 30, 2030 - July 1, 2030"
    found = _found()
    _find_dated_spans(text, text.lower(), found)
    assert [(p.start, p.end) for _, _, p in found.items] == [
        (None, dt.date(2030, 9, 30)),
        (None, dt.date(2030, 7, 1)),
    ]


def test_trailing_months_end_with_the_quarter_named() -> None:
    text = "Trailing 12 Months Q2 2030"
    found = _Found(CALENDAR.describe)
    _find_trailing_months(text, CALENDAR, found)
    ((a, b, period),) = found.items
    assert (a, b) == (0, len(text))
    assert (period.start, period.end) == (dt.date(2029, 7, 1), dt.date(2030, 6, 30))


def test_find_periods_orders_every_kind_of_phrase_by_place() -> None:
    text = "1H30 results; Six months ended June 30, 2030; as of March 31, 2030"
    found = _find_periods(text, (12, 31, "end"))
    assert [(a, p.start, p.end, p.label) for a, _, p in found] == [
        (0, dt.date(2030, 1, 1), dt.date(2030, 6, 30), "1H"),
        (14, dt.date(2030, 1, 1), dt.date(2030, 6, 30), "1H"),
        (text.index("March"), None, dt.date(2030, 3, 31), "Q1"),
    ]
    # without a calendar, labels such as "1H30" name no period
    assert [a for a, _, _ in _find_periods(text, None)] == [14, text.index("March")]
