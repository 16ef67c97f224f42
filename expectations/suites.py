"""The expectations, as Python code: one suite per mart and one per domain rule.

A suite here is a :class:`Suite`: the name of a frame to validate (the columns of a mart it
checks, or a frame computed with SQL from the warehouse), the SQL that produces it, and a
list of :class:`Check`: a Great Expectations expectation written as data (its class name and
arguments). Every check carries a stable ``check_id`` (what the report and the asset checks
key on), ``guards`` (one sentence: what it protects) and ``blocking`` (whether a failure
must stop publishing).

Great Expectations itself is imported only when a check becomes an expectation
(:meth:`Check.expectation`, in :mod:`expectations.run`): the Dagster definitions load the
suites to declare their asset checks, and need not pay its import (seconds) to do so.
"""

from __future__ import annotations

import csv
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, reduce
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    import great_expectations.expectations as gxe

PROJECT_DIR = Path(__file__).resolve().parent.parent
MARTS_DIR = PROJECT_DIR / "models" / "marts"

Row = dict[str, Any]


# the comparisons a check's rows may be chosen by (Check.where)
_COMPARISONS = {"==": operator.eq, "!=": operator.ne}


@dataclass(frozen=True)
class Check:
    """One expectation as data: Great Expectations' class and arguments, and the meta every
    check carries. :meth:`expectation` makes the expectation itself."""

    kind: str  # the class in great_expectations.expectations: "ExpectColumnValuesToBeUnique"
    check_id: str
    guards: str
    blocking: bool
    kwargs: dict[str, Any] = field(default_factory=dict)
    # the rows it applies to: (column, "==" or "!=", value), every one of them true
    where: tuple[tuple[str, str, Any], ...] = ()

    @property
    def meta(self) -> dict[str, Any]:
        return {"check_id": self.check_id, "guards": self.guards, "blocking": self.blocking}

    @property
    def expectation_type(self) -> str:
        """Great Expectations' name of the kind: ``expect_column_values_to_be_unique``."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.kind).lower()

    @property
    def columns(self) -> frozenset[str]:
        """The column, or the columns together, that the check checks."""
        return frozenset(self.kwargs.get("column_list") or [self.kwargs["column"]])

    def expectation(self) -> gxe.Expectation:
        """The Great Expectations expectation (importing Great Expectations)."""
        import great_expectations.expectations as gxe
        from great_expectations.expectations.row_conditions import Column

        kwargs = dict(self.kwargs)
        if self.where:
            kwargs["row_condition"] = reduce(
                operator.and_,
                (_COMPARISONS[op](Column(name), value) for name, op, value in self.where),
            )
        return getattr(gxe, self.kind)(meta=self.meta, **kwargs)


@dataclass(frozen=True)
class Suite:
    """Checks over one frame, and how to read that frame and describe its bad rows."""

    name: str
    sql: str
    expectations: list[Check]
    # Columns that locate a row for a reader (document, period, line items), in this order.
    context_columns: tuple[str, ...] = ()
    # Turns an offending row into one sentence; None uses the context columns.
    describe: Callable[[Row], str] | None = None
    # Numeric column that says by how much a row misses, if the frame has one.
    amount_column: str | None = None
    required_tables: tuple[str, ...] = ()


def expect(
    kind: str,
    check_id: str,
    guards: str,
    *,
    blocking: bool = True,
    where: tuple[tuple[str, str, Any], ...] = (),
    **kwargs: Any,
) -> Check:
    """One check of Great Expectations' ``kind`` with the meta every check carries."""
    return Check(kind, check_id, guards, blocking, kwargs, where)


# ---------------------------------------------------------------------------------------
# Mart suites: schema, keys, allowed values, plausible ranges
# ---------------------------------------------------------------------------------------


def _seed_column(seed: str, column: str) -> list[str]:
    """One column of a dbt seed (``seeds/<seed>.csv``): the one list the models test against."""
    with (PROJECT_DIR / "seeds" / f"{seed}.csv").open(encoding="utf-8", newline="") as rows:
        return [row[column] for row in csv.DictReader(rows)]


