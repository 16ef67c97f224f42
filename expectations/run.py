"""Run every suite on a warehouse file and write the report.

``python -m expectations.run [--warehouse PATH] [--report-dir DIR]`` validates the published
warehouse (``WAREHOUSE_PATH``, default ``data/warehouse/disclosures.duckdb``), writes
``report.html`` and ``results.json`` to ``DIR`` (default: ``validation/`` beside the
warehouse, i.e. ``data/warehouse/validation``; ``<name>_validation/`` beside a warehouse
``<name>.duckdb`` of another name), prints a summary and exits with 1 when a blocking check
failed.

Great Expectations runs the pandas route (its SQL data source evaluates nothing on DuckDB):
each frame is read with DuckDB, then validated in an ephemeral context, so no ``gx/`` folder
is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from expectations.report import (
    CheckResult,
    Failure,
    ValidationReport,
    summary_text,
    write_report,
)

if TYPE_CHECKING:
    from expectations.suites import Suite


def _gx_context() -> Any:
    """An ephemeral GX context with analytics and progress bars off."""
    from orchestration.settings import TELEMETRY_ENVIRONMENT

    # Read by GX when it is first imported and when a context starts, so set it before both.
    for name, value in TELEMETRY_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _read_frames(path: Path, suites: list[Suite]) -> dict[str, pd.DataFrame | str]:
    """Each suite's frame, or why it could not be read; the file is open only meanwhile."""
    frames: dict[str, pd.DataFrame | str] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        present = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        for suite in suites:
            missing = [t for t in suite.required_tables if t not in present]
            if missing:
                frames[suite.name] = f"missing table(s): {', '.join(missing)}"
                continue
            try:
                frames[suite.name] = con.sql(suite.sql).df()
            except duckdb.Error as error:
                frames[suite.name] = f"query failed: {str(error).splitlines()[0]}"
    return frames


