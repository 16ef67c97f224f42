"""Figures printed in sentences: "Total revenues were JPY109,054 million, up 7.3% YoY
(JPY101,665 million for 1H20)."

Each amount (money, a percentage, a number of shares) is read with the words around it:
what precedes it says whether it is a level, a change or a ratio and what it is about; a
period phrase next to it ("for 1H20", "as of March 31, 2021") says when. An amount with
no subject of its own ("up 7.3%", "(JPY101,665 million for 1H20)") describes the subject
before it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from extraction.models import Figure, Measure, Period, SectionKind
from extraction.numbers import scale_of_word, to_base_units, xbrl_decimals
from extraction.periods import (
    DATE,
    FiscalCalendar,
    add_months,
    duration_ending,
    find_periods,
    months_between,
    parse_date,
)
from extraction.scan import WordAnchored
from extraction.tables import DocContext

AMOUNT = re.compile(
    r"(?P<cur>JPY|\u00a5|US\$|\$)\s?"
    # the number as the token ledger splits it; "12,34,567" is no amount (it stays unparsed)
    r"(?P<num>(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)(?![0-9,]*[0-9])"
    r"(?:\s*(?P<scale>trillion|billion|million|thousand)s?\b)?"
    # a percentage, signed by a minus or a triangle, or negative in parentheses: "(47.5)%"
    r"|(?<![\w.,])(?:\((?P<ppar>[0-9]+(?:\.[0-9]+)?)\)"
    r"|(?P<pneg>[-\u2212\u25b3\u25b2])?(?P<pnum>[0-9]+(?:\.[0-9]+)?))\s?%"
    r"|(?<![\w.,])(?P<snum>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\s+shares\b",
    re.IGNORECASE,
)
_TAG = re.compile(r"</?[a-zA-Z][^>]{0,20}>|\*")
_CHANGE_BEFORE = re.compile(
    r"\b(?P<word>up|down|increased|decreased|increase|decrease|rose|fell|grew|declined|growth"
    r"|increases|decreases)\b(?:\s+(?:by|of))?\s*(?:approximately\s+|about\s+)?$",
    re.IGNORECASE,
)
# what stands before the first amount of a highlights line: its subject alone
_HIGHLIGHT_LEAD = re.compile(r"[A-Za-z][^.;,()]{1,60}")
# a short line of words without a figure or a sentence's end: the subject of the lines under
# it that name none
_SHORT_HEADING = re.compile(r"[A-Z(\[][^.;,]{2,58}[^.;,\s]")
_BRACKET_BEFORE = re.compile(r"(?:million|billion|thousand)s?\s*\[\s*$", re.IGNORECASE)
_NEGATIVE_WORDS = {"down", "decreased", "decrease", "fell", "declined", "decreases"}
_YOY_AFTER = re.compile(
    r"^\s*(?:yoy\b|year[- ]over[- ]year|year[- ]on[- ]year"
    r"|from the same quarter (?:a|last|of the (?:previous|prior)) year)",
    re.IGNORECASE,
)
_PERIOD_AFTER = re.compile(
    r"^\s*(?:(?:trillion|billion|million|thousand)s?\s+)?(?:yen\s+)?(?:shares\s+)?"
    r"(?:for|as of|as at|in|at)\s+",
    re.IGNORECASE,
)
# the two ends of a range: "between $1.10 and $1.30", "in the range of $3.20 billion to ..."
_RANGE_LOW_BEFORE = re.compile(
    r"\b(?:between|range of|from)\s*(?:approximately\s+|about\s+)?$", re.I
)
_RANGE_NEXT = re.compile(r"^\s*(?:and|to|-|\u2013)\s", re.I)
_RANGE_HIGH_BEFORE = re.compile(r"(?:\band|\bto|-|\u2013)\s*$", re.I)
_BOUND_BEFORE = re.compile(r"\b(?:over|more than|at least|above|under|less than)\s*$", re.I)
_ANNOUNCEMENT_DATE = re.compile(r"\b(?:on|disclosed on|announced on|dated)\s+$", re.I)
_STOP = {
    "was",
    "were",
    "is",
    "are",
    "be",
    "been",
    "totaled",
    "totalled",
    "amounted",
    "to",
    "of",
    "by",
    "up",
    "down",
    "yoy",
    "compared",
    "from",
    "for",
    "the",
    "a",
    "an",
    "and",
    "as",
    "at",
    "increased",
    "decreased",
    "increase",
    "decrease",
    "in",
    "which",
    "with",
    "million",
    "billion",
    "thousand",
    "jpy",
    "balance",
    "there",
    "it",
    "its",
    "this",
    "that",
    "over",
    "under",
    "than",
    "more",
    "less",
    "respectively",
    "while",
    "on",
    "shares",
    "upward",
    "downward",
    "approximately",
    "about",
    "around",
    "net",
    "year",
    "yen",
    "",
}
_LEAD_TRIM = re.compile(
    r"^(?:[-*\u2022]\s*)?(?:[ivx]+[.)]\s*|\(?[0-9]+[.)]\s*)?"
    r"(?:(?:and|or|but|while|including|compared to|compared with|which|there was|there were"
    r"|it included|of which|mainly due to|due to|the balance of|as for|regarding|as a result"
    r"|as of|in)\s+)*",
    re.IGNORECASE,
)
_TAIL_TRIM = re.compile(
    r"(?:\s+(?:was|were|is|are|totaled|totalled|amounted to|of|by|to|at|increased|decreased|as of"
    r"|as at|as|for"
    r"|increased by|decreased by|from|reached|stood at|upward from|from over|over|totaling))+"
    r"\s*[:,]?\s*$",
    re.IGNORECASE,
)
_CHANGE_IN = re.compile(
    r"\b(?:an?\s+)?(?P<word>increase|decrease)s?\s+in\s+(?P<subject>[^,;()]{2,80}?)\s+by\s*$", re.I
)
_AMOUNT_OF = re.compile(r"\s+of\s+(?P<subject>[a-z][^,;()]{2,80})", re.I)
_AMOUNT_IN = re.compile(
    r"^\s*(?:(?:trillion|billion|million|thousand)s?\s+)?in\s+(?P<subject>[a-z][^,;()]{2,80})",
    re.I,
)
_CHANGE_NOUN_BEFORE = re.compile(r"\b(?:increase|decrease|rise|fall)\s+of\s*$", re.I)
_COMPONENT_BEFORE = re.compile(r"\b(?:including|of which|which included|included)\b[^,;]*$", re.I)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:over\s+|about\s+|under\s+)?$", re.I)
_TO_BEFORE = re.compile(r"\bto\s+(?:over\s+|about\s+|under\s+)?$", re.I)
_TO_AFTER = re.compile(r"^\s*(?:million|billion)?\s*to\s+", re.I)
_ANNOUNCED_ON = re.compile(r"\b(?:announced|disclosed|published)\s+on\s+", re.I)


def _announcement_date(text: str, ctx: DocContext) -> dt.date | None:
    """The last "announced on <date>" date in ``text``, if any."""
    found = None
    for match in _ANNOUNCED_ON.finditer(text):
        dated = DATE.match(text, match.end())
        if dated:
            found = parse_date(dated) or found
    return found


_QUALIFIER_START = re.compile(r"^\s*(?:mainly|including|which|primarily|due to)\b", re.I)


@dataclass(slots=True)
class _Amount:
    start: int
    end: int
    num_start: int
    num_end: int
    raw: str
    number: Decimal
    decimals: int
    kind: str  # money | percent | shares
    scale: int
    currency: str | None


_DIGIT = re.compile(r"[0-9]")


def _amounts(sentence: str, offset: int) -> list[_Amount]:
    found: list[_Amount] = []
    if _DIGIT.search(sentence) is None:
        return found  # every amount has digits; most sentences of prose have none
    for m in AMOUNT.finditer(sentence):
        if m["num"]:
            text, kind, start, end = m["num"], "money", m.start("num"), m.end("num")
        elif m["pnum"] or m["ppar"]:
            group = "pnum" if m["pnum"] else "ppar"
            text, kind, start, end = m[group], "percent", m.start(group), m.end(group)
        else:
            text, kind, start, end = m["snum"], "shares", m.start("snum"), m.end("snum")
        decimals = len(text.split(".")[1]) if "." in text else 0
        found.append(
            _Amount(
                start=m.start(),
                end=m.end(),
                num_start=offset + start,
                num_end=offset + end,
                raw=m.group(),
                number=-Decimal(text.replace(",", ""))
                if m["pneg"] or m["ppar"]
                else Decimal(text.replace(",", "")),
                decimals=decimals,
                kind=kind,
                scale=scale_of_word(m["scale"]) if kind == "money" else 0,
                currency=(m["cur"] or "").upper() or None,
            )
        )
    return found


_WORD = re.compile(r"[A-Za-z][A-Za-z'&-]*")
_CLAUSE_BREAK = re.compile(r"[,;]|\((?![^()]*\))|\)\s*[,.]?(?=\s*$|\s+[a-z])")
_SPACES = re.compile(r"\s+")
_LOSS_OR_GAIN = re.compile(r"(?i)loss|gain")
_ARTICLE = re.compile(r"(?i)an? ")
_SENTENCE_SPACE = re.compile(r"(?<=[.;!?\"])\s+(?=[A-Z\"(<*-])|(?<=[a-z0-9)])\s+(?=- [ivx]+\.)")
_AS_OF_START = re.compile(r"\s*as (?:of|at)\b", re.I)
_LOSS = re.compile(r"\bloss\b", re.I)
_LOSS_START = re.compile(r"\bloss", re.I)
_FLOW = re.compile(r"\bcash (?:provided|used)|\bcash flows?\b|\brevenues?\b|\bnet sales\b", re.I)
_BALANCE_WORDS = re.compile(r"\bbalance\b|\bas of\b|\bbacklog\b", re.I)
_PER_SHARE_WORDS = re.compile(r"per[\s\W]*share|dividends?|\bEPS\b", re.I)


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in _STOP]


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        for i in range(max(0, a), min(len(chars), b)):
            chars[i] = " "
    return "".join(chars)


def _label_from(segment: str) -> str | None:
    """The subject phrase in the words before an amount, or None if there is none."""
    # an opening parenthesis that closes within the segment is part of the subject
    # ("Number of shares issued (inclusive of treasury stock)"); one left open starts a
    # comparative ("... (loss of")
    parts = _CLAUSE_BREAK.split(segment)
    candidates = []
    for position, part in enumerate(reversed(parts)):
        if position > 0 and _QUALIFIER_START.match(part):
            continue  # "mainly due to ...", "including ..." qualify; they are not subjects
        cleaned = _TAIL_TRIM.sub("", part.strip(" :\"'(")).strip(" :\"'(")
        cleaned = _LEAD_TRIM.sub("", cleaned).strip(" :\"'(")
        cleaned = _SPACES.sub(" ", cleaned)
        if len(_content_words(cleaned)) >= 1 and not _LOSS_OR_GAIN.fullmatch(cleaned):
            candidates.append(cleaned)
            # "Systems construction, a one-time revenue, was ...": the apposition names a
            # kind, the phrase before it names the subject
            if not _ARTICLE.match(cleaned):
                return cleaned
        elif position == 0 and _LOSS_OR_GAIN.fullmatch(cleaned):
            return None
    return candidates[-1] if candidates else None


def _sentences(text: str) -> list[tuple[int, str]]:
    result = []
    start = 0
    for m in _SENTENCE_SPACE.finditer(text):
        result.append((start, text[start : m.start()]))
        start = m.end()
    result.append((start, text[start:]))
    return result


def _period_in(text: str, calendar: FiscalCalendar | None) -> Period | None:
    """The last period phrase in ``text`` that is not an announcement date."""
    best = None
    for a, _, period in find_periods(text, calendar):
        if period.is_instant and _ANNOUNCEMENT_DATE.search(text[:a]):
            continue
        best = period
    return best


_QUARTER_NAME = re.compile(
    r"\b(?P<ordinal>first|second|third|fourth)[- ]quarter\b"
    r"(?:\s+of)?(?:\s+(?:fiscal|FY)(?:\s+year)?\s*'?(?P<year>(?:19|20)[0-9]{2})\b)?",
    re.I,
)
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_TRAILING_MONTHS = re.compile(r"\b(?:past|last|trailing)\s+(?:12|twelve)\s+months\b", re.I)
_PLUS_OR_MINUS = re.compile(r"(?:\+/-|\u00b1)\s*$")
_BULLET = re.compile(r"[\u2022\u25cf\u25aa\u25e6\u30fb\u2013*-]")


def named_period(text: str, ctx: DocContext) -> Period | None:
    """A period a US release names in words: "third quarter" (of the release's fiscal
    year), "the first quarter of fiscal 2027", "the past 12 months" (to the release's end).
    """
    calendar, doc = ctx.calendar, ctx.period
    if calendar is None:
        return None
    quarter = _QUARTER_NAME.search(text)
    if quarter is not None and (quarter["year"] or doc is not None):
        year = quarter["year"]
        fy_end = calendar.fy_end_of_label(int(year)) if year else calendar.fy_end_for(doc.end)
        start = add_months(
            calendar.fy_start(fy_end), 3 * (_ORDINAL[quarter["ordinal"].lower()] - 1)
        )
        return calendar.describe(start, add_months(start, 3) - dt.timedelta(days=1))
    if doc is not None and _TRAILING_MONTHS.search(text):
        return calendar.describe(duration_ending(doc.end, 12), doc.end)
    return None


def narrative_figures(lines: list[str], line_numbers: list[int], ctx: DocContext) -> list[Figure]:
    """Figures in the prose lines (1-based ``line_numbers``) of a document.

    A line ending in a colon is a heading: the lines after it (bullets) take its words as
    their subject where they name none, and a period it names in words ("our guidance
    for the first quarter of fiscal 2027:") where they name no period.
    """
    figures: list[Figure] = []
    heading: str | None = None
    heading_period: Period | None = None
    for number, raw_line in zip(line_numbers, lines, strict=True):
        if not raw_line.strip() or _BULLET.fullmatch(raw_line.strip()):
            continue  # a bullet printed on a line of its own belongs to the line after it
        line = _TAG.sub(lambda m: " " * len(m.group()), raw_line)
        line_figures = _line_figures(line, number, ctx, heading, heading_period)
        figures.extend(line_figures)
        stripped = line.strip()
        if stripped.endswith(":") or (not line_figures and _SHORT_HEADING.fullmatch(stripped)):
            # "Reference: Equity" over "As of March 31, 2026 ¥512,300 million"
            heading = _LEAD_TRIM.sub("", stripped.rstrip(":")).strip()
            # "Financial Targets for FY2031": the period its lines speak of
            heading_period = named_period(stripped, ctx) or _period_in(stripped, ctx.calendar)
        elif (not line_figures and any(c.isalpha() for c in stripped)) or len(stripped) > 200:
            # a footnote mark or page number alone on its line does not end the bullets
            heading, heading_period = None, None
    return figures


def _line_figures(
    line: str,
    number: int,
    ctx: DocContext,
    heading: str | None,
    heading_period: Period | None = None,
) -> list[Figure]:
    """The figures of one prose line (line ``number``), sentence by sentence."""
    figures: list[Figure] = []
    # a paragraph that opens "As of September 30, 2021," speaks of balances throughout
    paragraph_instant = bool(_AS_OF_START.match(line))
    for offset, sentence in _sentences(line):
        amounts = _amounts(sentence, offset)
        if not amounts:
            continue
        sentence_period = _sentence_period(
            sentence, amounts, ctx, paragraph_instant, heading_period
        )
        figures.extend(
            _sentence_figures(sentence, amounts, _Sentence(number, sentence_period, heading), ctx)
        )
    return figures


@dataclass(frozen=True, slots=True)
class _Sentence:
    """What the amounts of a sentence share: its line, its period and the heading over it."""

    line_number: int
    period: Period | None  # the period of an amount that names none (_sentence_period)
    heading: str | None  # the subject of an amount that names none and follows no other


@dataclass(frozen=True, slots=True)
class _Place:
    """An amount of a sentence with the words around it."""

    sentence: str
    amount: _Amount
    segment: str  # the words since the previous amount, or the clause's start
    before: str  # the 40 characters before the amount
    after: str  # the 60 characters after it
    cursor: int  # where the segment starts in the sentence: 0 for the first amount
    previous: Figure | None  # the figure whose subject the sentence spoke of last


def _sentence_figures(
    sentence: str, amounts: list[_Amount], about: _Sentence, ctx: DocContext
) -> list[Figure]:
    """The figures of a sentence's amounts, each read with the words since the amount
    before it; an amount naming no subject of its own describes the figure before it."""
    figures: list[Figure] = []
    previous: Figure | None = None
    previous_status: str | None = None
    cursor = 0
    for amount in amounts:
        segment = sentence[cursor : amount.start]
        if _PLUS_OR_MINUS.search(segment):
            cursor = amount.end  # the width of a range ("$2.5 billion +/- $150 million")
            continue
        # what came before a closing parenthesis or a semicolon belongs to the previous
        # clause ("(JPY43,291 million for 1H20); orders received for ...")
        cut = max(segment.rfind(")"), segment.rfind(";"))
        if cut >= 0 and cursor > 0:
            segment = segment[cut + 1 :]
        place = _Place(
            sentence,
            amount,
            segment,
            sentence[max(0, amount.start - 40) : amount.start],
            sentence[amount.end : amount.end + 60],
            cursor,
            previous,
        )
        figure, borrowed = _amount_figure(place, about, previous_status, ctx)
        previous_status = figure.forecast_status
        figures.append(figure)
        if not borrowed or previous is None:
            previous = figure
        cursor = amount.end
    return figures


def _amount_figure(
    place: _Place, about: _Sentence, previous_status: str | None, ctx: DocContext
) -> tuple[Figure, bool]:
    """The figure of an amount, and whether its subject is borrowed: from the figure
    before it (it names none, "up 7.3%") or as a part of it ("including ...")."""
    label, change_in = _amount_label(place, ctx)
    measure, sign = _measure_and_sign(place, change_in)
    component = bool(_COMPONENT_BEFORE.search(place.segment)) and place.previous is not None
    flags = _position_flags(place, label)
    inherited = label is None and not component
    if component and label is None:
        # "including an increase of JPY1,456 million related to the acquisition":
        # a part of the figure before it, not another printing of it
        label = f"part of {place.previous.item_label}"
        flags.append("component_of_previous")
    if inherited:
        label, sign = _inherited_subject(place, about.heading, sign, flags)
    period = _amount_period(place, measure, inherited, about.period, ctx)
    period = _flow_period(period, label or "", place.sentence, ctx)
    amount = place.amount
    unit, scale = _unit(amount, label or "", place.sentence)
    scenario, status, announced = _forecast_of(place, period, previous_status, ctx)
    figure = Figure(
        document_id=ctx.document_id,
        sequence=0,
        section_kind=SectionKind.NARRATIVE,
        block_index=-1,
        block_title=None,
        row_label=place.sentence.strip()[:200],
        item_label=label or "",
        label_path=(),
        column_header=None,
        column_index=None,
        member=None,
        period=period,
        scenario=scenario,
        forecast_status=status,
        forecast_announced_on=announced,
        measure=measure,
        unit=unit,
        scale=scale,
        decimals=xbrl_decimals(amount.decimals, scale),
        raw_text=amount.raw,
        value=to_base_units(amount.number * sign, scale),
        line_number=about.line_number,
        char_start=amount.num_start,
        char_end=amount.num_end,
        flags=tuple(flags + ([] if label else ["label_unknown"])),
    )
    if inherited and place.previous is not None:
        figure.anchor = place.previous
    return figure, inherited or component


def _amount_label(place: _Place, ctx: DocContext) -> tuple[str | None, re.Match[str] | None]:
    """The subject an amount's own words name (None if none), and the "increase in
    <subject> by" phrase before it, if any."""
    segment, rest = place.segment, place.sentence[place.amount.end :]
    period_spans = [(a, b) for a, b, _ in find_periods(segment, ctx.calendar)]
    label = _label_from(_blank(segment, period_spans))
    change_in = _CHANGE_IN.search(segment)
    if change_in:
        label = change_in["subject"].strip()
    after_of = _AMOUNT_OF.match(rest)
    if after_of and (label is None or _LEAD_TRIM.fullmatch(label + " ")):
        label = after_of["subject"].strip()
    # "an increase of JPY1,480 million in short-term borrowings": the subject follows
    after_in = _AMOUNT_IN.match(rest)
    if after_in and _CHANGE_NOUN_BEFORE.search(segment):
        label = after_in["subject"].strip()
    # "... increased by JPY2,974 million to JPY47,734 million": the new balance of
    # the subject just named
    if _TO_BEFORE.search(segment) and place.previous is not None and place.cursor > 0:
        label = None
    return label, change_in


def _measure_and_sign(place: _Place, change_in: re.Match[str] | None) -> tuple[Measure, int]:
    """What an amount measures (a level, a change, a ratio or a change in percent) and the
    sign its direction word gives it ("down", "decrease in ... by")."""
    before, after = place.before, place.after
    change = _CHANGE_BEFORE.search(before)
    measure = Measure.VALUE
    sign = 1
    if place.amount.kind == "percent":
        measure = Measure.RATIO
        # "¥7,420 million [184.3%]": the exchange's summary brackets the change
        if change or _YOY_AFTER.match(after) or _BRACKET_BEFORE.search(before):
            measure = Measure.CHANGE_PERCENT
    elif change or change_in:
        measure = Measure.CHANGE
    if (change and change["word"].lower() in _NEGATIVE_WORDS) or (
        change_in and change_in["word"].lower() == "decrease"
    ):
        sign = -1
    return measure, sign


def _position_flags(place: _Place, label: str | None) -> list[str]:
    """Flags from where an amount stands: first on a highlights line, an end of a range,
    a bound ("over 10%")."""
    flags: list[str] = []
    before, after, segment, previous = place.before, place.after, place.segment, place.previous
    if (
        place.cursor == 0
        and label
        and _HIGHLIGHT_LEAD.fullmatch(segment.strip(), 0)
        and (segment.strip().rstrip(" :") == label.strip())
    ):
        # "Total revenues JPY53.0 billion up 5.2% YoY": its subject, then the amount
        flags.append("highlight_line")
    if _RANGE_LOW_BEFORE.search(before) and _RANGE_NEXT.match(after):
        flags.append("range_low")  # "in the range of $3.20 billion to $3.60 billion"
    elif (
        previous is not None and "range_low" in previous.flags and _RANGE_HIGH_BEFORE.search(before)
    ):
        flags.append("range_high")
    if _BOUND_BEFORE.search(before):
        flags.append("bound_" + _BOUND_BEFORE.search(before).group().split()[0].lower())
    return flags


def _inherited_subject(
    place: _Place, heading: str | None, sign: int, flags: list[str]
) -> tuple[str | None, int]:
    """The subject of an amount that names none: that of the figure before it, else the
    heading's. A "loss" of a subject that is not one is negative ("sign_from_wording" is
    added to ``flags``)."""
    previous = place.previous
    label = previous.item_label if previous else heading
    if (
        previous is not None
        and _LOSS.search(place.segment)
        and not _LOSS_START.search(previous.item_label)
    ):
        sign = -1
        flags.append("sign_from_wording")
    return label, sign


def _amount_period(
    place: _Place,
    measure: Measure,
    inherited: bool,
    sentence_period: Period | None,
    ctx: DocContext,
) -> Period | None:
    """The period of an amount: one named just before it ("As of ...: 93,534,800 shares"),
    just after it ("for 1H20"), in its words, that of the figure it is a change of, or
    else the sentence's."""
    segment, after, previous = place.segment, place.after, place.previous
    period = None
    just_before = [
        p for a, b, p in find_periods(segment, ctx.calendar) if not segment[b:].strip(" :,of")
    ]
    if just_before:
        period = just_before[-1]  # "As of September 30, 2021: 93,534,800 shares"
    after_period = _PERIOD_AFTER.match(after)
    if after_period and period is None:
        period = _period_in(
            after[after_period.start() : after_period.end() + 45].split(")")[0].split(";")[0],
            ctx.calendar,
        )
    if period is None:
        period = _period_in(segment, ctx.calendar)
    if (
        period is None
        and measure in (Measure.CHANGE, Measure.CHANGE_PERCENT)
        and previous is not None
        and inherited
    ):
        period = previous.period
    if period is None:
        period = sentence_period
    return period


def _forecast_of(
    place: _Place, period: Period | None, previous_status: str | None, ctx: DocContext
) -> tuple[str, str | None, dt.date | None]:
    """An amount's scenario, forecast status and announcement date: a forecast when its
    period ends after the release, announced by it unless its words say otherwise."""
    scenario = (
        "forecast" if (period and ctx.published_on and period.end > ctx.published_on) else "actual"
    )
    status, announced = None, ctx.published_on if scenario == "forecast" else None
    if scenario == "forecast":
        before, after = place.before, place.after
        # "updated ... target, which was disclosed on May 12, 2021, upward from over
        # 9% to over 10%": the first is the target as announced then, the second the
        # revision announced in this release
        if _FROM_BEFORE.search(before) and _TO_AFTER.match(after):
            status = "original"
            announced = _announcement_date(place.sentence[: place.amount.start], ctx)
        elif _TO_BEFORE.search(before) and previous_status == "original":
            status = "revised"
    return scenario, status, announced


# what a period's income or profit is: "Comprehensive income March 31, 2026 ¥3,140 million"
_INCOME_SUBJECT = re.compile(r"\b(?:income|profit|loss|revenues?|sales|earnings)\b", re.I)


def _flow_period(
    period: Period | None, label: str, sentence: str, ctx: DocContext
) -> Period | None:
    """A flow dated by its period's last day alone, as the exchange summary's notes print
    "Comprehensive income March 31, 2026 ¥3,140 million", is the flow of a period as long
    as the release's ending that day, not a balance at that date."""
    doc = ctx.period
    if (
        period is None
        or not period.is_instant
        or doc is None
        or doc.start is None
        or _BALANCE_WORDS.search(sentence)
        or not _INCOME_SUBJECT.search(label)
    ):
        return period
    start = duration_ending(period.end, months_between(doc.start, doc.end))
    return ctx.calendar.describe(start, period.end) if ctx.calendar else Period(period.end, start)


def _sentence_period(
    sentence: str,
    amounts: list[_Amount],
    ctx: DocContext,
    paragraph_instant: bool,
    heading_period: Period | None = None,
) -> Period | None:
    """The period a sentence speaks of when an amount names none of its own: one its
    words before the first amount name, else the heading's, else the release's."""
    lead = sentence[: amounts[0].start]
    found = _period_in(lead, ctx.calendar) or named_period(lead, ctx) or heading_period
    if found:
        return found
    doc = ctx.period
    if doc is None:
        return None
    flow = _FLOW.search(sentence)
    if _BALANCE_WORDS.search(sentence) or (paragraph_instant and not flow):
        if ctx.calendar:
            return ctx.calendar.describe(None, doc.end)
        return Period(end=doc.end, start=None, label=None, fiscal_year=doc.fiscal_year)
    return doc


def _unit(amount: _Amount, label: str, sentence: str) -> tuple[str, int]:
    if amount.kind == "percent":
        return "percent", 0
    if amount.kind == "shares":
        return "shares", 0
    currency = "USD" if amount.currency in ("US$", "$") else "JPY"
    if amount.scale == 0 and _PER_SHARE_WORDS.search(label + " " + sentence):
        return f"{currency}/share", 0
    return currency, amount.scale


_SENTENCE_BREAK = re.compile(r"(?<=\.)\s+")
_REVISION = re.compile(r"\brevis", re.I)
_REVISION_AT = WordAnchored(_REVISION, ("revis",))
_FIRST_ANNOUNCED = re.compile(
    r"(?:targets?|forecasts?)[^.]{0,120}?(?:announced|disclosed)\s+on\s+", re.I
)


def original_forecast_date(text: str) -> dt.date | None:
    """When the forecasts a release revises were first announced ("... announced on May 12")."""
    if _REVISION_AT.search(text) is None:
        return None  # no sentence speaks of a revision
    for sentence in _SENTENCE_BREAK.split(text):
        if not _REVISION.search(sentence):
            continue
        match = _FIRST_ANNOUNCED.search(sentence)
        if match:
            date = DATE.search(sentence, match.end())
            if date and date.start() - match.end() < 3:
                return parse_date(date)
    return None