@cache
def _dbt_vars() -> dict[str, Any]:
    """The vars of dbt_project.yml, read once (a dozen constants below read them)."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return project["vars"]


def _dbt_var(name: str) -> Any:
    """A var of dbt_project.yml: the same limit or list of allowed values the models use."""
    return _dbt_vars()[name]


# The allowed values of each enumerated column: the lists of dbt_project.yml's vars that the
# models' tests and contract checks read (tests/unit/test_allowed_values.py holds them to it).
# Every currency and per-share unit of seeds/units.csv (JPY, USD, EUR, ..., JPY/share, ...).
UNITS = _seed_column("units", "unit")
UNIT_KINDS = _dbt_var("unit_kinds")
MEASURES = _dbt_var("measures")
SCENARIOS = _dbt_var("scenarios")
FORECAST_STATUSES = _dbt_var("forecast_statuses")
PERIOD_TYPES = _dbt_var("period_types")
FISCAL_PERIODS = _dbt_var("fiscal_periods")
SHARE_BASES = _dbt_var("share_bases")
STATEMENTS = _dbt_var("statements")
PRIMARY_STATEMENTS = _dbt_var("primary_statements")
BALANCES = _dbt_var("balances")
SIGN_RULES = _dbt_var("sign_rules")
ROLL_UP_WEIGHTS = _dbt_var("roll_up_weights")
SEGMENT_TYPES = _dbt_var("segment_types")
KPI_UNITS = _dbt_var("kpi_units")
# XBRL decimals of anything a release prints: billions (-9) to hundredths of a yen (2);
# the range leaves room for trillions and finer ratios, beyond it a scale was misread.
# The same range quarantines a document in the models (int_check_failures).
DECIMALS_RANGE = (_dbt_var("decimals_min"), _dbt_var("decimals_max"))
# A percentage beyond +-10000 % is a misplaced scale or a division by a near-zero base.
PERCENT_LIMIT = _dbt_var("percent_limit")


def _model_spec(model: str) -> dict[str, Any]:
    """A mart's entry in its properties file (``models/marts/_<model>.yml``), as written."""
    spec = yaml.safe_load((MARTS_DIR / f"_{model}.yml").read_text(encoding="utf-8"))
    (entry,) = [m for m in spec["models"] if m["name"] == model]
    return entry


def _contract(model: str) -> list[dict[str, Any]]:
    """The columns of a mart's dbt contract, as written."""
    return _model_spec(model)["columns"]


def _test_name(test: str | dict[str, Any]) -> str:
    """The name of a data test as the properties file writes it (``unique``, or a mapping)."""
    return test if isinstance(test, str) else next(iter(test))


def tested_by_dbt(model: str, test: str) -> set[frozenset[str]]:
    """The sets of columns a dbt data test ``test`` (``unique``, ``not_null``,
    ``accepted_values``, ``relationships``) of the mart checks: one column's own test, or a
    model-level test on an expression of several (``document_id || '|' || line_item_id``).
    dbt runs them in every build, and a failure stops the run before the validation step,
    so no suite checks them again."""
    spec = _model_spec(model)
    names = {column["name"] for column in spec["columns"]}
    found = {
        frozenset([column["name"]])
        for column in spec["columns"]
        if any(_test_name(t) == test for t in column.get("data_tests") or [])
    }
    for entry in spec.get("data_tests") or []:
        if _test_name(entry) == test and isinstance(entry, dict):
            arguments = entry[test].get("arguments", entry[test])
            words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", arguments["column_name"])
            found.add(frozenset(word for word in words if word in names))
    return found


def contract_columns(model: str) -> list[str]:
    """The column names of a mart as its dbt contract lists them."""
    return [column["name"] for column in _contract(model)]


def enforced_by_contract(model: str, constraint: str) -> set[str]:
    """The columns of a mart whose contract has a ``constraint`` (``not_null``, ``check``):
    DuckDB enforces it on every write to the table, so no suite checks it again."""
    return {
        column["name"]
        for column in _contract(model)
        if any(c.get("type") == constraint for c in column.get("constraints") or [])
    }


# DuckDB's spelling of the type names the contracts may use (information_schema's data_type).
_TYPE_ALIASES = {"TEXT": "VARCHAR", "STRING": "VARCHAR", "INT": "INTEGER", "INT4": "INTEGER",
                 "INT8": "BIGINT", "BOOL": "BOOLEAN", "FLOAT8": "DOUBLE"}  # fmt: skip


def normalize_type(data_type: str) -> str:
    """A column type as DuckDB's ``information_schema`` spells it: ``DECIMAL(38,6)``."""
    compact = data_type.upper().replace(" ", "")
    return _TYPE_ALIASES.get(compact, compact)


def contract_column_types(model: str) -> dict[str, str]:
    """Column name → type, as the dbt contract of a mart declares them (normalized)."""
    return {c["name"]: normalize_type(c["data_type"]) for c in _contract(model)}


def column_types_suite(model: str) -> Suite:
    """The columns of a mart as built, and their types, are its contract's (a renamed,
    missing, added or retyped column blocks)."""
    cases = " ".join(
        f"when '{name}' then '{data_type}'"
        for name, data_type in contract_column_types(model).items()
    )
    return Suite(
        name=f"{model}.column_types",
        sql=f"""
            select column_name, data_type, case column_name {cases} end as contract_type
            from information_schema.columns
            where table_schema = 'marts' and table_name = '{model}'
        """,
        expectations=[
            _schema(model),
            expect(
                "ExpectColumnPairValuesToBeEqual",
                f"{model}.column_types",
                f"Readers of marts.{model} get each column in the type its dbt contract "
                "documents (a BI tool or a downstream model breaks on a retyped column).",
                column_A="data_type",
                column_B="contract_type",
            ),
        ],
        describe=lambda row: (
            f"marts.{model}.{row['column_name']} is {row['data_type']}; its contract says "
            + (row["contract_type"] or "nothing (the column is not in the contract)")
        ),
        required_tables=(f"marts.{model}",),
    )


