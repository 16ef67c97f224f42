"""The marts answer an analyst's questions with the numbers the releases print.

Reads the session's shared warehouse (``shared_warehouse`` in conftest: one pipeline run on
data/disclosures plus the hand-written fixtures of tests/fixtures/disclosures, another period
and another company) read-only. Expected values are those of the bundled IIJ release
(data/disclosures/iij_2021-11-05_1H21_earnings_release.txt) and of the fixtures.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

pytestmark = pytest.mark.integration

IIJ = "tse-3774"
NORTHWIND = "ksx-standard-4821"
THOUSAND = 1_000


@pytest.fixture(scope="module")
def warehouse(shared_warehouse: Path) -> Path:
    """The session's warehouse of the bundled release and the fixtures (read-only)."""
    return shared_warehouse


def query(database: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run one query on the warehouse opened read-only, as a reader would."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def actual_value(
    database: Path, line_item: str, segment: str, period_id: str, company: str = IIJ
) -> Decimal:
    """The latest reported actual amount of a line item, segment and period."""
    rows = query(
        database,
        """
        select value from marts.fct_financial_facts
        where company_id = ? and line_item_id = ? and segment_id = ? and period_id = ?
          and scenario = 'actual' and measure = 'value' and is_latest
        """,
        company,
        line_item,
        segment,
        period_id,
    )
    assert len(rows) == 1, rows
    return rows[0][0]


def test_total_revenues_by_fiscal_period(warehouse: Path) -> None:
    rows = query(
        warehouse,
        """
        select fiscal_year, value from marts.fct_financial_facts
        where company_id = ? and line_item_id = 'revenue' and segment_id = 'consolidated'
          and scenario = 'actual' and measure = 'value' and is_latest
          and fiscal_period = '1H'
        order by fiscal_year
        """,
        IIJ,
    )
    assert rows == [(2020, Decimal("101664990000")), (2021, Decimal("109053887000"))]


def test_segment_operating_profit_1h21_against_1h20(warehouse: Path) -> None:
    segment = "network_service_and_si_business"
    assert actual_value(
        warehouse, "operating_profit", segment, "D2021-04-01_2021-09-30"
    ) == Decimal(8_932_994 * THOUSAND)
    assert actual_value(
        warehouse, "operating_profit", segment, "D2020-04-01_2020-09-30"
    ) == Decimal(4_922_707 * THOUSAND)


def test_cost_of_sales_of_network_services_is_stored_positive(warehouse: Path) -> None:
    [(value, printed_value, decimals)] = query(
        warehouse,
        """
        select value, printed_value, decimals from marts.fct_financial_facts
        where company_id = ? and line_item_id = 'cost_of_sales'
          and segment_id = 'network_services' and period_id = 'D2021-04-01_2021-09-30'
          and scenario = 'actual' and measure = 'value' and is_latest
        """,
        IIJ,
    )
    assert value == Decimal(46_753_533 * THOUSAND)
    assert printed_value == -value  # printed in parentheses
    assert decimals == -3


def test_enterprise_mobile_subscriptions_at_the_half_year_end(warehouse: Path) -> None:
    [(value, unit)] = query(
        warehouse,
        """
        select value, unit from marts.fct_financial_facts
        where company_id = ? and line_item_id = 'connectivity_contracts'
          and segment_id = 'enterprise_mobile' and period_id = 'I2021-09-30'
          and measure = 'value' and is_latest
        """,
        IIJ,
    )
    assert (value, unit) == (Decimal(1_218_375), "count")


def test_fy2021_revenue_target_original_and_revised(warehouse: Path) -> None:
    rows = query(
        warehouse,
        """
        select forecast_status, forecast_announced_on, value
        from marts.fct_financial_facts
        where company_id = ? and line_item_id = 'revenue' and segment_id = 'consolidated'
          and scenario = 'forecast' and measure = 'value' and is_latest
          and period_id = 'D2021-04-01_2022-03-31'
        order by forecast_announced_on
        """,
        IIJ,
    )
    assert rows == [
        ("original", date(2021, 5, 12), Decimal("226000000000")),
        ("revised", date(2021, 11, 5), Decimal("228500000000")),
    ]


def test_q1_fy2021_revenue_is_derived_from_1h_less_q2(warehouse: Path) -> None:
    first_half = "D2021-04-01_2021-09-30"
    second_quarter = "D2021-07-01_2021-09-30"
    [(value, is_derived, fiscal_year, fiscal_period, input_fact_ids)] = query(
        warehouse,
        """
        select value, is_derived, fiscal_year, fiscal_period, input_fact_ids
        from marts.fct_kpis
        where kpi_id = 'discrete_quarter' and company_id = ? and line_item_id = 'revenue'
          and segment_id = 'consolidated' and period_id = 'D2021-04-01_2021-06-30'
        """,
        IIJ,
    )
    assert value == Decimal((109_053_887 - 56_078_938) * THOUSAND)
    assert value == Decimal(52_974_949 * THOUSAND)
    assert is_derived is True
    assert (fiscal_year, fiscal_period) == (2021, "Q1")
    inputs = dict(
        query(
            warehouse,
            f"""
            select period_id, fact_id from marts.fct_financial_facts
            where fact_id in ({", ".join("?" for _ in input_fact_ids.split(","))})
            """,
            *input_fact_ids.split(","),
        )
    )
    assert set(inputs) == {first_half, second_quarter}


