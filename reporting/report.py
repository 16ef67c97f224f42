"""The visual report: one self-contained HTML page built from the published warehouse.

Everything shown is driven by what the warehouse holds: a section per company in
``marts.dim_companies``, its documents, and charts of its facts and KPIs. Line items are
selected by the model's ids (``revenue``, ``operating_profit``; the ``operating`` statement
for operating indicators), never by a company's wording or values. A chart with nothing to
show says so instead of disappearing.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration import settings
from reporting.numbers import Scale
from reporting.svg import BarChart, Mark, Row, Series
from reporting.warehouse import (
    Company,
    Document,
    Fact,
    KpiValue,
    Period,
    ReportError,
    WarehouseData,
    load_warehouse,
)

if TYPE_CHECKING:
    from reporting import browser

# The headline line items, by their ids in seeds/line_items.csv.
HEADLINE_LINE_ITEMS = ("revenue", "operating_profit")
# A fixed-ratio KPI over this line item is a margin; other fixed ratios are shown apart.
MARGIN_DENOMINATOR = "revenue"
# dim_line_items.statement of the indicators a release prints outside the statements.
OPERATING_STATEMENT = "operating"
# Segment types shown in the headline charts, and the business lines directly below them.
HEADLINE_SEGMENT_TYPES = ("consolidated", "reportable_segment", "adjustment")
BUSINESS_LINE_TYPES = ("service_line", "revenue_category")

CATEGORICAL = ("#1f4e79", "#e07b39", "#2a9d8f", "#8064a2", "#c0504d", "#7f8c3a", "#4bacc6")
PERIOD_LIGHT, PERIOD_DARK = (0xA9, 0xC8, 0xE6), (0x1F, 0x4E, 0x79)
FORECAST_COLORS = {"original": "#f2b880", "revised": "#e07b39", None: "#e9a15c"}
ACTUAL_COLOR = "#1f4e79"
PRIOR_YEAR_COLOR = "#9aa5b1"
# Guidance charts follow the statements in this order (dim_line_items.statement).
STATEMENT_ORDER = ("profit_or_loss", "comprehensive_income", "operating", "dividends")
LENGTH_WORDS = {3: "three-month", 6: "six-month", 9: "nine-month", 12: "twelve-month"}


def period_colors(count: int) -> list[str]:
    """``count`` blues from light (oldest) to dark (newest)."""
    if count == 1:
        return ["#{:02x}{:02x}{:02x}".format(*PERIOD_DARK)]
    colors = []
    for i in range(count):
        t = i / (count - 1)
        rgb = (round(a + (b - a) * t) for a, b in zip(PERIOD_LIGHT, PERIOD_DARK, strict=True))
        colors.append("#{:02x}{:02x}{:02x}".format(*rgb))
    return colors


def _slug(*parts: str) -> str:
    text = "-".join(parts).lower()
    return "".join(c if c.isalnum() else "-" for c in text).strip("-")


def _day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "—"


class CompanyReport:
    """The charts and tables of one company."""

    def __init__(self, data: WarehouseData, company: Company) -> None:
        self.data = data
        self.company = company
        self.facts = [f for f in data.facts if f.company_id == company.company_id]
        self.kpi_values = [k for k in data.kpi_values if k.company_id == company.company_id]
        self.documents = [d for d in data.documents if d.company_id == company.company_id]

    # -- helpers -------------------------------------------------------------------------

    def period(self, period_id: str) -> Period:
        """The company's reading of ``period_id``."""
        return self.data.period(self.company.company_id, period_id)

    def segment_rows(self, segment_ids: Iterable[str]) -> list[Row]:
        """Rows for segments in hierarchy order, indented below ancestors that are shown."""
        wanted = set(segment_ids)

        def ancestors(segment_id: str) -> list[str]:
            chain, seen = [], {segment_id}
            parent = self.data.segment(segment_id).parent_segment_id
            while parent and parent not in seen:
                chain.append(parent)
                seen.add(parent)
                parent = self.data.segment(parent).parent_segment_id
            return chain

        def order_key(segment_id: str) -> tuple[tuple[int, str], ...]:
            path = [segment_id, *ancestors(segment_id)][::-1]
            return tuple((self.data.segment(s).presentation_order, s) for s in path)

        return [
            Row(
                segment_id,
                self.data.segment(segment_id).label,
                depth=sum(1 for a in ancestors(segment_id) if a in wanted),
            )
            for segment_id in sorted(wanted, key=order_key)
        ]

    def period_series(self, period_ids: Iterable[str]) -> list[Series]:
        """One series per period, oldest first, in blues from light to dark."""
        periods = sorted({self.period(p) for p in period_ids}, key=lambda p: p.sort_key)
        return [
            Series(p.period_id, f"{p.label} ({p.span})" if p.span else p.label, color)
            for p, color in zip(periods, period_colors(len(periods)), strict=True)
        ]

    def actuals(self, line_item_id: str) -> list[Fact]:
        """Actual amounts (measure 'value') of a line item, latest reports."""
        return [
            f
            for f in self.facts
            if f.line_item_id == line_item_id and f.scenario == "actual" and f.measure == "value"
        ]

    def _is_headline_segment(self, segment_id: str) -> bool:
        segment = self.data.segment(segment_id)
        if segment.segment_type in HEADLINE_SEGMENT_TYPES:
            return True
        parent = self.data.segments.get(segment.parent_segment_id or "")
        return (
            segment.segment_type in BUSINESS_LINE_TYPES
            and parent is not None
            and parent.segment_type in HEADLINE_SEGMENT_TYPES
        )

    # -- charts --------------------------------------------------------------------------

    def empty_chart(self, kind: str, title: str, message: str, line_item_id: str = "") -> BarChart:
        """A chart of ``kind`` with nothing to draw: it says ``message``."""
        return BarChart(
            chart_id=_slug(self.company.company_id, kind, line_item_id),
            title=title,
            scale=Scale("count"),
            kind=kind,
            line_item_id=line_item_id,
            empty_message=message,
        )

    def segments_by_period(
        self, facts: list[Fact], chart_id: str, title: str, kind: str
    ) -> BarChart:
        """Facts of one line item: rows are segments, bars are periods, labels exact."""
        scale = Scale.for_values(facts[0].unit, [f.value for f in facts])
        return BarChart(
            chart_id=chart_id,
            title=title,
            scale=scale,
            rows=self.segment_rows(f.segment_id for f in facts),
            series=self.period_series(f.period_id for f in facts),
            marks=[
                Mark(f.segment_id, f.period_id, f.value, scale.label(f.value), note=f.fact_id)
                for f in facts
            ],
            kind=kind,
            line_item_id=facts[0].line_item_id,
        )

    def segment_charts(self, line_item_id: str) -> list[BarChart]:
        """One chart per period length: rows are segments, bars are periods."""
        label = self.data.line_item_label(line_item_id)
        facts = [
            f
            for f in self.actuals(line_item_id)
            if self.period(f.period_id).period_type == "duration"
            and self._is_headline_segment(f.segment_id)
        ]
        by_length: dict[int, list[Fact]] = defaultdict(list)
        for fact in facts:
            by_length[self.period(fact.period_id).length_months or 0].append(fact)
        charts = []
        for length in sorted(by_length, reverse=True):
            words = LENGTH_WORDS.get(length, f"{length}-month")
            charts.append(
                self.segments_by_period(
                    by_length[length],
                    _slug(self.company.company_id, line_item_id, f"{length}m"),
                    f"{label} by segment · {words} periods",
                    "segments",
                )
            )
        if not charts:
            charts.append(
                self.empty_chart(
                    "segments",
                    f"{label} by segment",
                    f"No data: the warehouse has no actual {label.lower()} for this company.",
                    line_item_id,
                )
            )
        return charts

    def margin_charts(self) -> list[BarChart]:
        """Margins (fixed-ratio KPIs over revenue) per period, then each one by segment,
        then the other fixed ratios (the equity ratio) at period ends."""
        ratio_kpis = [
            k
            for k in self.data.kpis.values()
            if k.numerator_line_item_id
            and k.denominator_line_item_id
            and k.numerator_line_item_id != k.denominator_line_item_id
        ]
        margins = sorted(
            (k for k in ratio_kpis if k.denominator_line_item_id == MARGIN_DENOMINATOR),
            key=lambda k: self._line_item_order(k.numerator_line_item_id or ""),
        )
        others = [k for k in ratio_kpis if k.denominator_line_item_id != MARGIN_DENOMINATOR]
        charts = [
            self._kpis_by_period(margins, "margins", "Margins · consolidated"),
        ]
        for kpi in margins:
            values = [v for v in self.kpi_values if v.kpi_id == kpi.kpi_id]
            segmented = {v.period_id for v in values if v.segment_id != "consolidated"}
            shown = [v for v in values if v.period_id in segmented]
            if segmented:
                charts.append(
                    BarChart(
                        chart_id=_slug(self.company.company_id, kpi.kpi_id, "segments"),
                        title=f"{kpi.label} by segment",
                        scale=Scale("percent"),
                        rows=self.segment_rows(v.segment_id for v in shown),
                        series=self.period_series(v.period_id for v in shown),
                        marks=[self._kpi_mark(v, v.segment_id, v.period_id) for v in shown],
                        kind="margins",
                    )
                )
        if others:
            title = " and ".join(k.label for k in others) if len(others) <= 2 else "Other ratios"
            charts.append(self._kpis_by_period(others, "ratios", f"{title} · consolidated"))
        return charts

    def _line_item_order(self, line_item_id: str) -> tuple[int, str]:
        item = self.data.line_items.get(line_item_id)
        return (item.presentation_order if item else 10**6, line_item_id)

    def _kpi_mark(self, value: KpiValue, row: str, series: str) -> Mark:
        scale = Scale(value.unit)
        places = 2 if value.unit == "percent" else None
        return Mark(
            row,
            series,
            value.value,
            scale.label(value.value, places),
            note=f"{value.value} exactly; from facts {', '.join(value.input_fact_ids)}",
        )

    def _kpis_by_period(self, kpis: list, key: str, title: str) -> BarChart:
        """Rows are periods, bars are KPIs, for the consolidated entity."""
        ids = [k.kpi_id for k in kpis]
        values = [v for v in self.kpi_values if v.kpi_id in ids and v.segment_id == "consolidated"]
        periods = sorted({self.period(v.period_id) for v in values}, key=lambda p: p.sort_key)
        return BarChart(
            chart_id=_slug(self.company.company_id, key),
            title=title,
            scale=Scale("percent"),
            rows=[Row(p.period_id, p.label, p.span) for p in periods],
            series=[
                Series(k.kpi_id, k.label, CATEGORICAL[i % len(CATEGORICAL)])
                for i, k in enumerate(kpis)
            ],
            marks=[self._kpi_mark(v, v.period_id, v.kpi_id) for v in values],
            kind="margins",
            empty_message="No data: no KPI of this kind could be computed for this company.",
        )

    def guidance_charts(self) -> list[BarChart]:
        """Per forecast line item and target period: the original and revised forecasts,
        the actual so far (with progress from fct_kpis), the actual for the period itself
        and the prior year's actual, where the warehouse has them."""
        groups: dict[tuple[str, str, str, str], list[Fact]] = defaultdict(list)
        for fact in self.facts:
            if fact.scenario == "forecast":
                groups[(fact.line_item_id, fact.segment_id, fact.measure, fact.period_id)].append(
                    fact
                )

        def group_order(key: tuple[str, str, str, str]) -> tuple:
            item = self.data.line_items.get(key[0])
            statement = item.statement if item else ""
            return (
                self.period(key[3]).sort_key,
                key[0] not in HEADLINE_LINE_ITEMS,
                STATEMENT_ORDER.index(statement) if statement in STATEMENT_ORDER else 99,
                item.presentation_order if item else 0,
                self.data.segment(key[1]).presentation_order,
            )

        charts = [self._guidance_chart(key, groups[key]) for key in sorted(groups, key=group_order)]
        if not charts:
            charts.append(
                self.empty_chart(
                    "guidance",
                    "Guidance vs actual",
                    "No data: the company's documents give no forecasts.",
                )
            )
        return charts

    def _guidance_chart(self, key: tuple[str, str, str, str], forecasts: list[Fact]) -> BarChart:
        line_item_id, segment_id, measure, period_id = key
        target = self.period(period_id)
        forecasts = sorted(
            forecasts,
            key=lambda f: (f.forecast_announced_on or date.min, f.forecast_status or ""),
        )
        actuals = [
            f
            for f in self.facts
            if f.scenario == "actual"
            and (f.line_item_id, f.segment_id, f.measure) == (line_item_id, segment_id, measure)
        ]
        scale = Scale.for_values(forecasts[0].unit, [f.value for f in forecasts + actuals])
        rows: list[Row] = []
        marks: list[Mark] = []

        def add(row: Row, fact: Fact, color: str) -> None:
            rows.append(row)
            marks.append(
                Mark(row.key, "value", fact.value, scale.label(fact.value), color, fact.fact_id)
            )

        for fact in forecasts:
            status = fact.forecast_status
            name = {"original": "Original forecast", "revised": "Revised forecast"}
            add(
                Row(fact.fact_id, name.get(status or "", "Forecast"), self._announced(fact)),
                fact,
                FORECAST_COLORS.get(status, FORECAST_COLORS[None]),
            )
        forecast_ids = {f.fact_id for f in forecasts}
        progress: dict[str, KpiValue] = {}
        for value in self.kpi_values:
            if value.kpi_id == "progress_against_target" and forecast_ids & set(
                value.input_fact_ids[1:]
            ):
                progress.setdefault(value.input_fact_ids[0], value)
        for fact_id, value in progress.items():
            fact = self.data.facts_by_id.get(fact_id)
            if fact is None:
                continue
            period = self.period(fact.period_id)
            share = Scale("percent").label(value.value, 1)
            add(
                Row(fact.fact_id, f"Actual to date · {period.label}", f"{share} of the target"),
                fact,
                ACTUAL_COLOR,
            )
        for fact in actuals:
            if fact.period_id == period_id:
                add(Row(fact.fact_id, f"Actual · {target.label}", target.span), fact, ACTUAL_COLOR)
        for fact in actuals:
            period = self.period(fact.period_id)
            if (
                target.start is not None
                and period.start is not None
                and period.start == _year_before(target.start)
                and period.end == _year_before(target.end)
            ):
                add(
                    Row(fact.fact_id, f"Prior year · {period.label}", period.span),
                    fact,
                    PRIOR_YEAR_COLOR,
                )
        title = self.data.line_item_label(line_item_id)
        if segment_id != "consolidated":
            title += f" ({self.data.segment(segment_id).label})"
        return BarChart(
            chart_id=_slug(
                self.company.company_id, "guidance", line_item_id, segment_id, period_id
            ),
            title=f"{title} · {target.label}",
            subtitle=f"{target.span} · {scale.caption}",
            scale=scale,
            rows=rows,
            series=[Series("value", title, ACTUAL_COLOR)],
            marks=marks,
            kind="guidance",
            show_legend=False,
            line_item_id=line_item_id,
        )

    @staticmethod
    def _announced(fact: Fact) -> str:
        return f"announced {_day(fact.forecast_announced_on)}" if fact.forecast_announced_on else ""

    def indicator_charts(self) -> list[BarChart]:
        """Operating indicators (subscriptions, bandwidth, orders): rows are segments, bars
        are periods."""
        by_item: dict[str, list[Fact]] = defaultdict(list)
        for fact in self.facts:
            item = self.data.line_items.get(fact.line_item_id)
            if item and item.statement == OPERATING_STATEMENT and fact.scenario == "actual":
                by_item[fact.line_item_id].append(fact)
        charts = []
        for line_item_id in sorted(
            by_item, key=lambda i: (self.data.line_items[i].presentation_order, i)
        ):
            charts.append(
                self.segments_by_period(
                    by_item[line_item_id],
                    _slug(self.company.company_id, "indicator", line_item_id),
                    self.data.line_item_label(line_item_id),
                    "indicators",
                )
            )
        if not charts:
            charts.append(
                self.empty_chart(
                    "indicators",
                    "Operating indicators",
                    "No data: the company's documents print no operating indicators "
                    "(subscriptions, bandwidth, orders).",
                )
            )
        return charts

    # -- tables --------------------------------------------------------------------------

    def key_figures(self) -> str:
        """Tiles for the headline line items in the latest published document's period."""
        published = [d for d in self.documents if d.status == "published" and d.published_on]
        if not published:
            return ""
        latest = max(published, key=lambda d: (d.published_on, d.file_name))
        tiles = []
        period: Period | None = None
        for line_item_id in HEADLINE_LINE_ITEMS:
            candidates = [
                f
                for f in self.actuals(line_item_id)
                if f.segment_id == "consolidated" and f.document_id == latest.document_id
            ]
            if not candidates:
                continue
            # the document's own reporting period, else the latest period it prints
            fact = next(
                (
                    f
                    for f in candidates
                    if self.period(f.period_id).period_type == "duration"
                    and (self.period(f.period_id).start, self.period(f.period_id).end)
                    == (latest.period_start, latest.period_end)
                ),
                max(candidates, key=lambda f: self.period(f.period_id).sort_key),
            )
            period = period or self.period(fact.period_id)
            if fact.period_id != period.period_id:
                continue
            scale = Scale.for_values(fact.unit, [fact.value])
            growth = next(
                (
                    v
                    for v in self.kpi_values
                    if v.kpi_id == "yoy_growth"
                    and v.line_item_id == line_item_id
                    and v.segment_id == "consolidated"
                    and v.period_id == fact.period_id
                ),
                None,
            )
            delta = ""
            if growth is not None:
                sign = "+" if growth.value >= 0 else ""
                delta = f"{sign}{Scale('percent').label(growth.value, 1)} year on year"
            tiles.append(
                _tile(self.data.line_item_label(line_item_id), scale.label(fact.value), delta)
            )
        if period is not None:
            for value in self.kpi_values:
                kpi = self.data.kpis.get(value.kpi_id)
                if (
                    kpi
                    and kpi.denominator_line_item_id == MARGIN_DENOMINATOR
                    and kpi.numerator_line_item_id in HEADLINE_LINE_ITEMS
                    and value.segment_id == "consolidated"
                    and value.period_id == period.period_id
                ):
                    tiles.append(_tile(kpi.label, Scale("percent").label(value.value, 1), ""))
        if not tiles or period is None:
            return ""
        return (
            f'<div class="tiles" data-period="{escape(period.period_id)}">'
            f'<p class="tiles-caption">Latest document: {escape(latest.file_name)} · '
            f"{escape(period.label)} ({escape(period.span)})</p>{''.join(tiles)}</div>"
        )

    def render(self) -> str:
        """The company's section."""
        company = self.company
        listing = ", ".join(p for p in (company.exchange, company.stock_code) if p)
        facts_line = (
            f"{len(self.documents)} document version(s) · {len(self.facts)} latest facts · "
            f"fiscal year ends {escape(company.fiscal_year_end) or 'unknown'}"
        )
        blocks = [
            f'<section class="company" id="{escape(_slug("company", company.company_id))}" '
            f'data-company="{escape(company.company_id)}">',
            f"<h2>{escape(company.name)}</h2>",
            f'<p class="meta">{escape(listing)} · id <code>{escape(company.company_id)}</code>'
            f" · {facts_line}</p>",
            self.key_figures(),
            "<h3>Documents</h3>",
            documents_table(self.documents),
            "<h3>Revenue and operating profit</h3>",
            '<p class="note">Latest reported actuals by segment (the consolidated entity, '
            "reportable segments, adjustments and the business lines directly below them); "
            "bars are periods of the same length.</p>",
            _grid(c for item in HEADLINE_LINE_ITEMS for c in self.segment_charts(item)),
            "<h3>Margins</h3>",
            '<p class="note">Ratios computed by the warehouse from the facts '
            "(marts.fct_kpis; hover a bar for the facts used).</p>",
            _grid(self.margin_charts()),
            "<h3>Guidance vs actual</h3>",
            '<p class="note">Forecasts as first announced and as revised, against the actual '
            "so far, the actual for the period when reported, and the prior year.</p>",
            _grid(self.guidance_charts()),
            "<h3>Operating indicators</h3>",
            _grid(self.indicator_charts()),
            "</section>",
        ]
        return "\n".join(b for b in blocks if b)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _tile(title: str, value: str, delta: str) -> str:
    sub = f'<span class="delta">{escape(delta)}</span>' if delta else ""
    return (
        f'<div class="tile"><span class="tile-title">{escape(title)}</span>'
        f'<span class="tile-value">{escape(value)}</span>{sub}</div>'
    )