def _schema(model: str) -> Check:
    """The mart's columns, rows of ``information_schema`` (:func:`column_types_suite`), are
    exactly its contract's: none missing, none added."""
    return expect(
        "ExpectColumnDistinctValuesToEqualSet",
        f"{model}.schema",
        f"Readers of marts.{model} find exactly the columns its dbt contract documents.",
        column="column_name",
        value_set=contract_columns(model),
    )


def _unique(model: str, columns: list[str]) -> Check:
    if len(columns) == 1:
        return expect(
            "ExpectColumnValuesToBeUnique",
            f"{model}.{columns[0]}.unique",
            f"{columns[0]} identifies one row of marts.{model}, so joins on it do not fan out.",
            column=columns[0],
        )
    return expect(
        "ExpectCompoundColumnsToBeUnique",
        f"{model}.grain.unique",
        f"One row per {', '.join(columns)} in marts.{model}: its grain, so sums do not double.",
        column_list=columns,
    )


def _not_null(model: str, columns: list[str]) -> list[Check]:
    return [
        expect(
            "ExpectColumnValuesToNotBeNull",
            f"{model}.{column}.not_null",
            f"Every row of marts.{model} has a {column}, so it can be joined and located.",
            column=column,
        )
        for column in columns
    ]


def _in_set(model: str, column: str, values: list[Any], what: str) -> Check:
    return expect(
        "ExpectColumnValuesToBeInSet",
        f"{model}.{column}.accepted_values",
        f"{column} in marts.{model} is one of the known {what}, so filters on it are complete.",
        column=column,
        value_set=values,
    )


def _between(
    model: str,
    column: str,
    guards: str,
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    check: str = "range",
    **kwargs: Any,
) -> Check:
    return expect(
        "ExpectColumnValuesToBeBetween",
        f"{model}.{column}.{check}",
        guards,
        column=column,
        min_value=min_value,
        max_value=max_value,
        **kwargs,
    )


def _ordered(model: str, start: str, end: str) -> Check:
    return expect(
        "ExpectColumnPairValuesAToBeGreaterThanB",
        f"{model}.{start}_before_{end}",
        f"A period in marts.{model} does not end before it starts ({start} <= {end}).",
        column_A=end,
        column_B=start,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    )


# a rule a mart's dbt contract writes as a constraint, and the expectation that would repeat it
_CONSTRAINED = {
    "not_null": "ExpectColumnValuesToNotBeNull",
    "check": "ExpectColumnValuesToBeInSet",
}


def _not_enforced(model: str, expectations: list[Check]) -> list[Check]:
    """The expectations that neither the mart's contract nor its dbt tests already own.

    DuckDB refuses a null in a ``not_null`` column and a value outside a ``check`` on every
    write, so the table cannot hold the rows such an expectation looks for; a dbt test of
    the same rule (:func:`tested_by_dbt`) fails the build before validation. Each rule
    has one owner, the mart's properties file (models/marts/_<model>.yml).
    """
    owned = [
        (kind, {frozenset([column]) for column in enforced_by_contract(model, constraint)})
        for constraint, kind in _CONSTRAINED.items()
    ] + [
        ("ExpectColumnValuesToBeUnique", tested_by_dbt(model, "unique")),
        ("ExpectCompoundColumnsToBeUnique", tested_by_dbt(model, "unique")),
        ("ExpectColumnValuesToNotBeNull", tested_by_dbt(model, "not_null")),
        # the values a dbt test allows are the suite's (tests/unit/test_allowed_values.py)
        ("ExpectColumnValuesToBeInSet", tested_by_dbt(model, "accepted_values")),
        ("ExpectColumnValuesToBeInSet", tested_by_dbt(model, "relationships")),
    ]
    return [
        e
        for e in expectations
        if not any(e.kind == kind and e.columns in sets for kind, sets in owned)
    ]


def columns_read(expectations: list[Check], context_columns: tuple[str, ...]) -> list[str]:
    """The columns ``expectations`` check, or filter on, and those that locate a bad row."""
    names: list[str] = []
    for e in expectations:
        names += [e.kwargs.get(key) for key in ("column", "column_A", "column_B")]
        names += e.kwargs.get("column_list") or []
        names += [column for column, _, _ in e.where]
    return list(dict.fromkeys(name for name in [*names, *context_columns] if name))


def _mart(
    model: str,
    expectations: list[Check],
    context_columns: tuple[str, ...],
) -> Suite:
    """A mart's suite, reading only the columns it checks: a fact table has 30 columns and
    hundreds of thousands of rows, and every column read is converted, hashed and copied.
    The columns themselves are the contract's, checked by :func:`column_types_suite`."""
    checked = _not_enforced(model, expectations)
    columns = ", ".join(f'"{name}"' for name in columns_read(checked, context_columns))
    return Suite(
        name=model,
        sql=f"select {columns} from marts.{model}",
        expectations=checked,
        context_columns=context_columns,
        required_tables=(f"marts.{model}",),
    )


