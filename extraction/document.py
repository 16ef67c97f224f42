"""Extract one release: metadata, tables, narrative figures and the token ledger."""

from __future__ import annotations

import calendar as calendar_module
import datetime as dt
import hashlib
import itertools
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

from extraction.blocks import Block, find_blocks
from extraction.fingerprint import source_fingerprint
from extraction.layout import Relaid, relayout
from extraction.models import (
    Document,
    DocumentStatus,
    ExtractionResult,
    Figure,
    Issue,
    Period,
    SectionKind,
)
from extraction.narrative import narrative_figures, original_forecast_date
from extraction.periods import (
    DATE,
    PERIOD_LABEL,
    FiscalCalendar,
    add_months,
    duration_ending,
    find_periods,
    fiscal_year_end_mentions,
    label_year,
    months_between,
    parse_date,
)
from extraction.reader import UnreadableDocument, decode
from extraction.scan import WordAnchored
from extraction.shares import mark_share_basis
from extraction.tables import (
    DocContext,
    Layout,
    analyse,
    borrow_header,
    classify,
    continue_header,
    continues_table,
    figures_of,
    members_from_repeated_headings,
)

# The release, and the hash of the extractor's files (extraction/fingerprint.py): the stamp
# of every raw row; an unchanged stamp and content mean a file need not be extracted again.
PARSER_RELEASE = "0.2.0"
PARSER_VERSION = f"{PARSER_RELEASE}+{source_fingerprint()}"

_COMPANY_SUFFIX = (
    r"(?:Inc\.|Incorporated|Corporation|Corp\.|Co\.,\s?Ltd\.|Company,? Limited|Ltd\.|Limited"
    r"|K\.K\.|Holdings(?: Inc\.)?|plc|PLC|AG|S\.A\.|N\.V\.|LLC)"
)
_COMPANY_NAME = re.compile(rf"Company name\s*:\s*(?P<name>.+?{_COMPANY_SUFFIX})")
_DATELINE = re.compile(
    rf"^[A-Z][A-Za-z .]+,\s+(?P<date>{DATE.pattern})\s*[-\u2013\u2014]+\s*"
    rf"(?P<name>[A-Z][\w&.,' -]+?{_COMPANY_SUFFIX})",
    re.IGNORECASE,
)
_EXCHANGE = re.compile(
    r"\((?:\"[^\"]+\",\s*)?(?P<exchange>[A-Z][A-Za-z]*(?:\s[A-Z][A-Za-z]*)?)\d?\s*:\s*"
    r"(?P<code>[0-9A-Z]{4,5})\)"
    r"|Exchange listed\s*:\s*(?P<listed>.+?)\s+(?:Stock|Securities) code(?: number)?\s*:\s*"
    r"(?P<code2>[0-9A-Z]{4,5})",
)
_REVISED_FORECASTS = re.compile(
    r"changes? (?:from|in|to) the (?:latest|most recent|previous) forecasts?[^:\n]{0,40}:\s*yes"
    r"|\b(?:upward|downward) revision of\b",
    re.I,
)
# searched over the whole text: only where its first words are
_REVISED_FORECASTS_AT = WordAnchored(_REVISED_FORECASTS, ("change", "upward", "downward"))
_DATE_LINE = re.compile(rf"^\s*(?:{DATE.pattern})\s*$", re.IGNORECASE)
# "AUSTIN (July 20, 2030) - Example ..." or "SAN JOSE, Calif., July 27, 2030 -" with the
# company's name on the next line
_US_DATELINE = re.compile(
    rf"^[A-Z][A-Za-z .,]{{1,40}}?[,(]\s*(?P<date>{DATE.pattern})\)?\s*[-\u2013\u2014]+\s*"
    rf"(?P<name>[A-Z][\w&.,' -]+?{_COMPANY_SUFFIX})",
    re.MULTILINE,
)
# a slide's footer: "(c) Example Holdings Corporation All Rights Reserved. 4"
_COPYRIGHT = re.compile(
    r"^\s*(?:\u00a9|\(c\)|copyright\s*\u00a9?)\s*(?:(?:19|20)[0-9]{2}\s+)?"
    rf"(?P<name>[A-Z][\w&.,' -]+?{_COMPANY_SUFFIX})\s+all\s+rights\s+reserved",
    re.IGNORECASE | re.MULTILINE,
)
# lines a person who saved the text put over it ("SOURCE: ...", "=== PAGE 1 ===")
_PREAMBLE = re.compile(r"^(?:#|=+\s|(?:SOURCE|CALL DATE|QUARTER|NOTE)\s*:)")
# "(Nasdaq: EXMP)", "(NYSE: ABC)": a US listing; tickers have one to five letters
_US_TICKER = re.compile(
    r"\((?P<exchange>NYSE American|NYSE|Nasdaq|NASDAQ)(?:\s+[A-Z][a-z]+)*\s*:\s*"
    r"(?P<code>[A-Z]{1,5}(?:\.[A-Z])?)\)"
)
_TITLE = re.compile(r"\b(?:results?|earnings|announces?|financial statements|tanshin)\b", re.I)