def _grid(charts: Iterable[BarChart]) -> str:
    return f'<div class="charts">{"".join(c.render() for c in charts)}</div>'


STATUS_CLASS = {"published": "ok", "quarantined": "warn", "failed": "bad"}


def documents_table(documents: list[Document]) -> str:
    """Documents with their period, status and extraction counts."""
    if not documents:
        return '<p class="no-data">No documents.</p>'
    rows = []
    for d in documents:
        period = "—"
        if d.fiscal_period and d.fiscal_year is not None:
            prefix = "" if d.fiscal_period == "FY" else f"{d.fiscal_period} "
            period = f"{prefix}FY{d.fiscal_year}"
        reason = f'<div class="reason">{escape(d.status_reason)}</div>' if d.status_reason else ""
        version = f"v{d.version_number}" + ("" if d.is_latest_version else " (superseded)")
        rows.append(
            "<tr>"
            f"<td>{_day(d.published_on)}</td>"
            f"<td>{escape(d.title or '—')}<div class='file'>{escape(d.file_name)} · {version}"
            f" · <code>{escape(d.document_id)}</code></div></td>"
            f"<td>{escape(period)}</td>"
            f'<td><span class="status {STATUS_CLASS.get(d.status, "")}">{escape(d.status)}'
            f"</span>{reason}</td>"
            f'<td class="num">{d.figure_count if d.figure_count is not None else "—"}</td>'
            f'<td class="num">'
            f"{d.unparsed_token_count if d.unparsed_token_count is not None else '—'}</td>"
            "</tr>"
        )
    return (
        '<table class="documents"><thead><tr><th>Published</th><th>Document</th>'
        '<th>Period</th><th>Status</th><th class="num">Figures</th>'
        '<th class="num">Unparsed tokens</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def build_html(data: WarehouseData, generated_at: datetime) -> str:
    """The whole report as one HTML string."""
    statuses: dict[str, int] = defaultdict(int)
    for document in data.documents:
        statuses[document.status] += 1
    status_text = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) or "none"
    toc = "".join(
        f'<li><a href="#{escape(_slug("company", c.company_id))}">{escape(c.name)}</a></li>'
        for c in data.companies
    )
    sections = [CompanyReport(data, c).render() for c in data.companies]
    if not sections:
        sections.append(
            '<section class="company"><p class="no-data">No data: the warehouse holds no '
            "company with a readable document.</p></section>"
        )
    orphans = [d for d in data.documents if d.company_id is None]
    if orphans:
        sections.append(
            '<section class="company" id="unattributed"><h2>Documents without a company</h2>'
            f"{documents_table(orphans)}</section>"
        )
    total_facts = len(data.facts)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Disclosure warehouse report</title>
