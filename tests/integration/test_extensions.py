"""Every printed figure a published fact (issue #14), in one pipeline run of six releases:

- the bundled release;
- the same release issued by another company ("KMN", Kumano Networks Inc., stock code 9468),
  whose product lines carry its own name: it publishes as many facts as the original, its
  own lines as that company's extensions (line items and members 'ext:tse-9468:...');
- a copy whose revenue breakdown prints a YoY change of 99,999.9 %: out of range, so it is
  quarantined with the reason, and the others publish;
- a copy with one figure of a unit the warehouse does not know: that figure is withheld and
  listed with its line and token, the rest of the document publishes;
- two highlights-only releases of an invented company, one line of prose per item
  (tests/fixtures/highlights/): a first quarter, and a full year with next year's targets and
  the dividend per share of each: every figure publishes, with its period, scenario and
  measure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration import settings
from orchestration.cli import PipelineSummary, run_pipeline

pytestmark = pytest.mark.integration

BUNDLED_NAME = "iij_2021-11-05_1H21_earnings_release.txt"
RENAMED_NAME = "kmn_2021-11-05_1H21_earnings_release.txt"
OUT_OF_RANGE_NAME = "iij_out_of_range_percent.txt"
UNKNOWN_UNIT_NAME = "iij_one_figure_of_an_unknown_unit.txt"
KMN = "tse-9468"
IIJ = "tse-3774"

# the other company: its name, its product names (IIJmio -> KMNmio), its stock code, its site
RENAMES = [
    ("Internet Initiative Japan Inc.", "Kumano Networks Inc."),
    ("iij.ad.jp", "kmn.example.jp"),
    ("IIJ", "KMN"),
    ("3774", "9468"),
]
OUT_OF_RANGE = ("WAN services\t12,336\t12,881\t4.\n", "WAN services\t12,336\t12,881\t99,999.9\n")
UNKNOWN_UNIT_AFTER = "Network Services Revenues Breakdown\n"
# a table with no unit row and a label that fixes none: the extraction says 'unknown'
UNKNOWN_UNIT_TABLE = "\n\t1H20\t1H21\nData center racks in service\t-\t13,579\n\n"
HIGHLIGHTS = Path(__file__).resolve().parents[1] / "fixtures" / "highlights"
FIRST_QUARTER = "corvid_1q-fy2031_highlights_prose.txt"
FULL_YEAR = "corvid_fy2030_highlights_prose.txt"
CORVID = "tse-9412"


@dataclass(frozen=True)
class Run:
    summary: PipelineSummary
    warehouse: Path


def _write_variant(source: str, target: Path, replacements: list[tuple[str, str]]) -> None:
    text = source
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    target.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def run(pipeline_workspace: Path) -> Run:
    disclosures = settings.disclosures_dir()
    source = (disclosures / BUNDLED_NAME).read_text(encoding="utf-8")
    _write_variant(source, disclosures / RENAMED_NAME, RENAMES)
    _write_variant(source, disclosures / OUT_OF_RANGE_NAME, [OUT_OF_RANGE])
    _write_variant(
        source,
        disclosures / UNKNOWN_UNIT_NAME,
        [(UNKNOWN_UNIT_AFTER, UNKNOWN_UNIT_AFTER + UNKNOWN_UNIT_TABLE)],
    )
    for name in (FIRST_QUARTER, FULL_YEAR):
        (disclosures / name).write_bytes((HIGHLIGHTS / name).read_bytes())
    summary = run_pipeline()
    assert summary.success, summary.render()
    return Run(summary, settings.warehouse_path())


def query(run: Run, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _document(run: Run, file_name: str) -> tuple[str, str, str | None, int]:
    [(document_id, status, reason)] = query(
        run,
        "select document_id, status, status_reason from marts.dim_documents where file_name = ?",
        file_name,
    )
    [(facts,)] = query(
        run, "select count(*) from marts.fct_financial_facts where document_id = ?", document_id
    )
    return document_id, status, reason, facts


def test_only_the_out_of_range_release_is_quarantined(run: Run) -> None:
    statuses = dict(query(run, "select file_name, status from marts.dim_documents"))
    assert statuses == {
        BUNDLED_NAME: "published",
        RENAMED_NAME: "published",
        OUT_OF_RANGE_NAME: "quarantined",
        UNKNOWN_UNIT_NAME: "published",
        FIRST_QUARTER: "published",
        FULL_YEAR: "published",
    }
    document_id, _, reason, facts = _document(run, OUT_OF_RANGE_NAME)
    assert facts == 0
    assert "percent_in_range" in reason and "99999.9" in reason.replace(",", "")
    [(check_kind, severity, source_line)] = query(
        run,
        "select check_kind, severity, source_line from marts.fct_check_failures "
        "where document_id = ? and severity = 'blocking'",
        document_id,
    )
    assert (check_kind, severity) == ("value_range", "blocking")
    assert source_line > 0
    assert set(run.summary.quarantined) == {OUT_OF_RANGE_NAME}


def test_another_company_publishes_as_many_facts_its_own_lines_as_extensions(run: Run) -> None:
    _, _, _, original = _document(run, BUNDLED_NAME)
    renamed_id, status, _, renamed = _document(run, RENAMED_NAME)
    assert status == "published"
    assert renamed == original > 500
    # every company-specific line item and member of its facts is its own
    foreign = query(
        run,
        """
        select distinct facts.segment_id from marts.fct_financial_facts as facts
        inner join marts.dim_segments as segments on facts.segment_id = segments.segment_id
        where facts.document_id = ? and segments.company_id is not null
          and segments.company_id != ?
        """,
        renamed_id,
        KMN,
    )
    assert foreign == []
    [(extensions,)] = query(
        run,
        """
        select count(*) from marts.fct_financial_facts
        where document_id = ? and mapping_method = 'extension'
        """,
        renamed_id,
    )
    assert extensions > 0
    # and the seed row that would make each of its own rows standard is there to read
    rows = query(
        run,
        """
        select segment_id, label, parent_segment_id, is_extension from marts.dim_segments
        where company_id = ? and label = 'KMN Mobile Services'
        """,
        KMN,
    )
    assert rows == [
        (
            "ext:tse-9468:internet_connectivity_services_enterprise/kmn_mobile_services",
            "KMN Mobile Services",
            "ext:tse-9468:internet_connectivity_enterprise",
            True,
        )
    ]


def test_revenue_of_every_service_line_in_each_period(run: Run) -> None:
    """An analyst's question, including lines no seed names."""
    rows = query(
        run,
        """
        select segments.label, facts.period_id, facts.value
        from marts.fct_financial_facts as facts
        inner join marts.dim_segments as segments on facts.segment_id = segments.segment_id
        where facts.company_id = ? and facts.line_item_id = 'revenue'
          and facts.scenario = 'actual' and facts.measure = 'value' and facts.is_latest
          and segments.segment_type = 'service_line'
        order by segments.label, facts.period_id
        """,
        KMN,
    )
    by_line = {(label, period): value for label, period, value in rows}
    assert by_line[("KMN Mobile Services", "D2021-04-01_2021-09-30")] == 10_284_000_000
    assert by_line[("KMN Mobile Services", "D2020-04-01_2020-09-30")] == 12_035_000_000
    assert by_line[("KMNmio Mobile Services", "D2021-04-01_2021-09-30")] == 10_741_000_000
    assert by_line[("WAN services", "D2021-04-01_2021-09-30")] == 12_881_000_000