def fct_financial_facts() -> Suite:
    """Keys, allowed values and ranges of the fact table."""
    m = "fct_financial_facts"
    grain = [
        "document_id",
        "line_item_id",
        "segment_id",
        "scenario",
        "forecast_status",
        "measure",
        "period_id",
    ]
    return _mart(
        m,
        [
            _unique(m, ["fact_id"]),
            _unique(m, grain),
            *_not_null(
                m,
                [
                    "fact_id",
                    "document_id",
                    "company_id",
                    "line_item_id",
                    "segment_id",
                    "period_id",
                    "scenario",
                    "measure",
                    "period_type",
                    "unit",
                    "value",
                    "period_end",
                    "source_line",
                ],
            ),
            _in_set(m, "unit", UNITS, "units"),
            _in_set(m, "scenario", SCENARIOS, "scenarios"),
            _in_set(m, "forecast_status", FORECAST_STATUSES, "forecast statuses"),
            _in_set(m, "measure", MEASURES, "measures"),
            _in_set(m, "period_type", PERIOD_TYPES, "period types"),
            _in_set(m, "share_basis", SHARE_BASES, "share bases"),
            _between(
                m,
                "decimals",
                "A printed precision outside -12..6 means a misread scale, and every "
                "rounding tolerance is derived from it.",
                min_value=DECIMALS_RANGE[0],
                max_value=DECIMALS_RANGE[1],
            ),
            _between(
                m,
                "report_count",
                "Every fact was printed at least once; zero would be a fact with no source.",
                min_value=1,
            ),
            _between(
                m,
                "value",
                "Percentages stay within +-10000 %, beyond which a scale or base was misread.",
                min_value=-PERCENT_LIMIT,
                max_value=PERCENT_LIMIT,
                check="percent_range",
                where=(("unit", "==", "percent"),),
            ),
            _ordered(m, "period_start", "period_end"),
        ],
        ("document_id", "period_id", "line_item_id", "segment_id", "measure"),
    )


def dim_line_items() -> Suite:
    """The line item dimension: one row per id, known statements and conventions."""
    m = "dim_line_items"
    return _mart(
        m,
        [
            _unique(m, ["line_item_id"]),
            *_not_null(m, ["line_item_id", "statement", "period_type", "unit_kind"]),
            _in_set(m, "statement", STATEMENTS, "statements"),
            _in_set(m, "period_type", PERIOD_TYPES, "period types"),
            _in_set(m, "unit_kind", UNIT_KINDS, "unit kinds"),
            _in_set(m, "balance", BALANCES, "balances"),
            _in_set(m, "sign_rule", SIGN_RULES, "sign rules"),
            _in_set(m, "weight", ROLL_UP_WEIGHTS, "roll-up weights"),
        ],
        ("line_item_id",),
    )


def dim_segments() -> Suite:
    """The segment axis: one row per member, known member types."""
    m = "dim_segments"
    return _mart(
        m,
        [
            _unique(m, ["segment_id"]),
            *_not_null(m, ["segment_id", "segment_type"]),
            _in_set(m, "segment_type", SEGMENT_TYPES, "segment types"),
        ],
        ("segment_id",),
    )


def dim_periods() -> Suite:
    """The period dimension per company: grain, calendar attributes in range."""
    m = "dim_periods"
    return _mart(
        m,
        [
            _unique(m, ["company_id", "period_id"]),
            *_not_null(m, ["company_id", "period_id", "period_type", "period_end"]),
            _in_set(m, "period_type", PERIOD_TYPES, "period types"),
            _in_set(m, "fiscal_period", FISCAL_PERIODS, "fiscal periods"),
            _between(
                m,
                "calendar_month",
                "Calendar months are 1 to 12.",
                min_value=1,
                max_value=12,
            ),
            _between(
                m,
                "calendar_quarter",
                "Calendar quarters are 1 to 4.",
                min_value=1,
                max_value=4,
            ),
            _between(
                m,
                "length_months",
                "A duration lasts at least a month; zero or less means swapped dates.",
                min_value=1,
            ),
            _ordered(m, "period_start", "period_end"),
            _ordered(m, "fiscal_year_start", "fiscal_year_end"),
        ],
        ("company_id", "period_id"),
    )


def dim_companies() -> Suite:
    """The company dimension: one row per company, a valid fiscal year end."""
    m = "dim_companies"
    return _mart(
        m,
        [
            _unique(m, ["company_id"]),
            *_not_null(m, ["company_id", "document_count"]),
            _between(
                m,
                "fiscal_year_end_month",
                "The fiscal year end month is 1 to 12; every fiscal attribute depends on it.",
                min_value=1,
                max_value=12,
            ),
            _between(
                m,
                "fiscal_year_end_day",
                "The fiscal year end day is a day of a month.",
                min_value=1,
                max_value=31,
            ),
            _between(
                m,
                "document_count",
                "A company is in the warehouse because at least one document names it.",
                min_value=1,
            ),
            _ordered(m, "first_document_published_on", "latest_document_published_on"),
        ],
        ("company_id",),
    )


