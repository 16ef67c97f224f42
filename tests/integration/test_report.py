"""The visual report (``python -m reporting``) on the session's shared warehouse: one
self-contained HTML file, a section per company, charts whose bars carry the warehouse's
exact values, "no data" instead of a crash, and a render in headless Chromium."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from reporting import browser
from reporting.__main__ import main as report_main
from reporting.report import check_rendering, write_report
from reporting.warehouse import REQUIRED_MARTS, ReportError

pytestmark = pytest.mark.integration


class ChartParser(HTMLParser):
    """Collects each chart figure's attributes and the marks inside it, and every company."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[dict] = []
        self.companies: list[str] = []
        self._company: str | None = None
        self._figure: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section" and attributes.get("data-company"):
            self._company = attributes["data-company"]
            self.companies.append(self._company)
        if tag == "figure" and "data-chart" in attributes:
            self._figure = {**attributes, "company": self._company, "marks": []}
            self.charts.append(self._figure)
        if tag == "rect" and "mark" in (attributes.get("class") or "").split():
            assert self._figure is not None, "a mark outside any chart"
            self._figure["marks"].append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._figure = None


def parse(html: str) -> ChartParser:
    parser = ChartParser()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def report(shared_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the shared warehouse, written by the command line into a temp dir."""
    output = tmp_path_factory.mktemp("report") / "disclosures_report.html"
    assert report_main(["--warehouse", str(shared_warehouse), "--output", str(output)]) == 0
    return output


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_report_is_one_self_contained_file(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    remote = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*""", html, re.I)
    assert remote == [], f"references to remote resources: {remote}"
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    assert not re.search(r"<link\b", html, re.I), "stylesheets must be inline"
    assert not re.search(r"@import|url\(", html, re.I)
    assert "<style>" in html and "<svg" in html


def test_a_section_per_company_with_its_documents(report: Path, shared_warehouse: Path) -> None:
    parsed = parse(report.read_text(encoding="utf-8"))
    companies = [
        row[0] for row in query(shared_warehouse, "select company_id from marts.dim_companies")
    ]
    assert len(companies) >= 2
    assert sorted(parsed.companies) == sorted(companies)
    html = report.read_text(encoding="utf-8")
    for file_name, status in query(
        shared_warehouse, "select file_name, status from marts.dim_documents"
    ):
        assert file_name in html
        assert f">{status}</span>" in html


def test_every_chart_has_marks_or_says_no_data(report: Path) -> None:
    parsed = parse(report.read_text(encoding="utf-8"))
    html = report.read_text(encoding="utf-8")
    assert parsed.charts
    for chart in parsed.charts:
        declared = int(chart["data-marks"])
        assert declared == len(chart["marks"]), chart["data-chart"]
        for mark in chart["marks"]:
            assert mark["data-row"] and mark["data-series"]
            Decimal(mark["data-value"])  # exact decimal text, not a float repr
        if declared == 0:
            assert "empty" in chart["class"].split()
            start = html.index(f'data-chart="{chart["data-chart"]}"')
            assert "No data" in html[start : html.index("</figure>", start)]
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for chart in parsed.charts:
        kinds[chart["company"]][chart["data-kind"]] += len(chart["marks"])
    for company, marks in kinds.items():
        # every company of the fixtures reports segments, margins and forecasts
        for kind in ("segments", "margins", "guidance"):
            assert marks[kind] > 0, f"{company}: no {kind} marks"
    # the bundled release prints subscriptions and bandwidth; the fixture company no table of
    # indicators, only its gross profit ratio in a sentence ("32.2% (33.0% for FY2021)"),
    # which publishes as its own line item: one chart, a bar per year
    assert kinds["tse-3774"]["indicators"] > 0
    assert kinds["ksx-standard-4821"]["indicators"] == 2


def test_bars_carry_the_exact_values_of_the_warehouse(report: Path, shared_warehouse: Path) -> None:
    parsed = parse(report.read_text(encoding="utf-8"))
    shown = {
        (
            chart["company"],
            chart["data-line-item"],
            m["data-row"],
            m["data-series"],
        ): Decimal(m["data-value"])
        for chart in parsed.charts
        if chart["data-kind"] == "segments"
        for m in chart["marks"]
    }
    expected = query(
        shared_warehouse,
        """
        select company_id, line_item_id, segment_id, period_id, value
        from marts.fct_financial_facts
        where is_latest and scenario = 'actual' and measure = 'value'
          and line_item_id in ('revenue', 'operating_profit') and segment_id = 'consolidated'
          and period_type = 'duration'
        """,
    )
    assert expected
    for company_id, line_item_id, segment_id, period_id, value in expected:
        key = (company_id, line_item_id, segment_id, period_id)
        assert shown.get(key) == value, key
    # the label beside a bar is the exact amount in millions
    html = report.read_text(encoding="utf-8")
    for *_, value in expected:
        millions = format(value.scaleb(-6).normalize(), ",f")
        assert f"{millions} m<" in html.replace("\u2212", "-"), millions


def test_an_empty_warehouse_gives_a_report_that_says_no_data(
    shared_warehouse: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(empty))
    try:
        con.execute(f"attach '{shared_warehouse}' as shared (read_only)")
        con.execute("create schema marts")
        for mart in REQUIRED_MARTS:
            # companies and documents stay, every fact and KPI is gone
            keep = "" if mart in ("dim_companies", "dim_documents") else " limit 0"
            con.execute(f"create table marts.{mart} as select * from shared.marts.{mart}{keep}")
    finally:
        con.close()
    output = write_report(empty, tmp_path / "empty.html")
    parsed = parse(output.read_text(encoding="utf-8"))
    assert parsed.charts
    assert all(int(c["data-marks"]) == 0 for c in parsed.charts)
    assert output.read_text(encoding="utf-8").count("No data") >= len(parsed.charts)


def test_a_missing_warehouse_says_which_path_and_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "disclosures.duckdb"
    with pytest.raises(ReportError, match=re.escape(str(missing)) + ".*make run"):
        write_report(missing)
    assert report_main(["--warehouse", str(missing)]) == 1
    assert str(missing) in capsys.readouterr().err


def _hex(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def test_chromium_renders_the_charts(report: Path, tmp_path: Path) -> None:
    try:
        browser.chromium_path()
    except browser.BrowserMissing as missing:
        pytest.fail(f"{missing}; `make test` installs it through `make browser`")
    html = report.read_text(encoding="utf-8")
    # raises unless Chromium keeps every chart and bar and the screenshot is not blank
    bars, image = check_rendering(report, tmp_path / "report.png")
    assert bars == html.count('class="mark"') > 0
    assert (image.width, image.height) == (640, 1200)
    colors = image.colors()
    assert len(colors) > 50
    # the bars of the first company's charts are drawn in their fill colours
    fills = set(re.findall(r'class="mark"[^>]*fill="(#[0-9a-f]{6})"', html[: len(html) // 3]))
    drawn = [fill for fill in fills if colors.get(_hex(fill), 0) >= 20]
    assert len(drawn) >= 2, f"bar colours {sorted(fills)} barely appear in the screenshot"