@pytest.mark.parametrize(
    ("company", "segment"),
    [
        (IIJ, "enterprise_mobile"),
        (KMN, "ext:tse-9468:kmn_mobile_services/enterprise_mobile_service_iot_usages_etc"),
    ],
)
def test_the_balance_of_an_item_at_a_date_is_one_row(run: Run, company: str, segment: str) -> None:
    """No filter on measure: the YoY change of the count has its own period."""
    rows = query(
        run,
        """
        select facts.value from marts.fct_financial_facts as facts
        inner join marts.dim_documents as documents on facts.document_id = documents.document_id
        where documents.file_name in (?, ?) and facts.company_id = ?
          and facts.line_item_id = 'connectivity_contracts' and facts.segment_id = ?
          and facts.period_id = 'I2021-09-30'
        """,
        BUNDLED_NAME,
        RENAMED_NAME,
        company,
        segment,
    )
    assert rows == [(1_218_375,)]
    [(period_id, value)] = query(
        run,
        """
        select facts.period_id, facts.value from marts.fct_financial_facts as facts
        inner join marts.dim_documents as documents on facts.document_id = documents.document_id
        where documents.file_name in (?, ?) and facts.company_id = ?
          and facts.line_item_id = 'connectivity_contracts' and facts.segment_id = ?
          and facts.measure = 'change'
        """,
        BUNDLED_NAME,
        RENAMED_NAME,
        company,
        segment,
    )
    assert (period_id, value) == ("D2020-10-01_2021-09-30", 250_827)