<style>{STYLE}</style>
</head>
<body>
<header class="page">
<h1>Disclosure warehouse</h1>
<p class="meta">{len(data.companies)} compan{"y" if len(data.companies) == 1 else "ies"} ·
{len(data.documents)} document version(s): {escape(status_text)} · {total_facts} latest facts ·
generated {generated_at:%Y-%m-%d %H:%M} UTC from <code>{escape(str(data.path))}</code></p>
<nav><ul>{toc}</ul></nav>
</header>
<main>
{"".join(sections)}
</main>
<footer>Amounts are exact as stored in the warehouse (base units, shown scaled); percentages
computed by the warehouse are rounded for display, exact in each bar's tooltip. Built by
<code>python -m reporting</code> from marts.fct_financial_facts, marts.fct_kpis and their
dimensions.</footer>
</body>
</html>
"""


def default_output(warehouse: Path) -> Path:
    """``report/disclosures_report.html`` beside the warehouse (``<name>_report/`` beside a
    warehouse ``<name>.duckdb`` of another name than the default)."""
    return warehouse.parent / settings.state_name(warehouse, "report") / "disclosures_report.html"


def write_report(warehouse: Path, output: Path | None = None) -> Path:
    """Build the report from the warehouse at ``warehouse`` and write it; return its path.

    The file is written beside its destination and renamed into place, so a reader never
    sees half a report.
    """
    data = load_warehouse(warehouse)
    output = output or default_output(warehouse)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.{os.getpid()}.partial")
    partial.write_text(build_html(data, datetime.now(UTC)), encoding="utf-8")
    partial.replace(output)
    return output


def check_rendering(report: Path, png: Path) -> tuple[int, browser.Image]:
    """Render ``report`` in headless Chromium, offline; raise unless every chart's bars
    survive the browser's parsing and the screenshot shows them.

    Returns the number of bars and the decoded screenshot (the top 2400 CSS pixels).
    """
    from reporting import browser

    html = report.read_text(encoding="utf-8")
    bars = html.count('class="mark"')
    dom = browser.dump_dom(report)
    if dom.count('class="mark"') != bars or dom.count("<figure") != html.count("<figure"):
        raise ReportError(f"Chromium lost charts or bars while parsing {report}")
    image = browser.read_png(browser.screenshot(report, png, 1280, 2400, scale=0.5))
    colors = image.colors()
    if len(colors) < 50 or max(colors.values()) > 0.9 * image.width * image.height:
        raise ReportError(f"the report rendered (nearly) blank: {png}")
    return bars, image


STYLE = """
:root { --ink:#1d2733; --muted:#5d6b7a; --line:#dde3ea; --card:#fff; --page:#f4f6f9;
  --accent:#1f4e79; }
* { box-sizing: border-box; }
body { margin:0; background:var(--page); color:var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Noto Sans", "Liberation Sans", sans-serif; }
header.page { background:var(--accent); color:#fff; padding:22px 32px 14px; }
header.page h1 { margin:0 0 4px; font-size:24px; font-weight:600; letter-spacing:.2px; }
header.page .meta { color:#d6e2ef; margin:0 0 10px; }
header.page code { color:#fff; }
nav ul { list-style:none; margin:0; padding:0; display:flex; flex-wrap:wrap; gap:8px; }
nav a { color:#fff; text-decoration:none; border:1px solid rgba(255,255,255,.45);
  border-radius:14px; padding:2px 12px; font-size:13px; }
main { max-width:1280px; margin:0 auto; padding:8px 24px 24px; }
section.company { background:var(--card); border:1px solid var(--line); border-radius:8px;
  margin:20px 0; padding:18px 22px 22px; }
section.company h2 { margin:0; font-size:21px; }
h3 { font-size:16px; margin:22px 0 6px; padding-bottom:4px; border-bottom:2px solid var(--line); }
.meta { color:var(--muted); margin:4px 0 10px; }
.note { color:var(--muted); margin:2px 0 10px; font-size:13px; }
code { font: 12px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.tiles { display:flex; flex-wrap:wrap; gap:12px; margin:12px 0 4px; }
.tiles-caption { flex-basis:100%; margin:0; color:var(--muted); font-size:13px; }
.tile { border:1px solid var(--line); border-left:4px solid var(--accent); border-radius:6px;
  padding:8px 14px; min-width:190px; display:flex; flex-direction:column; }
.tile-title { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.4px; }
.tile-value { font-size:21px; font-weight:600; font-variant-numeric: tabular-nums; }
.delta { color:var(--muted); font-size:12px; }
table.documents { border-collapse:collapse; width:100%; font-size:13px; }
table.documents th { text-align:left; color:var(--muted); font-weight:600;
  border-bottom:1px solid var(--line); padding:6px 8px; }
table.documents td { border-bottom:1px solid var(--line); padding:6px 8px; vertical-align:top; }
.num { text-align:right; font-variant-numeric: tabular-nums; }
.file { color:var(--muted); font-size:12px; }
.reason { color:#8a4b00; font-size:12px; max-width:420px; }
.status { border-radius:10px; padding:1px 8px; font-size:12px; font-weight:600; }
.status.ok { background:#e3f3e8; color:#1b6b35; }
.status.warn { background:#fff1d6; color:#8a4b00; }
.status.bad { background:#fbe1e1; color:#9b1c1c; }
.charts { display:grid; grid-template-columns:repeat(auto-fit, minmax(520px, 1fr)); gap:14px; }
figure.chart { margin:0; border:1px solid var(--line); border-radius:6px; padding:10px 12px;
  background:#fff; break-inside:avoid; }
figcaption { display:flex; flex-wrap:wrap; justify-content:space-between; gap:6px;
  margin-bottom:4px; font-size:14px; }
figcaption .unit { color:var(--muted); font-size:12px; }
.legend { list-style:none; padding:0; margin:0 0 4px; display:flex; flex-wrap:wrap; gap:4px 14px;
  font-size:12px; color:var(--muted); }
.swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:5px;
  vertical-align:-1px; }
svg.bars { display:block; font-family:inherit; }
svg.bars .grid { stroke:#e8ecf1; stroke-width:1; }
svg.bars .zero { stroke:#8795a5; stroke-width:1; }
svg.bars .band { fill:#f7f9fb; }
svg.bars .tick { fill:var(--muted); font-size:10px; }
svg.bars .row-label { fill:var(--ink); font-size:12px; }
svg.bars .row-label.total { font-weight:600; }
svg.bars .row-sublabel { fill:var(--muted); font-size:10px; }
svg.bars .value { fill:var(--ink); font-size:11px; font-variant-numeric: tabular-nums; }
svg.bars .mark:hover { opacity:.8; }
.no-data { color:var(--muted); font-style:italic; background:#f7f9fb; border-radius:4px;
  padding:14px; margin:6px 0 0; }
footer { max-width:1280px; margin:0 auto; padding:0 24px 28px; color:var(--muted);
  font-size:12px; }
@media print { body { background:#fff; } section.company { border:none; } }
"""