def dim_documents() -> Suite:
    """The document dimension: versions, statuses and token counts."""
    m = "dim_documents"
    return _mart(
        m,
        [
            _unique(m, ["file_name", "version_number"]),
            *_not_null(m, ["document_id", "file_name", "version_number", "status"]),
            _between(
                m,
                "version_number",
                "Versions of a file are numbered from 1.",
                min_value=1,
            ),
            *[
                _between(m, column, "Counts are never negative.", min_value=0)
                for column in (
                    "figure_count",
                    "token_count",
                    "ignored_token_count",
                    "unparsed_token_count",
                )
            ],
            _ordered(m, "period_start", "period_end"),
        ],
        ("document_id", "file_name", "version_number"),
    )


def fct_kpis() -> Suite:
    """The KPI facts: key, units, percentages in a plausible range."""
    m = "fct_kpis"
    return _mart(
        m,
        [
            _unique(m, ["kpi_fact_id"]),
            *_not_null(
                m,
                [
                    "kpi_fact_id",
                    "kpi_id",
                    "company_id",
                    "document_id",
                    "segment_id",
                    "period_id",
                    "period_end",
                    "value",
                    "is_derived",
                    "input_fact_ids",
                ],
            ),
            _in_set(m, "unit", UNITS, "units"),
            _between(
                m,
                "value",
                "Percent KPIs other than growth stay within +-10000 %, beyond which a scale or "
                "base was misread. Growth over a small base can be any size (an impairment "
                "of 500 that becomes 54,000 grew 10,700 %); a misread scale there shows in "
                "the printed-percent agreement and the identities instead.",
                min_value=-PERCENT_LIMIT,
                max_value=PERCENT_LIMIT,
                check="percent_range",
                where=(("unit", "==", "percent"), ("kpi_id", "!=", "yoy_growth")),
            ),
            _ordered(m, "period_start", "period_end"),
        ],
        ("kpi_fact_id", "document_id", "period_id"),
    )


def dim_kpis() -> Suite:
    """The KPI dimension: one row per KPI, known units."""
    m = "dim_kpis"
    return _mart(
        m,
        [
            _unique(m, ["kpi_id"]),
            *_not_null(m, ["kpi_id", "unit"]),
            _in_set(m, "unit", KPI_UNITS, "KPI units"),
        ],
        ("kpi_id",),
    )


def _statement_report(model: str, with_start: bool) -> Suite:
    expectations = [
        _unique(model, ["document_id", "line_item_id"]),
        *_not_null(model, ["company_id", "document_id", "line_item_id"]),
    ]
    if with_start:
        expectations += [
            _ordered(model, "current_period_start", "current_period_end"),
            _ordered(model, "prior_period_start", "prior_period_end"),
        ]
    else:
        expectations.append(_ordered(model, "prior_period_end", "current_period_end"))
    return _mart(model, expectations, ("document_id", "line_item_id"))


def rpt_statement_lines() -> Suite:
    """The long-form statements: grain and known statements."""
    m = "rpt_statement_lines"
    return _mart(
        m,
        [
            _unique(m, ["company_id", "line_item_id", "period_id"]),
            *_not_null(m, ["company_id", "document_id", "fact_id", "line_item_id", "period_id"]),
            _in_set(m, "statement", PRIMARY_STATEMENTS, "primary statements"),
            _in_set(m, "period_type", PERIOD_TYPES, "period types"),
            _ordered(m, "period_start", "period_end"),
        ],
        ("document_id", "period_id", "line_item_id"),
    )


def mart_suites() -> list[Suite]:
    """One suite per mart, and one of its column types."""
    suites = [
        fct_financial_facts(),
        dim_line_items(),
        dim_segments(),
        dim_periods(),
        dim_companies(),
        dim_documents(),
        fct_kpis(),
        dim_kpis(),
        _statement_report("rpt_income_statement", with_start=True),
        _statement_report("rpt_cash_flows", with_start=True),
        _statement_report("rpt_financial_position", with_start=False),
        rpt_statement_lines(),
    ]
    return [*suites, *(column_types_suite(suite.name) for suite in suites)]


# ---------------------------------------------------------------------------------------
# Domain rules: accounting identities, printed percentages, printings, the token ledger
# ---------------------------------------------------------------------------------------