def test_a_figure_of_an_unknown_unit_is_withheld_and_the_rest_publishes(run: Run) -> None:
    _, _, _, original = _document(run, BUNDLED_NAME)
    document_id, status, reason, facts = _document(run, UNKNOWN_UNIT_NAME)
    assert (status, reason) == ("published", None)
    assert facts == original
    [(check_name, severity, token, source_line, why)] = query(
        run,
        """
        select check_name, severity, printed_token, source_line, reason
        from marts.fct_check_failures where document_id = ? and severity = 'withheld'
        """,
        document_id,
    )
    assert (check_name, severity, token) == ("unknown_unit", "withheld", "13,579")
    lines = (settings.disclosures_dir() / UNKNOWN_UNIT_NAME).read_text(encoding="utf-8")
    assert "13,579" in lines.split("\n")[source_line - 1]
    assert "seeds/units.csv" in why


@pytest.mark.parametrize("file_name", [FIRST_QUARTER, FULL_YEAR])
def test_a_highlights_release_in_prose_publishes_every_figure(run: Run, file_name: str) -> None:
    ((figures, facts, unmapped),) = query(
        run,
        """
        select
            documents.figure_count,
            (select count(*) from marts.fct_financial_facts as facts
             where facts.document_id = documents.document_id),
            (select count(*) from marts.fct_check_failures as failures
             where failures.document_id = documents.document_id)
        from marts.dim_documents as documents
        where documents.file_name = ?
        """,
        file_name,
    )
    assert (facts, unmapped) == (figures, 0)


def test_highlights_have_their_period_scenario_and_measure(run: Run) -> None:
    rows = query(
        run,
        """
        select facts.line_item_id, facts.segment_id, facts.measure, facts.scenario,
            facts.period_start, facts.period_end, facts.value
        from marts.fct_financial_facts as facts
        inner join marts.dim_documents as documents on facts.document_id = documents.document_id
        where documents.file_name = ?
            and facts.line_item_id in ('operating_profit', 'dividend_per_share')
        order by facts.period_end, facts.line_item_id, facts.measure
        """,
        FULL_YEAR,
    )
    this_year = (dt.date(2030, 4, 1), dt.date(2031, 3, 31))
    next_year = (dt.date(2031, 4, 1), dt.date(2032, 3, 31))
    assert rows == [
        ("dividend_per_share", "dividend_annual", "value", "actual", *this_year, Decimal("48")),
        (
            "operating_profit",
            "consolidated",
            "change_percent",
            "actual",
            *this_year,
            Decimal("72.2"),
        ),
        ("operating_profit", "consolidated", "value", "actual", *this_year, Decimal("18.9e9")),
        ("dividend_per_share", "dividend_annual", "value", "forecast", *next_year, Decimal("58.5")),
        (
            "operating_profit",
            "consolidated",
            "change_percent",
            "forecast",
            *next_year,
            Decimal("11.1"),
        ),
        ("operating_profit", "consolidated", "value", "forecast", *next_year, Decimal("21e9")),
    ]


def test_every_forecast_with_its_announced_growth(run: Run) -> None:
    rows = query(
        run,
        """
        select targets.line_item_id, targets.value, growth.value
        from marts.fct_financial_facts as targets
        left join marts.fct_financial_facts as growth
            on targets.document_id = growth.document_id
            and targets.line_item_id = growth.line_item_id
            and targets.segment_id = growth.segment_id
            and targets.period_id = growth.period_id
            and growth.scenario = 'forecast'
            and growth.measure = 'change_percent'
        where targets.company_id = ? and targets.scenario = 'forecast'
            and targets.measure = 'value' and targets.unit = 'JPY'
        order by targets.line_item_id
        """,
        CORVID,
    )
    assert rows == [
        ("operating_profit", Decimal("21e9"), Decimal("11.1")),
        ("profit_attributable_to_owners", Decimal("13.5e9"), Decimal("9.8")),
        ("revenue", Decimal("240e9"), Decimal("8.4")),
    ]