def document_id_for(data: bytes) -> str:
    """A stable id from the file's content: a changed file is a new document version."""
    return hashlib.sha256(data).hexdigest()[:16]


def extract_file(path: Path) -> ExtractionResult:
    """Extract a release from ``path``; failures come back as a failed document, not raised."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        digest = hashlib.sha256(b"").hexdigest()
        document = Document(
            document_id=f"unreadable-{hashlib.sha256(str(path).encode()).hexdigest()[:8]}",
            file_name=path.name,
            sha256=digest,
            size_bytes=0,
            status=DocumentStatus.FAILED,
            error_message=f"{path.name}: cannot be read ({err.strerror or err}); "
            "check the file's permissions",
        )
        return ExtractionResult(document=document)
    return extract_bytes(data, path.name)


def extract_bytes(data: bytes, file_name: str) -> ExtractionResult:
    """Extract a release from its bytes. Never raises for bad input: see ``status``."""
    document = Document(
        document_id=document_id_for(data),
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        status=DocumentStatus.EXTRACTED,
    )
    try:
        decoded = decode(data)
    except UnreadableDocument as err:
        where = f" (line {err.line})" if err.line else ""
        document.status = DocumentStatus.FAILED
        document.error_message = f"{file_name}{where}: {err}"
        document.error_line = err.line
        return ExtractionResult(document=document)
    document.encoding = decoded.encoding
    document.line_count = len(decoded.lines)
    result = ExtractionResult(document=document)
    _read_metadata(document, decoded.text, decoded.lines)
    relaid = relayout(decoded.lines)
    lines = relaid.texts
    ctx = _document_context(document, decoded.text, relaid)

    blocks, table_lines = find_blocks(lines)
    figures = _table_figures(blocks, result, ctx)
    prose = [(n, line) for n, line in enumerate(lines, start=1) if n not in table_lines]
    figures.extend(narrative_figures([line for _, line in prose], [n for n, _ in prose], ctx))
    _settle_figures(figures, document, decoded.text, ctx.calendar)
    result.figures = figures

    from extraction.ledger import build_ledger

    result.tokens = build_ledger(document.document_id, lines, figures, table_lines)
    _check_document(result, lines, relaid, blocks)
    _trace_to_source(result, relaid)
    return result


def _document_context(document: Document, text: str, relaid: Relaid) -> DocContext:
    """What the whole release tells every table and sentence: its fiscal calendar (which
    can also complete the document's period), dates, forecast revision and currency."""
    # headers the layout readers rebuilt ("Three Months Ended June 30, 2026") name periods
    calendar = _calendar(document, text if relaid.layout == "cells" else "\n".join(relaid.texts))
    return DocContext(
        document_id=document.document_id,
        calendar=calendar,
        published_on=document.published_on,
        period=document.period,
        original_forecast_announced_on=original_forecast_date(text),
        forecasts_revised=_REVISED_FORECASTS_AT.search(text) is not None,
        currency=_text_currency(text),
    )


def _table_figures(blocks: list[Block], result: ExtractionResult, ctx: DocContext) -> list[Figure]:
    """The figures of the table blocks: each block's layout analysed, its header completed
    from the table above or a sibling where it is missing or damaged, its kind classified.
    The issues found are added to ``result``."""
    layouts = [analyse(block, ctx) for block in blocks]
    _continue_tables(layouts, result, ctx)
    for layout in layouts:
        layout.kind = classify(layout, ctx)
    _repair_headers(layouts, result, ctx)
    figures: list[Figure] = []
    for layout in layouts:
        found, issues = figures_of(layout, ctx)
        figures.extend(found)
        result.issues.extend(issues)
    members_from_repeated_headings(figures)
    return figures


def _settle_figures(
    figures: list[Figure], document: Document, text: str, calendar: FiscalCalendar | None
) -> None:
    """The document's currency and stock split from its figures, the figures' share basis
    marked, then the figures put in reading order and numbered."""
    document.currency = _currency(figures)
    split = mark_share_basis(figures, text, calendar)
    if split is not None:
        document.stock_split_ratio = Decimal(split.ratio.numerator) / split.ratio.denominator
        document.stock_split_effective_on = split.effective_on
    figures.sort(key=lambda f: (f.line_number, f.char_start))
    for sequence, figure in enumerate(figures, start=1):
        figure.sequence = sequence


def _trace_to_source(result: ExtractionResult, relaid: Relaid) -> None:
    """Give figures, tokens and issues the source line and column they were printed at.

    The analysis ran on the lines the layout readers rebuilt; where they joined cells
    printed on several lines, a rebuilt line's pieces come from different source lines.
    """
    if relaid.lines is None:
        return
    for figure in result.figures:
        width = figure.char_end - figure.char_start
        figure.line_number, figure.char_start = relaid.locate(figure.line_number, figure.char_start)
        figure.char_end = figure.char_start + width
    for token in result.tokens:
        width = token.char_end - token.char_start
        token.line_number, token.char_start = relaid.locate(token.line_number, token.char_start)
        token.char_end = token.char_start + width
    for issue in result.issues:
        if issue.line_number is not None:
            issue.line_number = relaid.locate(issue.line_number)[0]
    result.tokens.sort(key=lambda t: (t.line_number, t.char_start, t.status != "figure"))
    # a header printed once over several columns was rebuilt into each of them: its
    # numbers are still one printed token each
    seen: set[tuple[int, int, int]] = set()
    tokens = []
    for token in result.tokens:
        place = (token.line_number, token.char_start, token.char_end)
        if place not in seen:
            seen.add(place)
            tokens.append(token)
    result.tokens = tokens
    for index, token in enumerate(result.tokens):
        token.token_index = index
    for line, what in relaid.repairs:
        result.issues.append(
            Issue(result.document.document_id, "warning", "layout_rebuilt", what, line)
        )


def _continue_tables(layouts: list[Layout], result: ExtractionResult, ctx: DocContext) -> None:
    """Tables that go on after a paragraph take the header of the table above them."""
    for above, layout in itertools.pairwise(layouts):
        if continues_table(layout, above):
            continue_header(layout, above)
            result.issues.append(
                Issue(
                    ctx.document_id,
                    "warning",
                    "header_from_table_above",
                    f"line {layout.block.first_line}: a table without a header after a "
                    f"paragraph; the header of the table at line {above.block.first_line} "
                    "(same columns) was used",
                    layout.block.first_line,
                )
            )


def _repair_headers(layouts: list[Layout], result: ExtractionResult, ctx: DocContext) -> None:
    for layout in layouts:
        if not layout.damaged_header:
            continue
        sibling = next(
            (
                other
                for other in layouts
                if other is not layout
                and other.kind == layout.kind
                and not other.damaged_header
                and len(other.columns) == len(layout.columns)
                and other.orientation == layout.orientation
            ),
            None,
        )
        if sibling is not None:
            borrow_header(layout, sibling)
            result.issues.append(
                Issue(
                    ctx.document_id,
                    "warning",
                    "header_from_sibling_table",
                    f"line {layout.block.first_line}: the column header is damaged; the header "
                    f"of the {layout.kind.value} table at line {sibling.block.first_line} "
                    "(same columns) was used",
                    layout.block.first_line,
                )
            )
        else:
            result.issues.append(
                Issue(
                    ctx.document_id,
                    "warning",
                    "header_damaged",
                    f"line {layout.block.first_line}: column header damaged and no same-shaped "
                    "table to repair it from; figures keep the printed header",
                    layout.block.first_line,
                )
            )


def _read_metadata(document: Document, text: str, lines: list[str]) -> None:
    head = "\n".join(lines[:40])
    for line in lines[:40]:
        stripped = line.strip()
        if (
            stripped
            and _TITLE.search(stripped)
            and len(stripped) < 200
            and "\t" not in line
            and not stripped.lower().startswith(("for immediate release", "tokyo,"))
            and not _PREAMBLE.match(stripped)
        ):
            document.title = stripped
            break
    dateline = next((m for m in (_DATELINE.search(line.strip()) for line in lines[:60]) if m), None)
    dateline = dateline or _US_DATELINE.search("\n".join(lines[:60]))
    company = _COMPANY_NAME.search(text)
    if dateline:
        document.company_name = dateline["name"].strip()
        document.published_on = parse_date(DATE.search(dateline["date"]))
    if company and not document.company_name:
        document.company_name = company["name"].strip()
    if not document.company_name:
        # a presentation names its company only in the footer of every slide
        holders = Counter(m["name"].strip() for m in _COPYRIGHT.finditer(text))
        document.company_name = holders.most_common(1)[0][0] if holders else None
    if document.published_on is None:
        # a date alone on its line near the top is the release's date line
        alone = next((m for m in map(_DATE_LINE.match, lines[:40]) if m), None)
        document.published_on = parse_date(DATE.search(alone.group())) if alone else None
    if document.published_on is None:
        first_date = DATE.search(head)
        document.published_on = parse_date(first_date) if first_date else None
    _read_listing(document, lines[:60])
    exchange = _EXCHANGE.search(text)
    if exchange and document.stock_code is None:
        if exchange["code"]:
            document.exchange = _normalise_exchange(exchange["exchange"])
            document.stock_code = exchange["code"]
        else:
            document.exchange = _normalise_exchange(exchange["listed"])
            document.stock_code = exchange["code2"]
    _read_us_ticker(document, text)


_CURRENCY_UNIT = re.compile(r"^[A-Z]{3}(?=/|$)")


def _currency(figures: list[Figure]) -> str | None:
    """The currency most of the document's money figures are in (their unit's ISO code)."""
    counts = Counter(
        match.group() for f in figures if (match := _CURRENCY_UNIT.match(f.unit)) is not None
    )
    return counts.most_common(1)[0][0] if counts else None


# the exchange's summary form: "Securities code: 9999", "Listing: Tokyo Stock Exchange"; a
# converter may print the values on the lines after their labels ("Company name:" alone)
_SECURITIES_CODE = re.compile(
    r"\b(?:securities|stock)\s+code(?:\s+number)?\s*:\s*([0-9][0-9A-Z]{3,4})\b", re.I
)
_LISTING = re.compile(
    r"^\s*(?:listing|stock exchange listing|listed on)\s*:\s*(?P<value>.*)$", re.I
)
_STOCK_EXCHANGE = re.compile(r"\b(?P<name>[A-Z][a-z]+)\s+Stock\s+Exchange\b")
_NAME_LABEL = re.compile(r"^\s*company\s+name\s*:\s*$", re.I)
_NAME_LINE = re.compile(rf"^\s*(?P<name>[A-Z][\w&.,' -]+?{_COMPANY_SUFFIX})\s*$")


def _read_listing(document: Document, head: list[str]) -> None:
    """Company name, exchange and securities code as the exchange's summary form prints them."""
    text = "\n".join(head)
    code = _SECURITIES_CODE.search(text)
    if code:
        document.stock_code = code.group(1)
    listing = next((m for m in map(_LISTING.match, head) if m), None)
    exchange = _STOCK_EXCHANGE.search(listing["value"]) if listing else None
    exchange = exchange or (_STOCK_EXCHANGE.search(text) if listing or code else None)
    if exchange:
        document.exchange = _normalise_exchange(exchange.group())
    if document.company_name is None and any(_NAME_LABEL.match(line) for line in head):
        name = next((m for m in map(_NAME_LINE.match, head) if m), None)
        if name:
            document.company_name = name["name"].strip()


def _read_us_ticker(document: Document, text: str) -> None:
    """Exchange and ticker of a US release ("(Nasdaq: EXMP)"), where nothing else gave them."""
    ticker = _US_TICKER.search(text)
    if ticker and document.stock_code is None:
        document.exchange = _normalise_exchange(ticker["exchange"])
        document.stock_code = ticker["code"]


def _normalise_exchange(name: str) -> str:
    lowered = name.lower()
    if "tokyo" in lowered or lowered.startswith("tse"):
        return "TSE"
    if lowered.strip() in {"nasdaq", "nyse"}:
        return name.strip().upper()  # "(Nasdaq: EXMP)" and "(NASDAQ: EXMQ)" name one exchange
    return name.strip()


def _calendar(document: Document, text: str) -> FiscalCalendar | None:
    """The fiscal calendar and the document's own period, from what the text says.

    The year end comes from phrases like "fiscal year ending March 31, 2022"; how "FY2021"
    or "1H21" map onto dates is learned from the document's own pairing of a period name
    with dates ("1H21", from April 1, 2021 to September 30, 2021).
    """
    head = text[:6000]
    ends = fiscal_year_end_mentions(head) or fiscal_year_end_mentions(text)
    quarterly = _text_currency(text) == "USD"  # a US release reports its last quarter
    if not ends:
        # a quarterly release (a US earnings release, a results presentation) that names
        # no fiscal year end: its quarter and that quarter's end date tell it
        return _calendar_of_quarter(document, text)
    counts = Counter((d.month, d.day) for d, _ in ends)
    (month, day), _ = counts.most_common(1)[0]
    document.fiscal_year_end_month, document.fiscal_year_end_day = month, day
    calendar = FiscalCalendar(month, day, "end" if _years_named_by_end(text, ends) else "start")
    span = next(
        (
            (a, b, p)
            for a, b, p in find_periods(head, calendar)
            if not p.is_instant and p.start is not None and re.search(r"\bfrom\b", head[a:b], re.I)
        ),
        None,
    )
    if span is None:
        span = next(
            (
                (a, b, p)
                for a, b, p in find_periods(head, calendar)
                if not p.is_instant and p.start and p.end <= (document.published_on or p.end)
            ),
            None,
        )
    if span is not None:
        a, _, period = span
        label = PERIOD_LABEL.search(head, max(0, a - 40), a + 5)
        if label:
            # the release's own pairing of a period name with dates decides how it names
            # its years ("FY2024", from April 1, 2024 to March 31, 2025: by the start)
            yy = label_year(label) % 100
            start_basis = FiscalCalendar(month, day, "start")
            by_start = start_basis.label_year(start_basis.fy_end_for(period.end)) % 100 == yy
            calendar = FiscalCalendar(month, day, "start" if by_start else "end")
        document.period = calendar.describe(period.start, period.end)
    if quarterly and document.period is not None:
        document.period = _quarter_of(document.period, _quarter_named(document.title), calendar)
    return calendar


_DOLLAR_AMOUNT = re.compile(r"\$\s?[0-9]")
_YEN_WORD = re.compile(r"yen(?![A-Za-z])")


def _text_currency(text: str) -> str:
    """The currency the text prints most amounts in: "USD" where dollar signs outnumber
    yen marks, else "JPY". Counted with plain searches: it reads every release whole."""
    if "$" not in text:
        return "JPY"
    dollars = len(_DOLLAR_AMOUNT.findall(text))
    yen = text.count("JPY") + text.count("\u00a5") + text.count("\u5186")
    yen += sum(1 for m in _YEN_WORD.finditer(text) if not text[m.start() - 1 : m.start()].isalpha())
    return "USD" if dollars > yen else "JPY"


_FISCAL_YEAR_NAME = re.compile(
    r"\b(?:fiscal(?:\s+year)?|FY)\s?'?(?P<year>(?:19|20)[0-9]{2})\b", re.I
)


def _years_named_by_end(text: str, ends: list[tuple[dt.date, int]]) -> bool:
    """Whether "fiscal 2026" names the fiscal year that ends in 2026 (the US habit): the
    text names the year of a fiscal year end it states more often than the year before."""
    named = Counter(int(m["year"]) for m in _FISCAL_YEAR_NAME.finditer(text))
    end_years = {d.year for d, _ in ends}
    return sum(named[y] for y in end_years) > sum(named[y - 1] for y in end_years)


_QUARTER_WORD = re.compile(
    r"\b(?P<word>first|second|third|fourth)\s+quarter\b|\bQ(?P<q>[1-4])\b", re.I
)
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_QUARTER_END = re.compile(
    rf"\b(?:three months|quarter)\s+(?:ended|ending)\s+(?:{DATE.pattern})", re.I
)


def _quarter_named(title: str | None) -> int | None:
    """The quarter a title reports ("TI reports second quarter 2026 financial results")."""
    match = _QUARTER_WORD.search(title or "")
    if match is None:
        return None
    return _ORDINAL[match["word"].lower()] if match["word"] else int(match["q"])


def _calendar_of_quarter(document: Document, text: str) -> FiscalCalendar | None:
    """The calendar of a release that names no fiscal year end: its title (or the lines
    that open it) names the quarter and its statements the day that quarter ended ("Three
    Months Ended June 30, 2026" of the second quarter: the year ends in December)."""
    quarter = _quarter_named(document.title) or _quarter_named(_opening(text))
    dated = _QUARTER_END.search(text)
    day = parse_date(DATE.search(dated.group())) if dated else _last_month_end(text, document)
    if quarter is None or day is None:
        return None
    year_end = add_months(day, 3 * (4 - quarter))
    month, last = year_end.month, calendar_module.monthrange(year_end.year, year_end.month)[1]
    document.fiscal_year_end_month, document.fiscal_year_end_day = month, last
    fiscal = FiscalCalendar(month, last, "end")
    document.period = fiscal.describe(duration_ending(day, 3), day)
    return fiscal


# the lines a release opens with: its title and subtitle ("First Quarter, 2026")
OPENING_LINES = 6
# a quarter's results are released within this many days of its end
RELEASE_LAG_DAYS = 120


def _opening(text: str) -> str:
    """The first few non-blank lines of ``text``."""
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(itertools.islice((line for line in lines if line), OPENING_LINES))


def _last_month_end(text: str, document: Document) -> dt.date | None:
    """The latest month-end date the text prints before its release date, within the
    lag of a quarterly release: the end of the quarter it reports (its balance date)."""
    published = document.published_on
    if published is None:
        return None
    ends = [
        day
        for match in DATE.finditer(text)
        if (day := parse_date(match)) is not None
        and (day + dt.timedelta(days=1)).day == 1
        and dt.timedelta(0) < published - day <= dt.timedelta(days=RELEASE_LAG_DAYS)
    ]
    return max(ends, default=None)


def _quarter_of(period: Period, quarter: int | None, fiscal: FiscalCalendar) -> Period:
    """A release of the fourth quarter and the full year reports the quarter: the period
    is the last three months of the year found, where the title names that quarter."""
    if quarter is None or period.start is None or months_between(period.start, period.end) <= 3:
        return period
    if add_months(fiscal.fy_start(fiscal.fy_end_for(period.end)), 3 * quarter) != (
        period.end + dt.timedelta(days=1)
    ):
        return period
    return fiscal.describe(duration_ending(period.end, 3), period.end)


# the end of a number cut off: "6,08" anywhere; "12." or "(1,2" in a table row
_CUT_NUMBER = re.compile(r"[0-9],[0-9]{0,2}$")
_CUT_CELL = re.compile(r"\t(?:[0-9][0-9,]*\.|\([0-9][0-9,.]*)$")


def _cut_off(lines: list[str], blocks: list, ends_with_newline: bool) -> tuple[int, str] | None:
    """Where and how the text stops early: in the middle of a number, or (with no final
    newline) in a table row shorter than the row above it. A missing final newline alone is
    no sign: many converters leave it out."""
    last = len(lines)
    while last > 1 and not lines[last - 1].strip():
        last -= 1
    final = lines[last - 1].rstrip() if lines else ""
    if _CUT_NUMBER.search(final) or _CUT_CELL.search(final):
        return last, f"in the middle of a number ({final[-40:]!r})"
    if not ends_with_newline and blocks and blocks[-1].last_line == last:
        rows = blocks[-1].rows
        if len(rows) > 1 and rows[-1].has_numbers and len(rows[-1].cells) < len(rows[-2].cells):
            return last, f"in the middle of a table row ({final[-40:]!r})"
    return None


def _check_document(
    result: ExtractionResult, lines: list[str], relaid: Relaid, blocks: list
) -> None:
    doc = result.document
    did = doc.document_id
    tables = [f for f in result.figures if f.section_kind != SectionKind.NARRATIVE]
    if not result.figures:
        doc.status = DocumentStatus.FAILED
        doc.error_message = (
            f"{doc.file_name}: no figures found in {len(lines)} lines: no "
            "table and no amount in the text; is this an earnings release?"
        )
        doc.error_line = 1
        return
    if not tables and doc.period is None:
        result.issues.append(
            Issue(did, "warning", "no_tables", f"{doc.file_name}: no recognizable tables", None)
        )
    if doc.period is None:
        result.issues.append(
            Issue(
                did,
                "warning",
                "period_unknown",
                f"{doc.file_name}: the period the release covers is not stated in its first "
                "lines (expected e.g. 'from April 1, 2021 to September 30, 2021')",
                1,
            )
        )
    cut = _cut_off(lines, blocks, relaid.ends_with_newline)
    if cut is not None:
        rebuilt_line, what = cut
        last = relaid.locate(rebuilt_line)[0]
        doc.status = DocumentStatus.PARTIAL if result.figures else DocumentStatus.FAILED
        message = (
            f"{doc.file_name} (line {last}): the file ends {what}; it looks truncated: the "
            "figures before it were kept; check that the whole release was saved"
        )
        result.issues.append(Issue(did, "error", "truncated", message, rebuilt_line))
        doc.error_message = message
        doc.error_line = last
    for kind, count in Counter(f.section_kind for f in result.figures).items():
        if kind == SectionKind.UNKNOWN_TABLE:
            result.issues.append(
                Issue(
                    did,
                    "warning",
                    "unknown_table",
                    f"{count} figures in tables of unknown kind",
                    None,
                )
            )
