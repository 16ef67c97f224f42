"""The pieces of reading figures in sentences, one concern each: an amount's subject, its
measure and sign, the flags its place gives it, a borrowed subject, its period and its
forecast status; then a sentence's amounts together. Invented sentences only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from extraction.models import Measure, Period
from extraction.narrative import (
    _amount_figure,
    _amount_label,
    _amount_period,
    _amounts,
    _forecast_of,
    _inherited_subject,
    _line_figures,
    _measure_and_sign,
    _Place,
    _position_flags,
    _Sentence,
    _sentence_figures,
)
from extraction.periods import FiscalCalendar
from extraction.tables import DocContext

FY2030 = Period(end=dt.date(2031, 3, 31), start=dt.date(2030, 4, 1), label="FY", fiscal_year=2030)
FY2029 = Period(end=dt.date(2030, 3, 31), start=dt.date(2029, 4, 1), label="FY", fiscal_year=2029)
FY2031 = Period(end=dt.date(2032, 3, 31), start=dt.date(2031, 4, 1), label="FY", fiscal_year=2031)
CTX = DocContext("doc", FiscalCalendar(3, 31), dt.date(2031, 5, 10), FY2030)


def _place(sentence: str, index: int = 0, previous=None) -> _Place:
    """The ``index``-th amount of ``sentence`` as :func:`_sentence_figures` sees it."""
    amounts = _amounts(sentence, 0)
    amount = amounts[index]
    cursor = amounts[index - 1].end if index else 0
    segment = sentence[cursor : amount.start]
    cut = max(segment.rfind(")"), segment.rfind(";"))
    if cut >= 0 and cursor > 0:
        segment = segment[cut + 1 :]
    before = sentence[max(0, amount.start - 40) : amount.start]
    after = sentence[amount.end : amount.end + 60]
    return _Place(sentence, amount, segment, before, after, cursor, previous)


def _figure(sentence: str, index: int = 0, previous=None, status=None):
    place = _place(sentence, index, previous)
    return _amount_figure(place, _Sentence(3, FY2030, "Heading"), status, CTX)[0]


# ---------------------------------------------------------------------------- subject


def test_amount_label_is_the_subject_before_the_amount() -> None:
    label, change_in = _amount_label(_place("Net sales were JPY1,200 million."), CTX)
    assert (label, change_in) == ("Net sales", None)


def test_amount_label_of_an_increase_in_a_subject() -> None:
    label, change_in = _amount_label(
        _place("There was an increase in trade receivables by JPY15 million."), CTX
    )
    assert label == "trade receivables"
    assert change_in is not None and change_in["word"] == "increase"


def test_amount_label_can_follow_the_amount() -> None:
    label, _ = _amount_label(
        _place("There was an increase of JPY15 million in inventories, mainly parts."), CTX
    )
    assert label == "inventories"


def test_amount_label_of_a_new_balance_after_to_is_none() -> None:
    sentence = "Inventories increased by JPY30 million to JPY250 million."
    previous = _figure(sentence)
    assert _amount_label(_place(sentence, 1, previous), CTX)[0] is None


# ----------------------------------------------------------------------- measure, sign


def test_measure_and_sign_of_a_fall_in_percent() -> None:
    place = _place("Net sales JPY1,200 million, down 4.0% year on year.", 1)
    assert _measure_and_sign(place, None) == (Measure.CHANGE_PERCENT, -1)


def test_measure_and_sign_of_a_decrease_in_money() -> None:
    place = _place("Inventories decreased by JPY30 million.")
    assert _measure_and_sign(place, None) == (Measure.CHANGE, -1)


def test_measure_and_sign_of_a_bracketed_change_and_a_plain_ratio() -> None:
    bracketed = _place("Profit JPY7,420 million [184.3%]", 1)
    assert _measure_and_sign(bracketed, None) == (Measure.CHANGE_PERCENT, 1)
    assert _measure_and_sign(_place("The equity ratio was 45.5%."), None) == (Measure.RATIO, 1)


# ------------------------------------------------------------------------------ flags


def test_position_flags_of_a_range_and_a_bound() -> None:
    sentence = "We expect revenue in the range of JPY2.5 billion to JPY2.8 billion."
    low = _figure(sentence)
    assert _position_flags(_place(sentence), "revenue") == ["range_low"]
    assert _position_flags(_place(sentence, 1, low), None) == ["range_high"]
    assert _position_flags(_place("A margin of over 10%."), "A margin") == ["bound_over"]


def test_position_flags_of_a_highlights_line() -> None:
    assert _position_flags(_place("Total revenues JPY53.0 billion"), "Total revenues") == [
        "highlight_line"
    ]
    assert _position_flags(_place("Total revenues were JPY53.0 billion"), "Total revenues") == []


def test_inherited_subject_is_the_previous_figure_or_the_heading() -> None:
    sentence = "Operating profit was JPY20 million; a loss of JPY3 million in 1H."
    previous = _figure(sentence)
    flags: list[str] = []
    assert _inherited_subject(_place(sentence, 1, previous), "Heading", 1, flags) == (
        "Operating profit",
        -1,
    )
    assert flags == ["sign_from_wording"]
    flags = []
    assert _inherited_subject(_place("JPY3 million"), "Orders", 1, flags) == ("Orders", 1)
    assert flags == []


# ----------------------------------------------------------------------------- period


def test_amount_period_named_after_the_amount() -> None:
    sentence = "Net sales were JPY1,200 million (JPY1,154 million for FY2029)."
    place = _place(sentence, 1, _figure(sentence))
    assert _amount_period(place, Measure.VALUE, True, FY2030, CTX) == FY2029


def test_amount_period_named_just_before_the_amount() -> None:
    place = _place("As of March 31, 2030: 93,534,800 shares")
    period = _amount_period(place, Measure.VALUE, False, FY2030, CTX)
    assert period is not None and period.is_instant and period.end == dt.date(2030, 3, 31)


def test_amount_period_of_a_change_is_that_of_its_subject() -> None:
    sentence = "Net sales for FY2029 were JPY1,154 million, up 4.0%."
    previous = _figure(sentence)
    assert previous.period == FY2029
    place = _place(sentence, 1, previous)
    assert _amount_period(place, Measure.CHANGE_PERCENT, True, FY2030, CTX) == FY2029
    assert _amount_period(place, Measure.VALUE, True, FY2030, CTX) == FY2030


# --------------------------------------------------------------------------- forecasts


def test_forecast_of_a_target_raised_from_one_figure_to_another() -> None:
    sentence = (
        "The target, which was announced on May 12, 2030, was raised from JPY900 million "
        "to JPY1,000 million."
    )
    assert _forecast_of(_place(sentence), FY2031, None, CTX) == (
        "forecast",
        "original",
        dt.date(2030, 5, 12),
    )
    assert _forecast_of(_place(sentence, 1), FY2031, "original", CTX) == (
        "forecast",
        "revised",
        dt.date(2031, 5, 10),
    )
    assert _forecast_of(_place(sentence, 1), FY2030, "original", CTX) == ("actual", None, None)


# ------------------------------------------------------------------ figures of a sentence


def test_amount_figure_of_a_part_of_the_figure_before() -> None:
    sentence = "Total assets were JPY5,000 million, including an increase of JPY40 million."
    previous = _figure(sentence)
    figure, borrowed = _amount_figure(
        _place(sentence, 1, previous), _Sentence(3, FY2030, None), None, CTX
    )
    assert borrowed
    assert (figure.item_label, figure.measure, figure.flags) == (
        "part of Total assets",
        Measure.CHANGE,
        ("component_of_previous",),
    )
    assert figure.anchor is None


def test_amount_figure_without_a_subject_is_flagged() -> None:
    figure, borrowed = _amount_figure(_place("JPY3 million"), _Sentence(3, None, None), None, CTX)
    assert borrowed
    assert (figure.item_label, figure.flags, figure.line_number) == ("", ("label_unknown",), 3)


def test_sentence_figures_anchor_a_change_to_its_subject() -> None:
    sentence = "Net sales were JPY1,200 million, up 4.0% YoY."
    figures = _sentence_figures(sentence, _amounts(sentence, 0), _Sentence(9, FY2030, None), CTX)
    assert [(f.item_label, f.measure, f.value, f.line_number) for f in figures] == [
        ("Net sales", Measure.VALUE, Decimal(1_200_000_000), 9),
        ("Net sales", Measure.CHANGE_PERCENT, Decimal("4.0"), 9),
    ]
    assert figures[1].anchor is figures[0]


def test_sentence_figures_skip_the_width_of_a_range() -> None:
    sentence = "Segment profit JPY50 million +/- JPY5 million"
    figures = _sentence_figures(sentence, _amounts(sentence, 0), _Sentence(1, FY2030, None), CTX)
    assert [f.raw_text for f in figures] == ["JPY50 million"]


def test_line_figures_read_each_sentence_with_its_own_period() -> None:
    line = "Net sales for FY2029 were JPY1,154 million. Orders were JPY300 million."
    figures = _line_figures(line, 4, CTX, None)
    assert [(f.item_label, f.period, f.char_start) for f in figures] == [
        ("Net sales", FY2029, line.index("1,154")),
        ("Orders", FY2030, line.index("300")),
    ]
