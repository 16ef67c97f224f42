"""The expectations, as Python code: one suite per mart and one per domain rule.

A suite here is a :class:`Suite`: the name of a frame to validate (the columns of a mart it
checks, or the rows of a dbt model of ``models/audit/`` that evaluates a domain rule on the
marts), the one-line query that reads it, and a list of :class:`Check`: a Great
Expectations expectation written as data (its class name and arguments). Every check
carries a stable ``check_id`` (what the report and the asset checks key on), ``guards``
(one sentence: what it protects) and ``blocking`` (whether a failure must stop publishing).

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

# libyaml's safe loader where PyYAML was built with it (its wheels are), else the Python one
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# the comparisons a check's rows may be chosen by (Check.where)
_COMPARISONS = {"==": operator.eq, "!=": operator.ne}

# Great Expectations' expectations that judge each row on its own (no ``mostly``): a frame
# passes one when every row does, so a validation may read only the rows that differ from a
# warehouse that passed it (``expectations.run.Baseline``). Any other kind (uniqueness, a
# column's distinct values, a share of rows) judges the whole column and reads every row.
ROW_BY_ROW_KINDS = frozenset(
    {
        "ExpectColumnValuesToNotBeNull",
        "ExpectColumnValuesToBeNull",
        "ExpectColumnValuesToBeBetween",
        "ExpectColumnValuesToBeInSet",
        "ExpectColumnValuesToNotBeInSet",
        "ExpectColumnValuesToMatchRegex",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        "ExpectColumnPairValuesToBeEqual",
    }
)


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
    def judges_rows_alone(self) -> bool:
        """Whether each row passes or fails on its own (``ROW_BY_ROW_KINDS``, every row)."""
        return self.kind in ROW_BY_ROW_KINDS and self.kwargs.get("mostly", 1) == 1

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
    # The view ``sql`` selects from, as ``sql`` names it, when several suites filter one view:
    # a validation then reads the view once (expectations.run._Snapshots), not once a suite.
    source: str | None = None

    @property
    def judges_rows_alone(self) -> bool:
        """Whether every check of the suite judges each row on its own."""
        return all(check.judges_rows_alone for check in self.expectations)


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


def _seed_rows(seed: str) -> list[Row]:
    """The rows of a dbt seed (``seeds/<seed>.csv``), as written."""
    with (PROJECT_DIR / "seeds" / f"{seed}.csv").open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def _seed_column(seed: str, column: str) -> list[str]:
    """One column of a dbt seed (``seeds/<seed>.csv``): the one list the models test against."""
    return [row[column] for row in _seed_rows(seed)]


@cache
def _dbt_vars() -> dict[str, Any]:
    """The vars of dbt_project.yml, read once (a dozen constants below read them)."""
    text = (PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8")
    project = yaml.load(text, Loader=_YAML_LOADER)
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


@cache
def _model_spec(model: str) -> dict[str, Any]:
    """A mart's entry in its properties file (``models/marts/_<model>.yml``), as written;
    read once (the suites ask for each mart's many times), so treat it as read-only."""
    text = (MARTS_DIR / f"_{model}.yml").read_text(encoding="utf-8")
    spec = yaml.load(text, Loader=_YAML_LOADER)
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
        sql=f"select column_name, data_type, case column_name {cases} end as contract_type "
        "from information_schema.columns where table_catalog = current_database() "
        f"and table_schema = 'marts' and table_name = '{model}'",
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
                "A count of the company's documents in the folder: 0 once all have left it "
                "(their withdrawn rows in dim_documents still name the company).",
                min_value=0,
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
# Each rule is evaluated on the warehouse by a dbt model of models/audit/ (views in the schema
# ``audit``), one row per instance; a suite reads those rows and checks them. The identities
# are seeds/accounting_identities.csv, evaluated by macros/accounting_identities.sql, which
# also quarantines a document before publishing (int_identity_failures): one definition for
# both, and the SQL in .sql files that sqlfluff lints.


def _describe_identity(row: Row) -> str:
    return (
        f"{row['identity_name']} does not hold for document {row['document_id']}, period "
        f"{row['period_id']}, segment {row['segment_id']} ({row['scenario']}): "
        f"{row['line_items']}; difference {row['difference']:,.0f} exceeds the rounding "
        f"tolerance {row['tolerance']:,.0f} by {row['excess']:,.0f}"
    )


def identity_suites() -> list[Suite]:
    """One suite per accounting identity of seeds/accounting_identities.csv, over its rows
    of ``audit.audit_accounting_identities``; its description is what the check guards."""
    return [
        Suite(
            name=f"identity.{identity['identity_name']}",
            sql="select * from audit.audit_accounting_identities "
            f"where identity_name = '{identity['identity_name']}' "
            "order by document_id, period_id, segment_id",
            source="audit.audit_accounting_identities",
            expectations=[
                expect(
                    "ExpectColumnValuesToBeBetween",
                    f"identity.{identity['identity_name']}",
                    identity["description"],
                    column="excess",
                    max_value=0,
                )
            ],
            context_columns=("document_id", "period_id", "segment_id", "line_items"),
            describe=_describe_identity,
            amount_column="difference",
            required_tables=(
                "marts.fct_financial_facts",
                "marts.dim_segments",
                "audit.audit_accounting_identities",
            ),
        )
        for identity in _seed_rows("accounting_identities")
    ]


def printed_percent_suite() -> Suite:
    """Printed YoY % and ratios agree with the values they compare
    (``audit.audit_printed_percentages`` holds the tolerance the rounding allows)."""
    return Suite(
        name="kpi.printed_percent_agrees",
        sql="select * from audit.audit_printed_percentages "
        "order by kpi_id, document_id, period_id, line_item_id, segment_id",
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
        required_tables=(
            "marts.fct_kpis",
            "marts.fct_financial_facts",
            "audit.audit_printed_percentages",
        ),
    )


def printings_suite() -> Suite:
    """Every printing of a fact agrees with the kept one after rounding (a warning)."""
    return Suite(
        name="printings_agree",
        sql="select * from audit.audit_fact_printings "
        "order by document_id, line_item_id, segment_id, period_end",
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
        required_tables=("intermediate.int_facts_merged", "audit.audit_fact_printings"),
    )


def token_ledger_suite() -> Suite:
    """Documents whose token ledger has unparsed tokens (a warning that lists them)."""
    return Suite(
        name="token_ledger",
        sql="select * from audit.audit_token_ledgers order by document_id",
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
        required_tables=("raw.documents", "raw.tokens", "audit.audit_token_ledgers"),
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
