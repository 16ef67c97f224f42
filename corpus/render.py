"""Print a company's figures as an earnings release, recording every printed figure.

Two layouts: the full release (highlights, targets, narrative, operating results summary,
contract counts, the statements, changes in equity, segment information) and the
highlights-only release. Each printed figure becomes a truth row in the format of
``tests/fixtures/disclosures/*.truth.csv`` and a fact row naming the model concept it
prints (``<name>.facts.csv``), which :mod:`corpus.identities` checks.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from corpus.model import SERVICE_LINES, Company, FiscalYear

TRUTH_COLUMNS = (
    "line_number",
    "row_label",
    "column_header",
    "period_type",
    "period_start",
    "period_end",
    "scenario",
    "unit",
    "scale",
    "measure",
    "raw_text",
    "value",
)
FACT_COLUMNS = ("line_number", "raw_text", "concept", "member", "basis_current", "basis_prior")
PERIOD_MONTHS = {"Q1": 3, "1H": 6, "9M": 9, "FY": 12}
_MONTHS_WORD = {3: "Three Months", 6: "Six Months", 9: "Nine Months", 12: "Year"}
_NIL = "\u2014"


@dataclass(frozen=True, slots=True)
class Span:
    """A period as the truth files write it: an instant (start None) or a duration."""

    end: dt.date
    start: dt.date | None = None


@dataclass(slots=True)
class Printed:
    """One figure as printed in a cell or a sentence, with its truth."""

    text: str  # the cell or phrase as printed ("JPY64.8 billion", "(1,234)")
    raw_text: str
    value: Decimal
    span: Span
    unit: str
    scale: int
    measure: str
    concept: str
    member: str = ""
    scenario: str = "actual"
    column_header: str = ""
    basis: tuple[int, int] | None = None  # the two unrounded values behind a YoY %


@dataclass(slots=True)
class Release:
    """The lines of a release being written, and the truth and facts of its figures."""

    tabs: bool
    lines: list[str] = field(default_factory=list)
    truth: list[tuple[str, ...]] = field(default_factory=list)
    facts: list[tuple[str, ...]] = field(default_factory=list)

    def text(self, line: str = "") -> None:
        self.lines.append(line)

    def record(self, row_label: str, printed: Printed) -> None:
        line = str(len(self.lines) + 1)
        span = printed.span
        self.truth.append(
            (
                line,
                row_label,
                printed.column_header,
                "instant" if span.start is None else "duration",
                span.start.isoformat() if span.start else "",
                span.end.isoformat(),
                printed.scenario,
                printed.unit,
                str(printed.scale),
                printed.measure,
                printed.raw_text,
                format(printed.value, "f"),
            )
        )
        basis = printed.basis or ("", "")
        self.facts.append(
            (line, printed.raw_text, printed.concept, printed.member, str(basis[0]), str(basis[1]))
        )

    def sentence(self, parts: list[str | tuple[str, Printed]]) -> None:
        """A line of prose: plain strings and (subject, figure) pairs, recorded in order."""
        for part in parts:
            if isinstance(part, tuple):
                self.record(part[0], part[1])
        self.text("".join(p if isinstance(p, str) else p[1].text for p in parts))

    def table(
        self, rows: list[tuple[str, list[str | Printed]]], trailing_tab: bool = False
    ) -> None:
        """Table rows (label, cells), tab-separated or aligned with runs of spaces."""
        if self.tabs:
            for label, cells in rows:
                for cell in cells:
                    if isinstance(cell, Printed):
                        self.record(label, cell)
                texts = [label] + [c.text if isinstance(c, Printed) else c for c in cells]
                self.text("\t".join(texts) + ("\t" if trailing_tab else ""))
            return
        width = max(len(label) for label, _ in rows) + 4
        columns = max(len(cells) for _, cells in rows)
        widths = [0] * columns
        for _, cells in rows:
            for i, cell in enumerate(cells):
                text = cell.text if isinstance(cell, Printed) else cell
                widths[i] = max(widths[i], len(text) + 4)
        for label, cells in rows:
            for cell in cells:
                if isinstance(cell, Printed):
                    self.record(label, cell)
            line = label.ljust(width)
            for i, cell in enumerate(cells):
                line += (cell.text if isinstance(cell, Printed) else cell).rjust(widths[i])
            self.text(line.rstrip())


# ----------------------------------------------------------------------------- numbers


def rounded(value: int | Decimal, scale: int, places: int = 0) -> Decimal:
    """``value`` in units of 10**scale, rounded half up to ``places`` decimals."""
    q = Decimal(1).scaleb(-places)
    return (Decimal(value) / Decimal(10) ** scale).quantize(q, rounding=ROUND_HALF_UP)


def grouped(number: Decimal) -> str:
    return f"{abs(number):,}"


def amount(
    value: int,
    scale: int,
    span: Span,
    concept: str,
    *,
    header: str = "",
    member: str = "",
    minus: str = "paren",
    scenario: str = "actual",
    unit: str = "JPY",
    places: int = 0,
    nil: str = _NIL,
) -> Printed:
    """A statement cell: ``(1,234)`` or ``-1,234`` for negatives, a nil mark for zero."""
    number = rounded(value, scale, places)
    if number == 0:
        return Printed(nil, nil, Decimal(0), span, unit, scale, "value", concept, member,
                       scenario, header)  # fmt: skip
    text = grouped(number)
    if number < 0:
        text = f"({text})" if minus == "paren" else f"-{text}"
    return Printed(
        text, text, number.scaleb(scale), span, unit, scale, "value", concept, member,
        scenario, header,
    )  # fmt: skip


def yoy(current: int | Decimal, prior: int | Decimal) -> Decimal:
    return rounded((Decimal(current) / Decimal(prior) - 1) * 100, 0, 1)


def percent_cell(
    current: int, prior: int, span: Span, concept: str, *, header: str = "", scenario="actual"
) -> Printed:
    """A YoY % table cell, ``(6.3)`` for a decrease; based on absolute values for costs."""
    pct = yoy(abs(current), abs(prior))
    text = f"({abs(pct)})" if pct < 0 else str(pct)
    return Printed(text, text, pct, span, "percent", 0, "change_percent", concept, "",
                   scenario, header, (current, prior))  # fmt: skip


# ----------------------------------------------------------------------------- calendar


def date_text(day: dt.date, short: bool = False) -> str:
    if short:
        month = day.strftime("%b")
        return f"{month}. {day.day}, {day.year}" if month != "May" else f"May {day.day}, {day.year}"
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def period_name(kind: str, fy: FiscalYear) -> str:
    yy = f"{fy.label_year % 100:02d}"
    return {"Q1": f"1Q{yy}", "1H": f"1H{yy}", "9M": f"9M{yy}", "FY": f"FY{fy.label_year}"}[kind]


def publication_date(end: dt.date, kind: str) -> dt.date:
    """The day a release for a period ending ``end`` comes out: a weekday 5-7 weeks later."""
    day = end + dt.timedelta(days=45 if kind == "FY" else 38)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@dataclass(slots=True)
class Periods:
    """The periods one release talks about."""

    kind: str
    fy: FiscalYear
    prior_fy: FiscalYear
    quarters: int
    current: Span
    prior: Span
    end: dt.date
    prior_end: dt.date
    opening: dt.date  # the balance sheet comparative: end of the previous fiscal year
    published: dt.date
    name: str
    prior_name: str


def periods_for(company: Company, label_year: int, kind: str) -> Periods:
    fy = company.fiscal_year(label_year)
    prior_fy = company.fiscal_year(label_year - 1)
    quarters = PERIOD_MONTHS[kind] // 3
    end = fy.quarter_end(quarters)
    prior_end = prior_fy.quarter_end(quarters)
    return Periods(
        kind=kind,
        fy=fy,
        prior_fy=prior_fy,
        quarters=quarters,
        current=Span(end, fy.start),
        prior=Span(prior_end, prior_fy.start),
        end=end,
        prior_end=prior_end,
        opening=prior_fy.end,
        published=publication_date(end, kind),
        name=period_name(kind, fy),
        prior_name=period_name(kind, prior_fy),
    )


def cumulative(company: Company, label_year: int, quarters: int) -> dict[str, int]:
    """Flows summed over the first ``quarters`` quarters of a fiscal year."""
    return company.cumulative(label_year, quarters)


def balances_at(company: Company, label_year: int, quarter: int) -> dict[str, int]:
    return company.quarter(label_year, quarter).balances


# ----------------------------------------------------------------------------- document


@dataclass(slots=True)
class Style:
    """The choices that vary between releases, drawn once per release."""

    layout: str  # "full" | "highlights"
    crlf: bool
    title_after: bool
    jpy_space: bool  # "JPY 52.3 billion" or "JPY52.3 billion"
    footnote_marks: bool
    wording: dict[str, str]
    sections: frozenset[str]


WORDINGS: dict[str, tuple[str, ...]] = {
    "revenue": ("Total revenues", "Revenue", "Revenues", "Net sales"),
    "receivables": ("Trade receivables", "Trade and other receivables"),
    "ppe": ("Property, plant and equipment", "Tangible assets"),
    "share_premium": ("Share premium", "Capital surplus"),
    "sga": (
        "Selling, general and administrative expenses",
        "Selling, general and administrative expense",
    ),
    "finance_costs": ("Finance costs", "Finance expenses"),
    "pbt": ("Profit before tax", "Profit (loss) before tax"),
    "net_profit": ("Net profit", "Profit attributable to owners of the parent"),
    "equity_method": (
        "Share of profit (loss) of investments accounted for using the equity method",
        "Share of profit of investments accounted for using equity method",
    ),
    "cfo": (
        "Net cash provided by operating activities",
        "Cash flows from operating activities",
        "Net cash from operating activities",
    ),
    "cfi": ("Net cash used in investing activities", "Net cash from investing activities"),
    "cff": ("Net cash used in financing activities", "Net cash from financing activities"),
    "depreciation": ("Depreciation and amortization", "Depreciation and amortisation"),
    "dividends": ("Dividends paid", "Dividends"),
    "sbc": ("Share-based payment", "Stock-based compensation"),
    "buyback": ("Purchase of treasury shares", "Purchase of treasury stock"),
    "tci": ("Total comprehensive income", "Other comprehensive income"),
    "cash_edges": ("at {edge} of period", ", {edge} of the period"),
    "segment_profit": ("Segment profit (operating profit)", "Segment operating profit"),
    "unit_row": ("{scale} of yen", "JPY {scale}"),
}
FULL_SECTIONS = (
    "highlights", "targets", "narrative", "summary", "kpis", "financial_position",
    "profit_or_loss", "comprehensive_income", "changes_in_equity", "cash_flows", "segments",
)  # fmt: skip


def available_sections(company: Company) -> set[str]:
    """The sections of a full release that ``company`` has something to print in."""
    sections = set(FULL_SECTIONS)
    if not company.services:
        sections.discard("summary")
    if not company.has_kpis:
        sections.discard("kpis")
    if not company.segments:
        sections.discard("segments")
    return sections


def draw_style(rng: random.Random, company: Company) -> Style:
    layout = "highlights" if rng.random() < 0.25 else "full"
    sections = {s for s in FULL_SECTIONS if rng.random() < 0.8}
    sections |= {"profit_or_loss"} if rng.random() < 0.9 else set()
    sections &= available_sections(company)
    return Style(
        layout=layout,
        crlf=rng.random() < 0.3,
        title_after=rng.random() < 0.4,
        jpy_space=rng.random() < 0.4,
        footnote_marks=rng.random() < 0.3,
        wording={key: rng.choice(options) for key, options in WORDINGS.items()},
        sections=frozenset(sections) if sections else frozenset({"highlights"}),
    )


def render(company: Company, label_year: int, kind: str, style: Style) -> Release:
    """One release of ``company`` for period ``kind`` of fiscal year ``label_year``."""
    p = periods_for(company, label_year, kind)
    doc = Release(tabs=company.tabs)
    _front_matter(doc, company, p, style)
    if style.layout == "highlights":
        _highlights(doc, company, p, style, trailing_tab=True)
        _targets(doc, company, p, style, trailing_tab=True)
        return doc
    sections = style.sections & available_sections(company)
    if "highlights" in sections:
        _highlights(doc, company, p, style)
    if "targets" in sections:
        _targets(doc, company, p, style)
    doc.text()
    if "narrative" in sections:
        _narrative(doc, company, p, style)
    if "summary" in sections:
        _summary(doc, company, p, style)
    if "kpis" in sections:
        _kpis(doc, company, p)
    statements = (
        ("financial_position", _financial_position),
        ("profit_or_loss", _profit_or_loss),
        ("comprehensive_income", _comprehensive_income),
        ("changes_in_equity", _changes_in_equity),
        ("cash_flows", _cash_flows),
        ("segments", _segments),
    )
    for key, write in statements:
        if key in sections:
            write(doc, company, p, style)
    doc.text("Forward-looking statements in this release are based on information available as "
             f"of {date_text(p.published)} and actual results may differ materially.")  # fmt: skip
    return doc


def _front_matter(doc: Release, c: Company, p: Periods, style: Style) -> None:
    mark = "\u00b9" if style.footnote_marks else ""
    doc.text(
        f"For Immediate Release {c.name} E-mail: ir@{c.web} Tel: +81-3-5555-{int(c.code):04d} "
        f"URL: https://www.{c.web}/ir"
    )
    doc.text()
    what = {"Q1": "First Quarter", "1H": "First Six Months", "9M": "First Nine Months"}
    fy_end = date_text(p.fy.end)
    if p.kind == "FY":
        doc.text(f"{c.short_name} Announces its Results for the Fiscal Year Ended {fy_end}")
        scope = f"the fiscal year ended {fy_end}"
    else:
        doc.text(
            f"{c.short_name} Announces its {what[p.kind]} Results for the Fiscal Year "
            f"Ending {fy_end}"
        )
        scope = f"the {what[p.kind].lower()} for the fiscal year ending {fy_end}"
    doc.text()
    doc.text(
        f'{c.city}, {date_text(p.published)} - {c.name} ("{c.short_name}", {c.exchange}: '
        f"{c.code}) today announced its consolidated financial results for {scope} "
        f'("{p.name}", from {date_text(p.fy.start)} to {date_text(p.end)}) under '
        f"International Financial Reporting Standards (IFRS).{mark}"
    )
    doc.text()


def _jpy(style: Style, number: str, word: str) -> str:
    return f"JPY {number} {word}" if style.jpy_space else f"JPY{number} {word}"


def _headline_rows(company: Company, p: Periods) -> list[tuple[str, str]]:
    rows = [("revenue", "revenue"), ("gross_profit", "Gross profit")]
    rows += [("operating_profit", "Operating profit"), ("pbt", "Profit before tax")]
    return [*rows, ("profit_owners", "net_profit")]


def _label(style: Style, key: str) -> str:
    return style.wording.get(key, key)


def _highlights(doc: Release, c: Company, p: Periods, style: Style, trailing_tab=False) -> None:
    cur = cumulative(c, p.fy.label_year, p.quarters)
    prior = cumulative(c, p.prior_fy.label_year, p.quarters)
    title = f"Highlights of Financial Results for {p.name}"
    rows: list[tuple[str, list[str | Printed]]] = []
    mark = " \u00b2" if style.footnote_marks else ""
    for concept, wording in _headline_rows(c, p):
        if cur[concept] <= 0 or prior[concept] <= 0:
            continue
        label = _label(style, wording)
        value = amount(cur[concept], 9, p.current, concept, header=title, places=1)
        value.text = _jpy(style, value.raw_text, "billion")
        pct = yoy(cur[concept], prior[concept])
        pct_cell = Printed(f"{abs(pct)}%", str(abs(pct)), pct, p.current, "percent", 0,
                           "change_percent", concept, "", "actual", "YoY",
                           (cur[concept], prior[concept]))  # fmt: skip
        direction = "up" if pct >= 0 else "down"
        rows.append((label, [value, direction, pct_cell, f"YoY{mark if not rows else ''}"]))
    if not rows:
        return
    if doc.tabs:
        doc.text(title + "\t" * 5 if trailing_tab else title)
    else:
        doc.text(title)
        doc.text()
    doc.table(rows, trailing_tab=trailing_tab)


def _targets(doc: Release, c: Company, p: Periods, style: Style, trailing_tab=False) -> None:
    """FY targets: for the current year (revised or as announced), or the next after FY."""
    target_year = p.fy.label_year + 1 if p.kind == "FY" else p.fy.label_year
    fy = c.fiscal_year(target_year)
    if target_year - c.first_fy_label >= len(c.quarters) // 4:
        return
    actual = cumulative(c, target_year, 4)
    base = cumulative(c, target_year - 1, 4)
    rng = random.Random(f"{c.code}-{target_year}")
    announced = publication_date(c.fiscal_year(target_year - 1).end, "FY")
    revised = p.kind != "FY" and rng.random() < 0.6
    span = Span(fy.end, fy.start)
    name = period_name("FY", fy)
    if revised:
        title = (
            f"New Financial Targets for {name} (Revised on {date_text(p.published)}) "
            "Original Target"
        )
    else:
        title = f"Financial Targets for {name} (Announced on {date_text(announced)})"
    rows: list[tuple[str, list[str | Printed]]] = []
    concepts = [("revenue", "revenue"), ("operating_profit", "Operating profit")]
    concepts += [("pbt", "Profit before tax"), ("profit_owners", "Net profit")]
    for concept, wording in concepts:
        if actual[concept] <= 0 or base[concept] <= 0:
            continue
        original = rounded(actual[concept] * Decimal(str(rng.uniform(0.95, 1.03))), 9, 1)
        target = original
        if revised:
            target = rounded(actual[concept] * Decimal(str(rng.uniform(0.99, 1.05))), 9, 1)
        cells: list[str | Printed] = []
        value = amount(int(target.scaleb(9)), 9, span, concept, header=title, places=1,
                       scenario="forecast")  # fmt: skip
        value.text = _jpy(style, value.raw_text, "billion")
        pct = yoy(target.scaleb(9), base[concept])
        cells = [value, "up" if pct >= 0 else "down"]
        cells.append(Printed(f"{abs(pct)}%", str(abs(pct)), pct, span, "percent", 0,
                             "change_percent", concept, "", "forecast", "YoY",
                             (int(target.scaleb(9)), base[concept])))  # fmt: skip
        cells.append("YoY")
        if revised:
            # the original target is another fact than the revised one (TSE's forecast axis)
            old = amount(int(original.scaleb(9)), 9, span, f"{concept}@original",
                         header="Original Target",
                         places=1, scenario="forecast")  # fmt: skip
            old.text = _jpy(style, old.raw_text, "billion")
            cells.append(old)
        rows.append((_label(style, wording), cells))
    dps = Decimal(rng.randrange(20, 120))
    dividend = Printed(f"JPY{dps}.00", f"{dps}.00", dps, span, "JPY/share", 0, "value",
                       "dividend_per_share", "", "forecast", title)  # fmt: skip
    cells = [dividend, "per share of common stock"]
    if revised:
        old_dps = dps - rng.randrange(1, 6)
        cells += ["", "", Printed(f"JPY{old_dps}.00", f"{old_dps}.00", old_dps, span,
                                  "JPY/share", 0, "value", "dividend_per_share@original",
                                  "", "forecast", "Original Target")]  # fmt: skip
    rows.append(("Annual Cash Dividend", cells))
    if doc.tabs:
        doc.text(title + "\t" * 5 if trailing_tab else title)
    else:
        doc.text()
        doc.text(title)
        doc.text()
    doc.table(rows, trailing_tab=trailing_tab)
    if revised:
        doc.text()
        doc.text(
            f"We have revised our {name} financial targets and dividend forecast announced on "
            f"{date_text(announced)}."
        )


def _narrative(doc: Release, c: Company, p: Periods, style: Style) -> None:
    cur = cumulative(c, p.fy.label_year, p.quarters)
    prior = cumulative(c, p.prior_fy.label_year, p.quarters)
    doc.text(f"Overview of {p.name} Financial Results")
    doc.text()

    def money(value: int, span: Span, concept: str, header: str) -> Printed:
        printed = amount(value, 6, span, concept, header=header)
        printed.text = _jpy(style, printed.raw_text, "million")
        return printed

    def change_pct(concept: str, subject: str) -> tuple[str, Printed]:
        pct = yoy(cur[concept], prior[concept])
        word = "up" if pct >= 0 else "down"
        printed = Printed(f"{word} {abs(pct)}% YoY", str(abs(pct)), pct, p.current, "percent", 0,
                          "change_percent", concept, "", "actual", "YoY",
                          (cur[concept], prior[concept]))  # fmt: skip
        return (subject, printed)

    subjects = [("revenue", _label(style, "revenue"))]
    subjects += [(f"rev_{s}", f"{SERVICE_LINES[s][0]} revenue") for s in c.services]
    subjects += [("operating_profit", "Operating profit"), ("pbt", "Profit before tax")]
    subjects += [("profit_owners", "Profit attributable to owners of the parent")]
    for i, (concept, subject) in enumerate(subjects):
        if cur[concept] <= 0 or prior[concept] <= 0:
            continue
        now = money(cur[concept], p.current, concept, "narrative")
        then = money(prior[concept], p.prior, concept, p.prior_name)
        verb = "were" if subject.endswith("s") and not subject.endswith("ss") else "was"
        pct = change_pct(concept, subject)
        if i % 2:
            parts = [f"{subject} {verb} ", (subject, now), ", ", pct, " (", (subject, then)]
            parts.append(f" for {p.prior_name}).")
        else:
            parts = [f"{subject} {verb} ", (subject, now), " (", (subject, then)]
            parts += [f" for {p.prior_name}), ", pct, "."]
        doc.sentence(parts)
        doc.text()
    if cur["gross_profit"] > 0 and prior["gross_profit"] > 0:
        ratio_now = rounded(Decimal(cur["gross_profit"]) * 100 / cur["revenue"], 0, 1)
        ratio_then = rounded(Decimal(prior["gross_profit"]) * 100 / prior["revenue"], 0, 1)
        doc.sentence([
            "Gross profit was ", ("Gross profit", money(cur["gross_profit"], p.current,
                                                        "gross_profit", "narrative")),
            " (", ("Gross profit", money(prior["gross_profit"], p.prior, "gross_profit",
                                         p.prior_name)),
            f" for {p.prior_name}), and the gross profit ratio was ",
            ("Gross profit ratio", Printed(f"{ratio_now}%", str(ratio_now), ratio_now, p.current,
                                           "percent", 0, "ratio", "gross_profit_ratio", "",
                                           "actual", "narrative",
                                           (cur["gross_profit"], cur["revenue"]))),
            " (", ("Gross profit ratio", Printed(f"{ratio_then}%", str(ratio_then), ratio_then,
                                                 p.prior, "percent", 0, "ratio",
                                                 "gross_profit_ratio", "", "actual",
                                                 p.prior_name,
                                                 (prior["gross_profit"], prior["revenue"]))),
            f" for {p.prior_name}).",
        ])  # fmt: skip
        doc.text()
    now_b = balances_at(c, p.fy.label_year, p.quarters)
    then_b = balances_at(c, p.prior_fy.label_year, 4)
    at, opening = Span(p.end), Span(p.opening)
    change = now_b["assets"] - then_b["assets"]
    word = "an increase" if change >= 0 else "a decrease"
    delta = amount(abs(change), 6, at, "assets", header="narrative")
    delta.value = abs(delta.value) if change >= 0 else -abs(delta.value)
    delta.measure = "change"
    delta.text = _jpy(style, delta.raw_text, "million")
    doc.sentence([
        f"As of {date_text(p.end)}, total assets were ",
        ("Total assets", money(now_b["assets"], at, "assets", "narrative")),
        f", {word} of ", ("Total assets", delta), f" from {date_text(p.opening)} (",
        ("Total assets", money(then_b["assets"], opening, "assets", date_text(p.opening))),
        ").",
    ])  # fmt: skip
    doc.text()
    if cur["cfo"] > 0 and prior["cfo"] > 0:
        doc.sentence([
            f"Net cash provided by operating activities for {p.name} was ",
            ("Net cash provided by operating activities",
             money(cur["cfo"], p.current, "cfo", "narrative")),
            " (", ("Net cash provided by operating activities",
                   money(prior["cfo"], p.prior, "cfo", p.prior_name)),
            f" for {p.prior_name}).",
        ])  # fmt: skip
        doc.text()


def _caption(doc: Release, style: Style, title: str, write) -> None:
    """A statement with its title before the table, or after it as PDF text often has it."""
    if not style.title_after:
        doc.text(title)
        doc.text()
    write()
    doc.text()
    if style.title_after:
        doc.text(title)
        doc.text()


def _unit_row(style: Style, scale: int, count: int) -> list[str | Printed]:
    word = "Thousands" if scale == 3 else "Millions"
    pattern = style.wording["unit_row"]
    text = pattern.format(scale=word) if "of yen" in pattern else f"JPY {word.lower()}"
    return [text] * count


def _scale(c: Company) -> int:
    return 3 if c.unit == 1_000 else 6


def _summary(doc: Release, c: Company, p: Periods, style: Style) -> None:
    cur = cumulative(c, p.fy.label_year, p.quarters)
    prior = cumulative(c, p.prior_fy.label_year, p.quarters)
    rows: list[tuple[str, list[str | Printed]]] = [
        ("", [p.prior_name, p.name, "YoY Change"]),
        ("", ["JPY millions", "JPY millions", "%"]),
    ]

    def row(label: str, concept: str) -> None:
        cells: list[str | Printed] = [
            amount(prior[concept], 6, p.prior, concept, header=p.prior_name),
            amount(cur[concept], 6, p.current, concept, header=p.name),
        ]
        if prior[concept] and (cur[concept] > 0) == (prior[concept] > 0):
            cells.append(percent_cell(cur[concept], prior[concept], p.current, concept))
        rows.append((label, cells))

    for s in c.services:
        cur[f"gp_{s}"] = cur[f"rev_{s}"] + cur[f"cost_{s}"]
        prior[f"gp_{s}"] = prior[f"rev_{s}"] + prior[f"cost_{s}"]
    for d in (cur, prior):
        d["opex"] = d["sga"] + d["other_income"] + d["other_expense"]
    row("Total revenues", "revenue")
    for s in c.services:
        row(SERVICE_LINES[s][0], f"rev_{s}")
    row("Total costs", "cost_of_sales")
    for s in c.services:
        row(SERVICE_LINES[s][0], f"cost_{s}")
    row("Total gross profit", "gross_profit")
    for s in c.services:
        row(SERVICE_LINES[s][0], f"gp_{s}")
    row("SG&A, R&D, and other operating income (expenses)", "opex")
    row("Operating profit", "operating_profit")
    row("Profit before tax", "pbt")
    row("Profit for the period attributable to owners of the parent", "profit_owners")
    _caption(doc, style, "Operating Results Summary", lambda: doc.table(rows))


def _kpis(doc: Release, c: Company, p: Periods) -> None:
    now = c.quarter(p.fy.label_year, p.quarters).kpis
    then = c.quarter(p.prior_fy.label_year, p.quarters).kpis
    head_now = f"As of {date_text(p.end, short=True)}"
    head_then = f"As of {date_text(p.prior_end, short=True)}"
    at, at_prior = Span(p.end), Span(p.prior_end)
    rows: list[tuple[str, list[str | Printed]]] = [("", [head_then, head_now, "YoY Change"])]

    def count(key: str, label: str, now_value: int, then_value: int, unit="count") -> None:
        places = 1 if unit == "Gbps" else 0
        scale_now = Decimal(now_value).scaleb(-places)
        scale_then = Decimal(then_value).scaleb(-places)
        cells = []
        for value, span, header in ((scale_then, at_prior, head_then), (scale_now, at, head_now)):
            text = f"{value:,}"
            cells.append(Printed(text, text, value, span, unit, 0, "value", key, "", "actual",
                                 header))  # fmt: skip
        diff = scale_now - scale_then
        text = f"({abs(diff):,})" if diff < 0 else f"{diff:,}"
        cells.append(Printed(text, text, diff, at, unit, 0, "change", key, "", "actual",
                             "YoY Change"))  # fmt: skip
        rows.append((label, cells))

    ent_other = now["mobile"] + now["ent_other"], then["mobile"] + then["ent_other"]
    count("enterprise", "Internet connectivity services (enterprise)", now["enterprise"],
          then["enterprise"])  # fmt: skip
    count("ip_large", "IP service (greater than or equal to 1 Gbps)", now["ip_large"],
          then["ip_large"])  # fmt: skip
    count("ip_small", "IP service (less than 1 Gbps)", now["ip_small"], then["ip_small"])
    count("ent_other", "Others", *ent_other)
    count("consumer", "Internet connectivity services (consumer)", now["consumer"],
          then["consumer"])  # fmt: skip
    count("bandwidth", "Total contracted bandwidth (Gbps)", now["bandwidth"], then["bandwidth"],
          unit="Gbps")  # fmt: skip
    doc.text("Number of Contracts and Subscriptions for Connectivity Services")
    doc.text()
    doc.table(rows)
    doc.text()


def _financial_position(doc: Release, c: Company, p: Periods, style: Style) -> None:
    scale = _scale(c)
    now = balances_at(c, p.fy.label_year, p.quarters)
    then = balances_at(c, p.prior_fy.label_year, 4)
    h_then, h_now = date_text(p.opening), date_text(p.end)
    rows: list[tuple[str, list[str | Printed]]] = [("", [h_then, h_now])]
    rows.append(("", _unit_row(style, scale, 2)))

    def line(label: str, key: str | None) -> None:
        if key is None:
            rows.append((label, []))
            return
        rows.append((label, [
            amount(then[key], scale, Span(p.opening), key, header=h_then),
            amount(now[key], scale, Span(p.end), key, header=h_now),
        ]))  # fmt: skip

    w = style.wording
    layout = [
        ("Assets", None), ("Current assets", None), ("Cash and cash equivalents", "cash"),
        (w["receivables"], "receivables"), ("Inventories", "inventories"),
        ("Other current assets", "other_current_assets"),
        ("Total current assets", "current_assets"), ("Non-current assets", None),
        (w["ppe"], "ppe"), ("Right-of-use assets", "rou"), ("Goodwill", "goodwill"),
        ("Intangible assets", "intangibles"),
        ("Investments accounted for using the equity method", "equity_method"),
        ("Deferred tax assets", "dta"), ("Other non-current assets", "other_nca"),
        ("Total non-current assets", "noncurrent_assets"), ("Total assets", "assets"),
        ("Liabilities and equity", None), ("Liabilities", None), ("Current liabilities", None),
        ("Trade and other payables", "payables"), ("Borrowings", "borrowings_cur"),
        ("Income taxes payable", "taxes_payable"), ("Contract liabilities", "contract_liab"),
        ("Other current liabilities", "other_cl"),
        ("Total current liabilities", "current_liabilities"), ("Non-current liabilities", None),
        ("Borrowings", "borrowings_nc"), ("Retirement benefit liabilities", "retirement"),
        ("Deferred tax liabilities", "dtl"), ("Other non-current liabilities", "other_ncl"),
        ("Total non-current liabilities", "noncurrent_liabilities"),
        ("Total liabilities", "liabilities"), ("Equity", None),
        ("Share capital", "share_capital"), (w["share_premium"], "share_premium"),
        ("Retained earnings", "retained"), ("Other components of equity", "other_components"),
        ("Treasury shares", "treasury"),
        ("Total equity attributable to owners of the parent", "owners_equity"),
        ("Non-controlling interests", "nci"), ("Total equity", "equity"),
        ("Total liabilities and equity", "liabilities_and_equity"),
    ]  # fmt: skip
    for label, key in layout:
        line(label, key)
    title = "Condensed Consolidated Statements of Financial Position (Unaudited)"
    _caption(doc, style, title, lambda: doc.table(rows))


def _duration_header(p: Periods, span: Span) -> str:
    months = PERIOD_MONTHS[p.kind]
    return f"{_MONTHS_WORD[months]} Ended {date_text(span.end)}"


def _flow_table(
    c: Company, p: Periods, style: Style, layout: list[tuple[str, str | None]]
) -> list[tuple[str, list[str | Printed]]]:
    """Rows of a two-period statement (prior, current) from (label, concept) pairs."""
    scale = _scale(c)
    cur = cumulative(c, p.fy.label_year, p.quarters)
    prior = cumulative(c, p.prior_fy.label_year, p.quarters)
    cash_open = balances_at(c, p.fy.label_year - 1, 4)["cash"]
    cash_open_prior = balances_at(c, p.prior_fy.label_year - 1, 4)["cash"]
    cur["cash_open"], prior["cash_open"] = cash_open, cash_open_prior
    cur["cash_close"] = balances_at(c, p.fy.label_year, p.quarters)["cash"]
    prior["cash_close"] = balances_at(c, p.prior_fy.label_year, p.quarters)["cash"]
    h_prior, h_cur = _duration_header(p, p.prior), _duration_header(p, p.current)
    rows: list[tuple[str, list[str | Printed]]] = [("", [h_prior, h_cur])]
    rows.append(("", _unit_row(style, scale, 2)))
    for label, key in layout:
        if key is None:
            rows.append((label, []))
            continue
        cells: list[str | Printed] = []
        for values, span, header in ((prior, p.prior, h_prior), (cur, p.current, h_cur)):
            if key == "cash_open":
                at = Span(span.start - dt.timedelta(days=1))
                cells.append(amount(values[key], scale, at, "cash", header=header))
            elif key == "cash_close":
                cells.append(amount(values[key], scale, Span(span.end), "cash", header=header))
            elif key in ("eps_basic", "eps_diluted"):
                shares = Decimal(values["weighted_shares"]) / p.quarters
                eps = rounded(Decimal(values["eps"]) / shares, 0, 2)
                if key == "eps_diluted":
                    eps = rounded(eps * Decimal("0.996"), 0, 2)
                text = f"({abs(eps)})" if eps < 0 else str(eps)
                cells.append(Printed(text, text, eps, span, "JPY/share", 0, "value", key, "",
                                     "actual", header))  # fmt: skip
            else:
                cells.append(amount(values[key], scale, span, key, header=header))
        rows.append((label, cells))
    return rows


def _profit_or_loss(doc: Release, c: Company, p: Periods, style: Style) -> None:
    w = style.wording
    word = "year" if p.kind == "FY" else "period"
    layout: list[tuple[str, str | None]] = []
    if c.services:
        layout.append(("Revenues", None))
        layout += [(SERVICE_LINES[s][0], f"rev_{s}") for s in c.services]
        layout += [("Total revenues", "revenue"), ("Cost of sales", None)]
        layout += [(SERVICE_LINES[s][1], f"cost_{s}") for s in c.services]
        layout.append(("Total cost of sales", "cost_of_sales"))
    else:
        revenue = w["revenue"] if w["revenue"] != "Total revenues" else "Revenue"
        layout += [(revenue, "revenue"), ("Cost of sales", "cost_of_sales")]
    layout += [
        ("Gross profit", "gross_profit"), (w["sga"], "sga"),
        ("Other operating income", "other_income"), ("Other operating expenses", "other_expense"),
        ("Operating profit", "operating_profit"), ("Finance income", "finance_income"),
        (w["finance_costs"], "finance_costs"), (w["equity_method"], "equity_method"),
        (w["pbt"], "pbt"), ("Income tax expense", "tax"), (f"Profit for the {word}", "profit"),
        (f"Profit for the {word} attributable to:", None),
        ("Owners of the parent", "profit_owners"),
        ("Non-controlling interests", "profit_nci"), ("Earnings per share", None),
        ("Basic earnings per share (yen)", "eps_basic"),
        ("Diluted earnings per share (yen)", "eps_diluted"),
    ]  # fmt: skip
    rows = _flow_table(c, p, style, layout)
    title = "Condensed Consolidated Statements of Profit or Loss (Unaudited)"
    _caption(doc, style, title, lambda: doc.table(rows))


def _comprehensive_income(doc: Release, c: Company, p: Periods, style: Style) -> None:
    word = "year" if p.kind == "FY" else "period"
    tci = style.wording["tci"]
    layout: list[tuple[str, str | None]] = [
        (f"Profit for the {word}", "profit"),
        ("Other comprehensive income, net of tax", None),
        ("Items that will not be reclassified to profit or loss", None),
        ("Net change in fair value of equity instruments designated as measured at fair value "
         "through other comprehensive income", "oci_equity_instruments"),
        ("Total items that will not be reclassified to profit or loss", "oci_not_reclassified"),
        ("Items that may be reclassified to profit or loss", None),
        ("Exchange differences on translation of foreign operations", "oci_translation"),
        ("Share of other comprehensive income of investments accounted for using equity method",
         "oci_equity_method"),
        ("Total of items that may be reclassified to profit or loss", "oci_reclassified"),
        ("Total other comprehensive income, net of tax", "oci"),
        (tci, "tci"),
        (f"{tci} attributable to:", None),
        ("Owners of the parent", "tci_owners"),
        ("Non-controlling interests", "tci_nci"),
    ]  # fmt: skip
    rows = _flow_table(c, p, style, layout)
    title = "Condensed Consolidated Statements of Comprehensive Income (Unaudited)"
    _caption(doc, style, title, lambda: doc.table(rows))


_CIE_COLUMNS = (
    ("Share capital", "share_capital"), ("share_premium", "share_premium"),
    ("Retained earnings", "retained"), ("Other components of equity", "other_components"),
    ("Treasury shares", "treasury"), ("Total", "owners_equity"),
    ("Non-controlling interests", "nci"), ("Total equity", "equity"),
)  # fmt: skip


def _changes_in_equity(doc: Release, c: Company, p: Periods, style: Style) -> None:
    scale = _scale(c)
    w = style.wording
    headers = [w.get(label, label) for label, _ in _CIE_COLUMNS]
    title = "Condensed Consolidated Statements of Changes in Equity (Unaudited)"
    doc.text(title)
    doc.text()
    columns = list(zip(headers, (key for _, key in _CIE_COLUMNS), strict=True))
    for fy, span in ((p.prior_fy, p.prior), (p.fy, p.current)):
        flows = cumulative(c, fy.label_year, p.quarters)
        opening = balances_at(c, fy.label_year - 1, 4)
        closing = balances_at(c, fy.label_year, p.quarters)
        movements = {
            "profit": {"retained": flows["profit_owners"], "nci": flows["profit_nci"]},
            "oci": {"other_components": flows["oci"], "nci": 0},
            "tci": {"retained": flows["profit_owners"], "other_components": flows["oci"],
                    "nci": flows["profit_nci"]},
            "buyback": {"treasury": flows["buyback"]},
            "dividends": {"retained": flows["div_owners"], "nci": flows["div_nci"]},
            "sbc": {"share_premium": flows["sbc"]},
            "owners_transactions": {
                "share_premium": flows["sbc"], "retained": flows["div_owners"],
                "treasury": flows["buyback"], "nci": flows["div_nci"]},
        }  # fmt: skip
        for parts in movements.values():
            owners = sum(v for k, v in parts.items() if k != "nci")
            parts["owners_equity"] = owners
            parts["equity"] = owners + parts.get("nci", 0)
        rows: list[tuple[str, list[str | Printed]]] = [("", headers)]
        rows.append(("", _unit_row(style, scale, len(headers))))

        def balance(label: str, values: dict[str, int], at: dt.date, rows=rows) -> None:
            rows.append((label, [
                amount(values[key], scale, Span(at), key, header=header, nil="-")
                for header, key in columns
            ]))  # fmt: skip

        def movement(label: str, key: str, rows=rows, movements=movements, span=span) -> None:
            rows.append((label, [
                amount(movements[key].get(col, 0), scale, span, f"cie_{key}", header=header,
                       member=col, nil="-")
                for header, col in columns
            ]))  # fmt: skip

        balance(f"Balance, {date_text(fy.start)}", opening, fy.start - dt.timedelta(days=1))
        rows.append(("Comprehensive income", []))
        movement("Profit", "profit")
        movement("Other comprehensive income", "oci")
        movement("Total comprehensive income", "tci")
        rows.append(("Transactions with owners", []))
        movement(w["buyback"], "buyback")
        movement(w["dividends"], "dividends")
        movement(w["sbc"], "sbc")
        movement("Total transactions with owners", "owners_transactions")
        balance(f"Balance, {date_text(span.end)}", closing, span.end)
        words = _MONTHS_WORD[PERIOD_MONTHS[p.kind]]
        doc.text(f"{words} ended {date_text(span.end)}")
        doc.text()
        doc.table(rows)
        doc.text()


def _cash_flows(doc: Release, c: Company, p: Periods, style: Style) -> None:
    w = style.wording
    edge = "year" if p.kind == "FY" else "period"
    pattern = w["cash_edges"]
    opening = "Cash and cash equivalents " + pattern.format(edge="beginning").replace(
        "period", edge
    )
    closing = "Cash and cash equivalents " + pattern.format(edge="end").replace("period", edge)
    opening, closing = opening.replace(" ,", ","), closing.replace(" ,", ",")
    layout: list[tuple[str, str | None]] = [
        ("Cash flows from operating activities", None), (w["pbt"], "pbt"),
        (w["depreciation"], "depreciation"), ("Other, net", "other_adj"),
        ("Decrease (increase) in trade receivables", "d_receivables"),
        ("Decrease (increase) in inventories", "d_inventories"),
        ("Increase (decrease) in trade and other payables", "d_payables"),
        ("Income taxes paid", "taxes_paid"), (w["cfo"], "cfo"),
        ("Cash flows from investing activities", None),
        ("Purchase of property, plant and equipment", "capex"),
        ("Purchase of intangible assets", "capex_intangible"),
        ("Proceeds from sale of property, plant and equipment", "ppe_proceeds"),
        (w["cfi"], "cfi"), ("Cash flows from financing activities", None),
        ("Proceeds from long-term borrowings", "borrow_proceeds"),
        ("Repayment of long-term borrowings", "borrow_repay"),
        ("Repayment of lease liabilities", "lease_repay"), ("Dividends paid", "dividends_paid"),
        ("Other", "other_fin"), (w["cff"], "cff"),
        ("Effect of exchange rate changes on cash and cash equivalents", "fx_effect"),
        ("Net increase (decrease) in cash and cash equivalents", "net_change"),
        (opening, "cash_open"), (closing, "cash_close"),
    ]  # fmt: skip
    if w["cfo"] == "Cash flows from operating activities":
        layout[0] = ("Cash flows from operating activities:", None)
    rows = _flow_table(c, p, style, layout)
    title = "Condensed Consolidated Statements of Cash Flows (Unaudited)"
    _caption(doc, style, title, lambda: doc.table(rows))


def _segments(doc: Release, c: Company, p: Periods, style: Style) -> None:
    scale = _scale(c)
    minus = "paren" if c.tabs else "minus"
    doc.text("Segment Information")
    doc.text()
    doc.text(
        f"The Group has two reportable segments: {c.segments[0]} and {c.segments[1]}. "
        "Adjustments are eliminations of intersegment transactions and corporate expenses."
    )
    doc.text()
    members = (*c.segments, "Adjustments", "Consolidated")
    for fy, span in ((p.prior_fy, p.prior), (p.fy, p.current)):
        flows = cumulative(c, fy.label_year, p.quarters)
        values = {
            "external": (flows["seg0_external"], flows["seg1_external"], 0, flows["revenue"]),
            "intersegment": (flows["seg0_intersegment"], flows["seg1_intersegment"],
                             flows["adj_intersegment"], 0),
            "revenue": (flows["seg0_revenue"], flows["seg1_revenue"], flows["adj_revenue"],
                        flows["revenue"]),
            "operating_profit": (flows["seg0_profit"], flows["seg1_profit"], flows["adj_profit"],
                                 flows["operating_profit"]),
        }  # fmt: skip
        labels = {
            "external": "Revenue from external customers",
            "intersegment": "Intersegment revenue",
            "revenue": "Total revenue",
            "operating_profit": style.wording["segment_profit"],
        }
        rows: list[tuple[str, list[str | Printed]]] = [("", list(members))]
        rows.append(("", _unit_row(style, scale, len(members))))
        for key, row_values in values.items():
            concept = f"segment_{key}"
            rows.append((labels[key], [
                amount(v, scale, span, concept, header=m, member=m, minus=minus)
                for v, m in zip(row_values, members, strict=True)
            ]))  # fmt: skip
        words = _MONTHS_WORD[PERIOD_MONTHS[p.kind]]
        doc.text(f"{words} ended {date_text(span.end)}")
        doc.text()
        doc.table(rows)
        doc.text()