# (identity name, what it guards, [(line item, weight)]): the weighted sum is zero when the
# identity holds. Costs and taxes are stored positive (sign_rule), hence their -1.
SAME_PERIOD_IDENTITIES: list[tuple[str, str, list[tuple[str, int]]]] = [
    (
        "assets_equal_liabilities_plus_equity",
        "The statement of financial position balances: total assets = liabilities + equity.",
        [("assets", 1), ("liabilities", -1), ("equity", -1)],
    ),
    (
        "liabilities_and_equity_equal_assets",
        "The 'total liabilities and equity' line equals total assets.",
        [("liabilities_and_equity", 1), ("assets", -1)],
    ),
    (
        "owners_plus_nci_equal_equity",
        "Equity attributable to owners + non-controlling interests = total equity.",
        [("equity_attributable_to_owners", 1), ("non_controlling_interests", 1), ("equity", -1)],
    ),
    (
        "revenue_less_cost_of_sales_equals_gross_profit",
        "Revenue - cost of sales = gross profit, per segment and period.",
        [("revenue", 1), ("cost_of_sales", -1), ("gross_profit", -1)],
    ),
    (
        "profit_before_tax_less_tax_equals_profit",
        "Profit before tax - income tax expense = profit for the period.",
        [("profit_before_tax", 1), ("income_tax_expense", -1), ("profit", -1)],
    ),
    (
        "owners_plus_nci_equal_profit",
        "Profit attributable to owners + to non-controlling interests = profit.",
        [("profit_attributable_to_owners", 1), ("profit_attributable_to_nci", 1), ("profit", -1)],
    ),
    (
        "cash_flows_sum_to_net_change",
        "Operating + investing + financing cash flows + FX effect = net change in cash.",
        [
            ("cash_flows_from_operating_activities", 1),
            ("cash_flows_from_investing_activities", 1),
            ("cash_flows_from_financing_activities", 1),
            ("effect_of_exchange_rate_changes", 1),
            ("net_change_in_cash", -1),
        ],
    ),
]
CASH_ROLL_FORWARD = (
    "opening_cash_plus_net_change_equals_closing_cash",
    "Cash at the start of the period + the net change (+ cash from a change in the scope "
    "of consolidation, where printed) = cash at its end (opening = the balance the day "
    "before the period starts).",
)
SEGMENT_IDENTITIES = {
    line_item: (
        f"segments_plus_adjustments_equal_consolidated_{line_item}",
        f"Reportable segments + adjustments = consolidated {line_item.replace('_', ' ')}.",
    )
    for line_item in ("revenue", "operating_profit")
}


def _identity_terms_sql() -> str:
    rows = ",\n".join(
        f"('{name}', '{line_item}', {weight})"
        for name, _, terms in SAME_PERIOD_IDENTITIES
        for line_item, weight in terms
    )
    return rows


# Each identity instance (document, period, segment, scenario, forecast status) is evaluated
# only where every term was reported, as the dbt singular tests do. The tolerance is the
# rounding the printed precision allows: per term half a unit of the coarsest printing among
# the terms, because a total printed in millions was added up from figures rounded to
# millions even where a statement printed some of them to the thousand.
IDENTITIES_SQL = f"""
with
facts as (
    select * from marts.fct_financial_facts where measure = 'value'
),
identity_terms (identity_name, line_item_id, weight) as (
    values {_identity_terms_sql()}
),
expected_terms as (
    select identity_name, count(*) as term_count from identity_terms group by identity_name
),
same_period as (
    select
        t.identity_name, f.document_id, f.company_id, f.period_id, f.segment_id, f.scenario,
        f.forecast_status, f.line_item_id as term, t.weight, f.value, f.decimals,
        e.term_count as expected_count
    from identity_terms as t
    inner join facts as f on t.line_item_id = f.line_item_id
    inner join expected_terms as e on t.identity_name = e.identity_name
),
net_change as (
    select * from facts where line_item_id = 'net_change_in_cash' and period_type = 'duration'
),
cash_roll_forward as (
    select
        '{CASH_ROLL_FORWARD[0]}' as identity_name, n.document_id, n.company_id, n.period_id,
        n.segment_id, n.scenario, n.forecast_status, 'net_change_in_cash' as term,
        1 as weight, n.value, n.decimals, 3 as expected_count, false as is_optional
    from net_change as n
    union all
    select
        '{CASH_ROLL_FORWARD[0]}', n.document_id, n.company_id, n.period_id, n.segment_id,
        n.scenario, n.forecast_status,
        case when c.period_end = n.period_end
            then 'cash_and_cash_equivalents (closing, ' || c.period_id || ')'
            else 'cash_and_cash_equivalents (opening, ' || c.period_id || ')' end,
        case when c.period_end = n.period_end then -1 else 1 end,
        c.value, c.decimals, 3, false
    from net_change as n
    inner join facts as c
        on c.line_item_id = 'cash_and_cash_equivalents'
        and c.period_type = 'instant'
        and c.document_id = n.document_id
        and c.segment_id = n.segment_id
        and c.scenario = n.scenario
        and c.forecast_status is not distinct from n.forecast_status
        and (
            c.period_end = n.period_end
            or c.period_end = cast(n.period_start - interval 1 day as date)
        )
    union all
    -- cash gained or lost by a change in the scope of consolidation, where printed: an
    -- optional term, as in macros/cash_roll_forward_violations.sql
    select
        '{CASH_ROLL_FORWARD[0]}', n.document_id, n.company_id, n.period_id, n.segment_id,
        n.scenario, n.forecast_status, 'cash_change_from_consolidation_scope', 1, s.value,
        s.decimals, 3, true
    from net_change as n
    inner join facts as s
        on s.line_item_id = 'cash_change_from_consolidation_scope'
        and s.document_id = n.document_id
        and s.segment_id = n.segment_id
        and s.scenario = n.scenario
        and s.forecast_status is not distinct from n.forecast_status
        and s.period_id = n.period_id
),
reportable_counts as (
    select company_id, count(*) as segment_count
    from marts.dim_segments where segment_type = 'reportable_segment'
    group by company_id
),
segment_terms as (
    select
        'segments_plus_adjustments_equal_consolidated_' || f.line_item_id as identity_name,
        f.document_id, f.company_id, f.period_id, 'consolidated' as segment_id, f.scenario,
        f.forecast_status, f.line_item_id || ' / ' || f.segment_id as term,
        case s.segment_type when 'consolidated' then 1 else -1 end as weight,
        f.value, f.decimals, s.segment_type
    from facts as f
    inner join marts.dim_segments as s on f.segment_id = s.segment_id
    where
        f.line_item_id in ('revenue', 'operating_profit')
        and s.segment_type in ('consolidated', 'reportable_segment', 'adjustment')
),
-- A segment identity is complete where the consolidated amount and every reportable
-- segment of the company were printed (a revenue line that shares a segment's name is not
-- a segment table); adjustments are optional, as a release omits a nil column.
complete_segment_groups as (
    select g.identity_name, g.document_id, g.period_id, g.scenario, g.forecast_status
    from segment_terms as g
    inner join reportable_counts as r on g.company_id = r.company_id
    group by all
    having
        count(*) filter (where g.segment_type = 'consolidated') = 1
        and count(*) filter (where g.segment_type = 'reportable_segment')
            = any_value(r.segment_count)
),
segment_identity as (
    select
        t.identity_name, t.document_id, t.company_id, t.period_id, t.segment_id, t.scenario,
        t.forecast_status, t.term, t.weight, t.value, t.decimals,
        null::bigint as expected_count
    from segment_terms as t
    inner join complete_segment_groups as g
        on t.identity_name = g.identity_name
        and t.document_id = g.document_id
        and t.period_id = g.period_id
        and t.scenario = g.scenario
        and t.forecast_status is not distinct from g.forecast_status
),
all_terms as (
    select * from same_period
    union all by name select * from cash_roll_forward
    union all by name select * from segment_identity
),
evaluated as (
    select
        identity_name, document_id, company_id, period_id, segment_id, scenario,
        forecast_status,
        string_agg(
            term || ' = ' || case
                when decimals > 0 then value::double::varchar
                else format('{{:,}}', round(value)::hugeint)
            end,
            '; ' order by weight desc, term
        ) as line_items,
        sum(value * weight)::double as difference,
        (count(*) * power(10, -min(decimals)) / 2)::double as tolerance,
        count(*) filter (where is_optional is not true) as term_count,
        any_value(expected_count) as expected_count
    from all_terms
    group by all_terms.identity_name, document_id, company_id, period_id, segment_id,
        scenario, forecast_status
)
select
    identity_name, document_id, period_id, segment_id, scenario, forecast_status, line_items,
    difference, tolerance, abs(difference) - tolerance as excess
from evaluated
where expected_count is null or term_count = expected_count
order by identity_name, document_id, period_id, segment_id
"""