def _clean(value: Any) -> Any:
    """Missing values (NaN, NaT, NA) become None, timestamps dates, for messages and JSON."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return value


def _generic_message(suite: Suite, kwargs: dict[str, Any], row: dict[str, Any]) -> str:
    """Say what is wrong with a row of a mart, naming the row by its context columns."""
    where = ", ".join(f"{c}={row.get(c)}" for c in suite.context_columns if c in row)
    if "column_list" in kwargs:
        values = ", ".join(f"{c}={row.get(c)}" for c in kwargs["column_list"])
        what = f"duplicate key ({values})"
    elif "column_A" in kwargs:
        a, b = kwargs["column_A"], kwargs["column_B"]
        what = f"{b}={row.get(b)} is after {a}={row.get(a)}"
    else:
        column = kwargs["column"]
        value = row.get(column)
        if "value_set" in kwargs:
            what = f"{column}={value!r} is not one of {kwargs['value_set']}"
        elif "min_value" in kwargs or "max_value" in kwargs:
            what = (
                f"{column}={value} is outside "
                f"[{kwargs.get('min_value')}, {kwargs.get('max_value')}]"
            )
        elif value is None:
            what = f"{column} is null"
        else:
            what = f"{column}={value!r} is repeated"
    return f"marts.{suite.name}: {what} ({where})" if where else f"marts.{suite.name}: {what}"


def _failures(
    suite: Suite, kwargs: dict[str, Any], frame: pd.DataFrame, result: dict[str, Any]
) -> list[Failure]:
    """The offending rows of a failed expectation, located and described."""
    if "value_set" in kwargs and "column" in kwargs and "unexpected_index_list" not in result:
        # a set expectation over the whole column: say which values are missing or extra
        expected, observed = set(kwargs["value_set"]), set(frame[kwargs["column"]].dropna())
        table = suite.required_tables[0]
        return [
            Failure(
                message=f"{table}: {kwargs['column']} lacks {sorted(expected - observed)} "
                f"and has {sorted(observed - expected)} beyond its contract's list"
            )
        ]
    failures = []
    for index in result.get("unexpected_index_list") or []:
        row = {k: _clean(v) for k, v in frame.loc[index].to_dict().items()}
        message = suite.describe(row) if suite.describe else _generic_message(suite, kwargs, row)
        amount = row.get(suite.amount_column) if suite.amount_column else None
        failures.append(
            Failure(
                message=message,
                document_id=row.get("document_id"),
                period_id=row.get("period_id"),
                line_items=row.get("line_items") or row.get("line_item_id"),
                amount=float(amount) if amount is not None else None,
            )
        )
    return failures


def _not_evaluated(suite: Suite, reason: str) -> list[CheckResult]:
    """Every check of a suite whose frame could not be read fails with the reason."""
    return [
        CheckResult(
            check_id=e.check_id,
            suite=suite.name,
            expectation_type=e.expectation_type,
            guards=e.guards,
            blocking=e.blocking,
            success=False,
            error=reason,
        )
        for e in suite.expectations
    ]


def validate_warehouse(path: Path, suites: list[Suite] | None = None) -> ValidationReport:
    """Validate the DuckDB warehouse at ``path`` (opened read-only) and return the results.

    ``suites`` defaults to every suite in :mod:`expectations.suites`. The database is closed
    before Great Expectations runs, so the call holds no lock on it afterwards.
    """
    started = time.monotonic()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    context = _gx_context()
    import great_expectations as gx

    from expectations.suites import all_suites

    suites = all_suites() if suites is None else suites
    frames = _read_frames(path, suites)

    source = context.data_sources.add_pandas("warehouse")
    checks: list[CheckResult] = []
    for suite in suites:
        frame = frames[suite.name]
        if isinstance(frame, str):
            checks.extend(_not_evaluated(suite, frame))
            continue
        batch = source.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe("whole")
        gx_suite = context.suites.add(
            gx.ExpectationSuite(
                name=suite.name, expectations=[check.expectation() for check in suite.expectations]
            )
        )
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite)
        )
        # COMPLETE: the index of every failing row, to say which document and period fail.
        outcome = definition.run(
            batch_parameters={"dataframe": frame}, result_format={"result_format": "COMPLETE"}
        )
        for item in outcome.results:
            config = item.expectation_config
            exception = item.exception_info or {}
            raised = exception.get("raised_exception") if isinstance(exception, dict) else None
            result = item.result or {}
            observed = result.get("observed_value")
            checks.append(
                CheckResult(
                    check_id=config.meta["check_id"],
                    suite=suite.name,
                    expectation_type=config.type,
                    guards=config.meta["guards"],
                    blocking=config.meta["blocking"],
                    success=bool(item.success),
                    evaluated_rows=result.get("element_count", len(frame)),
                    unexpected_count=result.get("unexpected_count"),
                    observed=None if observed is None else str(observed),
                    failures=[] if item.success else _failures(suite, config.kwargs, frame, result),
                    error=exception.get("exception_message") if raised else None,
                )
            )
    return ValidationReport(
        warehouse=str(path),
        started_at=started_at,
        elapsed_seconds=time.monotonic() - started,
        checks=checks,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: validate, write the report, print the summary; 1 if a check blocks."""
    from orchestration import settings

    parser = argparse.ArgumentParser(
        prog="python -m expectations.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--warehouse", type=Path, default=None, help="DuckDB file to validate")
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=None,
        help="where report.html and results.json go (default: validation/ beside the warehouse)",
    )
    args = parser.parse_args(argv)
    warehouse = args.warehouse or settings.warehouse_path()
    if not warehouse.exists():
        parser.error(f"no warehouse at {warehouse}; run `make run` first")
    report_dir = args.report_dir or warehouse.parent / settings.state_name(warehouse, "validation")

    report = validate_warehouse(warehouse)
    html_path, json_path = write_report(report, report_dir)
    print(summary_text(report))
    print(f"  report: {html_path}\n  results: {json_path}")
    return 0 if report.success else 1


if __name__ == "__main__":
    sys.exit(main())