def test_a_reported_quarter_is_never_replaced_by_a_derived_one(warehouse: Path) -> None:
    [(value, is_derived)] = query(
        warehouse,
        """
        select value, is_derived from marts.fct_kpis
        where kpi_id = 'discrete_quarter' and company_id = ? and line_item_id = 'revenue'
          and segment_id = 'consolidated' and period_id = 'D2021-07-01_2021-09-30'
        """,
        IIJ,
    )
    assert (value, is_derived) == (Decimal(56_078_938 * THOUSAND), False)


@pytest.mark.parametrize("instant", ["I2021-03-31", "I2021-09-30"])
def test_total_assets_equal_liabilities_plus_equity(warehouse: Path, instant: str) -> None:
    assets = actual_value(warehouse, "assets", "consolidated", instant)
    liabilities = actual_value(warehouse, "liabilities", "consolidated", instant)
    equity = actual_value(warehouse, "equity", "consolidated", instant)
    assert assets == liabilities + equity
    expected = {"I2021-03-31": 220_777_269, "I2021-09-30": 222_729_361}[instant]
    assert assets == Decimal(expected * THOUSAND)


def test_kpis_from_the_release(warehouse: Path) -> None:
    rows = dict(
        query(
            warehouse,
            """
            select kpi_id, value from marts.fct_kpis
            where company_id = ? and segment_id = 'consolidated'
              and period_id = 'D2021-04-01_2021-09-30'
              and coalesce(line_item_id, 'revenue') = 'revenue'
              and kpi_id in ('gross_margin', 'progress_against_target', 'yoy_growth')
            """,
            IIJ,
        )
    )
    # 23,085,341 / 109,053,887; 109,053,887 thousand / 228.5 billion (the revised target)
    assert rows["gross_margin"] == Decimal("21.168747")
    assert rows["progress_against_target"] == Decimal("47.725990")
    # printed: up 7.3% YoY
    [(growth, reported, difference)] = query(
        warehouse,
        """
        select value, reported_value, difference from marts.fct_kpis
        where kpi_id = 'yoy_growth' and company_id = ? and line_item_id = 'revenue'
          and segment_id = 'consolidated' and period_id = 'D2021-04-01_2021-09-30'
        """,
        IIJ,
    )
    assert reported == Decimal("7.3")
    assert abs(growth - reported) < Decimal("0.05")
    assert difference == growth - reported


def test_income_statement_report_compares_with_the_prior_year(warehouse: Path) -> None:
    [row] = query(
        warehouse,
        """
        select current_period_start, current_period_end, current_period_value,
               prior_period_start, prior_period_end, prior_period_value
        from marts.rpt_income_statement
        where company_id = ? and fiscal_year = 2021 and fiscal_period = '1H'
          and line_item_id = 'revenue'
        """,
        IIJ,
    )
    assert row == (
        date(2021, 4, 1),
        date(2021, 9, 30),
        Decimal("109053887000"),
        date(2020, 4, 1),
        date(2020, 9, 30),
        Decimal("101664990000"),
    )


def test_fiscal_calendar_follows_each_companys_year_end(warehouse: Path) -> None:
    rows = query(
        warehouse,
        """
        select company_id, fiscal_year, fiscal_period, fiscal_year_start, fiscal_year_end
        from marts.dim_periods
        where (company_id = ? and period_id = 'D2021-04-01_2021-09-30')
           or (company_id = ? and period_id = 'D2022-01-01_2022-12-31')
        order by company_id
        """,
        IIJ,
        NORTHWIND,
    )
    assert rows == [
        (NORTHWIND, 2022, "FY", date(2022, 1, 1), date(2022, 12, 31)),
        (IIJ, 2021, "1H", date(2021, 4, 1), date(2022, 3, 31)),
    ]


def test_fixture_documents_come_through_with_their_revenue(warehouse: Path) -> None:
    rows = query(
        warehouse,
        """
        select documents.file_name, facts.company_id, facts.period_id, facts.value
        from marts.fct_financial_facts as facts
        inner join marts.dim_documents as documents
            on facts.document_id = documents.document_id
        where facts.line_item_id = 'revenue' and facts.segment_id = 'consolidated'
          and facts.scenario = 'actual' and facts.measure = 'value'
          and documents.file_name in ('acme_fy2022_full_year.txt', 'iij_q1_highlights_only.txt')
        order by documents.file_name, facts.period_id
        """,
    )
    assert rows == [
        ("acme_fy2022_full_year.txt", NORTHWIND, "D2021-01-01_2021-12-31", Decimal("50202000000")),
        ("acme_fy2022_full_year.txt", NORTHWIND, "D2022-01-01_2022-12-31", Decimal("52310000000")),
        ("iij_q1_highlights_only.txt", IIJ, "D2023-04-01_2023-06-30", Decimal("64800000000")),
    ]
    companies = query(warehouse, "select company_id from marts.dim_companies order by 1")
    # and the invented companies of the layout fixtures (a US 8-K, a tanshin)
    assert companies == [(NORTHWIND,), ("nasdaq-brmw",), (IIJ,), ("tse-9999",)]