def _describe_identity(row: Row) -> str:
    return (
        f"{row['identity_name']} does not hold for document {row['document_id']}, period "
        f"{row['period_id']}, segment {row['segment_id']} ({row['scenario']}): "
        f"{row['line_items']}; difference {row['difference']:,.0f} exceeds the rounding "
        f"tolerance {row['tolerance']:,.0f} by {row['excess']:,.0f}"
    )


def identity_suites() -> list[Suite]:
    """One suite per accounting identity, each over its rows of :data:`IDENTITIES_SQL`."""
    identities = [(name, guards) for name, guards, _ in SAME_PERIOD_IDENTITIES]
    identities.append(CASH_ROLL_FORWARD)
    identities.extend(SEGMENT_IDENTITIES.values())
    return [
        Suite(
            name=f"identity.{name}",
            sql=f"select * from ({IDENTITIES_SQL}) where identity_name = '{name}'",
            expectations=[
                expect(
                    "ExpectColumnValuesToBeBetween",
                    f"identity.{name}",
                    guards,
                    column="excess",
                    max_value=0,
                )
            ],
            context_columns=("document_id", "period_id", "segment_id", "line_items"),
            describe=_describe_identity,
            amount_column="difference",
            required_tables=("marts.fct_financial_facts", "marts.dim_segments"),
        )
        for name, guards in identities
    ]


# fct_kpis compares each printed percentage (yoy_growth, equity_ratio, gross_margin) with
# the one computed from the facts. The tolerance is half a unit of the printed percentage
# plus what rounding the two inputs allows: the value is 100 * (a / b) or 100 * (a / b - 1),
# so an input off by u_a and u_b moves it by up to 100 * (u_a / |b| + |a| * u_b / b^2).
# Without the second term the bundled release fails: ATM gross profit of 534 and 470
# million (printed in millions) gives 13.62 %, the release prints 13.5 %, and 534 and 470
# are themselves within half a million of the amounts the company divided.
PRINTED_PERCENT_SQL = """
with
kpis as (
    select *, string_split(input_fact_ids, ',') as ids
    from marts.fct_kpis
    where reported_value is not null
),
facts as (select * from marts.fct_financial_facts),
joined as (
    select
        k.kpi_id, k.document_id, k.period_id, k.segment_id,
        coalesce(k.line_item_id, a.line_item_id || ' / ' || b.line_item_id) as line_item_id,
        k.value::double as computed, k.reported_value::double as printed,
        a.value::double as a, b.value::double as b,
        power(10, -a.decimals) / 2 as ua, power(10, -b.decimals) / 2 as ub,
        power(10, -p.decimals) / 2 as up
    from kpis as k
    inner join facts as a on a.fact_id = k.ids[1]
    inner join facts as b on b.fact_id = k.ids[2]
    inner join facts as p on p.fact_id = k.ids[len(k.ids)]
)
select
    kpi_id, document_id, period_id, segment_id, line_item_id, printed, computed,
    computed - printed as difference,
    up + 100 * (ua / abs(b) + abs(a) * ub / (b * b)) as tolerance,
    abs(computed - printed) - (up + 100 * (ua / abs(b) + abs(a) * ub / (b * b))) as excess
from joined
where b <> 0
order by kpi_id, document_id, period_id, line_item_id, segment_id
"""


def printed_percent_suite() -> Suite:
    """Printed YoY % and ratios agree with the values they compare."""
    return Suite(
        name="kpi.printed_percent_agrees",
        sql=PRINTED_PERCENT_SQL,
        expectations=[
            expect(
                "ExpectColumnValuesToBeBetween",
                "kpi.printed_percent_agrees",
                "A printed YoY % or ratio agrees with the two amounts it compares, within "
                "the rounding of all three, so a misread sign, scale or line item shows.",
                column="excess",
                max_value=0,
            )
        ],
        context_columns=("document_id", "period_id", "line_item_id", "segment_id"),
        describe=lambda r: (
            f"{r['kpi_id']} of {r['line_item_id']} / {r['segment_id']} in document "
            f"{r['document_id']}, period {r['period_id']}: printed {r['printed']:.2f} %, "
            f"computed {r['computed']:.4f} %, off by {r['difference']:+.4f} points "
            f"({r['excess']:.4f} beyond the tolerance {r['tolerance']:.4f})"
        ),
        amount_column="difference",
        required_tables=("marts.fct_kpis", "marts.fct_financial_facts"),
    )


PRINTINGS_SQL = """
select
    document_id, line_item_id, segment_id,
    case period_type
        when 'instant' then 'I' || period_end
        else 'D' || period_start || '_' || period_end
    end as period_id,
    scenario, measure,
    value::double as value, decimals, disagreeing_printings, printings_agree
from intermediate.int_facts_merged
order by document_id, line_item_id, segment_id, period_end
"""


def printings_suite() -> Suite:
    """Every printing of a fact agrees with the kept one after rounding (a warning)."""
    return Suite(
        name="printings_agree",
        sql=PRINTINGS_SQL,
        expectations=[
            expect(
                "ExpectColumnValuesToBeInSet",
                "facts.printings_agree",
                "The same figure printed at several precisions agrees after rounding; a "
                "release can contradict itself, so this warns and the most precise is kept.",
                blocking=False,
                column="printings_agree",
                value_set=[True],
            )
        ],
        context_columns=("document_id", "period_id", "line_item_id", "segment_id"),
        describe=lambda r: (
            f"{r['line_item_id']} / {r['segment_id']} in document {r['document_id']}, period "
            f"{r['period_id']}: kept {r['value']:,.0f} (decimals {r['decimals']}), other "
            f"printings disagree: {r['disagreeing_printings']}"
        ),
        required_tables=("intermediate.int_facts_merged",),
    )


TOKENS_SQL = """
select
    d.document_id,
    d.file_name,
    count(t.document_id) as unparsed_count,
    coalesce(
        string_agg(
            '"' || t.text || '" (line ' || t.line_number || ': ' || coalesce(t.reason, '?')
            || ')', '; ' order by t.token_index
        ),
        ''
    ) as tokens
from raw.documents as d
left join raw.tokens as t on d.document_id = t.document_id and t.status = 'unparsed'
group by d.document_id, d.file_name
order by d.document_id
"""


def token_ledger_suite() -> Suite:
    """Documents whose token ledger has unparsed tokens (a warning that lists them)."""
    return Suite(
        name="token_ledger",
        sql=TOKENS_SQL,
        expectations=[
            expect(
                "ExpectColumnValuesToBeBetween",
                "tokens.unparsed",
                "Every number a release prints is a figure or deliberately ignored; an "
                "unparsed token may be a figure the warehouse is missing.",
                blocking=False,
                column="unparsed_count",
                max_value=0,
            )
        ],
        context_columns=("document_id", "file_name"),
        describe=lambda r: (
            f"document {r['document_id']} ({r['file_name']}): {r['unparsed_count']} unparsed "
            f"token(s): {r['tokens']}"
        ),
        amount_column="unparsed_count",
        required_tables=("raw.documents", "raw.tokens"),
    )


def domain_suites() -> list[Suite]:
    """The business rules: identities, printed percentages, printings, token ledger."""
    return [
        *identity_suites(),
        printed_percent_suite(),
        printings_suite(),
        token_ledger_suite(),
    ]


def all_suites() -> list[Suite]:
    """Every suite the validation runs, marts first."""
    return [*mart_suites(), *domain_suites()]
