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

Given a :class:`Baseline`, a warehouse that passed these same suites, a suite whose checks
each judge a row on its own reads only the rows that differ from the baseline's (a row
unchanged since passed there); a suite with a check of a whole column (uniqueness, the set
of a column's values) reads none if its frame is the baseline's, else every row; a suite
that failed on the baseline reads every row.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
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
from orchestration.sql import identifier, string_literal

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


# The name the baseline's file goes by in the connection that reads the frames.
_BASELINE_ALIAS = "validation_baseline"


@dataclass(frozen=True)
class Baseline:
    """A warehouse file that passed the same suites: every check but ``failed_checks``.

    ``described`` says which warehouse it is, for the report ("the warehouse published by
    run ...").
    """

    warehouse: Path
    described: str
    failed_checks: frozenset[str] = frozenset()

    def passed(self, suite: Suite) -> bool:
        """Whether every check of the suite passed on this warehouse."""
        return not any(check.check_id in self.failed_checks for check in suite.expectations)


@dataclass(frozen=True)
class Frame:
    """The rows a suite validates: all of its query's, or (``changed_only``) those that
    differ from the baseline's."""

    rows: pd.DataFrame
    changed_only: bool = False


def _read_frames(
    path: Path, suites: list[Suite], baseline: Baseline | None = None
) -> dict[str, Frame | str]:
    """Each suite's frame, or why it could not be read; the files are open only meanwhile.

    With a ``baseline``, a suite that passed there reads less (:func:`_frame_since`).
    """
    frames: dict[str, Frame | str] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        present = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        ((catalog,),) = con.execute("select current_database()").fetchall()
        if baseline is not None:
            _attach_baseline(con, baseline)
        snapshots = _Snapshots(con, suites)
        for suite in suites:
            missing = [t for t in suite.required_tables if t not in present]
            if missing:
                frames[suite.name] = f"missing table(s): {', '.join(missing)}"
                continue
            try:
                query = snapshots.query(suite, catalog)
                if baseline is not None and baseline.passed(suite):
                    baseline_query = snapshots.query(suite, _BASELINE_ALIAS)
                    frames[suite.name] = _frame_since(con, query, baseline_query, suite, catalog)
                else:
                    frames[suite.name] = Frame(con.sql(query).df())
            except duckdb.Error as error:
                frames[suite.name] = f"query failed: {str(error).splitlines()[0]}"
    return frames


class _Snapshots:
    """The views that several suites filter (``Suite.source``), each read once per database
    of the connection into a temporary table, and the suites' queries on those tables.

    A view whose snapshot cannot be taken (it fails, or that database lacks it) leaves the
    suites' queries as they are, to fail or not on their own as they would without it.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, suites: list[Suite]) -> None:
        self._con = con
        readers = Counter(suite.source for suite in suites if suite.source)
        self._shared = {source for source, count in readers.items() if count > 1}
        self._tables: dict[tuple[str, str], str | None] = {}

    def query(self, suite: Suite, catalog: str) -> str:
        """``suite.sql`` as it reads database ``catalog``, from the snapshot if there is one."""
        if suite.source not in self._shared:
            return suite.sql
        table = self._table(suite.source, catalog)
        return suite.sql if table is None else suite.sql.replace(suite.source, table)

    def _table(self, source: str, catalog: str) -> str | None:
        key = (source, catalog)
        if key not in self._tables:
            table = f"temp.main.snapshot_{len(self._tables)}"
            try:
                self._con.execute(
                    f"create temp table {table.removeprefix('temp.main.')} as "
                    f"select * from {identifier(catalog)}.{source}"
                )
            except duckdb.Error:
                table = None
            self._tables[key] = table
        return self._tables[key]


def _frame_since(
    con: duckdb.DuckDBPyConnection, query: str, baseline_query: str, suite: Suite, catalog: str
) -> Frame:
    """The frame of a suite that passed on the attached baseline: its ``query``, read in
    ``catalog``, whose rows on the baseline ``baseline_query`` gives.

    A suite whose checks each judge a row on its own reads only the rows of its query that
    its query does not give on the baseline: a row it gives there passed there. Any other
    suite reads none if its query gives the same rows, as often each, as on the baseline
    (the same frame has the same outcome), and every row otherwise. Rows are matched by
    DuckDB's 64-bit ``hash`` of the whole row: a changed row is taken for an unchanged one
    only if its hash is that of a baseline row of the same query (odds about 1 in 10^14 per
    row at 200,000 rows). A suite whose query fails on the baseline reads every row.
    """
    counted = "select hash(r) as row_hash, count(*) as copies from ({}) as r group by all"
    con.execute(f"use {_BASELINE_ALIAS}")
    try:
        con.execute(
            f"create or replace temp table baseline_rows as {counted.format(baseline_query)}"
        )
        baseline_read = True
    except duckdb.Error:
        baseline_read = False
    finally:
        con.execute(f"use {identifier(catalog)}")
    if not baseline_read:
        # the baseline cannot give this frame, so it says nothing of it: read every row
        return Frame(con.sql(query).df())
    if suite.judges_rows_alone:
        changed = con.sql(
            f"select r.* from ({query}) as r "
            "anti join temp.main.baseline_rows as b on hash(r) = b.row_hash"
        )
        return Frame(changed.df(), changed_only=True)
    differences = con.execute(
        f"select count(*) from (({counted.format(query)}) "
        "except (select * from temp.main.baseline_rows)) "
        f"union all select count(*) from ((select * from temp.main.baseline_rows) "
        f"except ({counted.format(query)}))"
    ).fetchall()
    if any(count for (count,) in differences):
        return Frame(con.sql(query).df())
    return Frame(pd.DataFrame(), changed_only=True)


def _attach_baseline(con: duckdb.DuckDBPyConnection, baseline: Baseline) -> None:
    """Attach the baseline's file read-only, or raise saying why it cannot be."""
    try:
        con.execute(f"attach {string_literal(baseline.warehouse)} as {_BASELINE_ALIAS} (read_only)")
    except duckdb.Error as error:
        raise BaselineUnreadableError(
            f"{baseline.warehouse}: cannot be read as the validation's baseline "
            f"({str(error).splitlines()[0]})"
        ) from error


class BaselineUnreadableError(RuntimeError):
    """The baseline's file could not be opened (validate without it)."""


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


def _outcome_of_every_check(suite: Suite, **outcome: Any) -> list[CheckResult]:
    """One result per check of ``suite``, each with the same ``outcome`` (CheckResult's
    fields): for a suite Great Expectations does not run."""
    return [
        CheckResult(
            check_id=e.check_id,
            suite=suite.name,
            expectation_type=e.expectation_type,
            guards=e.guards,
            blocking=e.blocking,
            **outcome,
        )
        for e in suite.expectations
    ]


def validate_warehouse(
    path: Path, suites: list[Suite] | None = None, baseline: Baseline | None = None
) -> ValidationReport:
    """Validate the DuckDB warehouse at ``path`` (opened read-only) and return the results.

    ``suites`` defaults to every suite in :mod:`expectations.suites`. With a ``baseline``
    (a warehouse that passed the same suites), the suites it covers check only the rows that
    differ from it (:func:`_read_frames`); :class:`BaselineUnreadableError` if its file
    cannot be opened. The databases are closed before Great Expectations runs, so the call
    holds no lock on them afterwards.
    """
    started = time.monotonic()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    context = _gx_context()

    from expectations.suites import all_suites

    suites = all_suites() if suites is None else suites
    frames = _read_frames(path, suites, baseline)

    source = context.data_sources.add_pandas("warehouse")
    checks: list[CheckResult] = []
    for suite in suites:
        frame = frames[suite.name]
        if isinstance(frame, str):
            # the frame could not be read: every check fails, saying why
            checks.extend(_outcome_of_every_check(suite, success=False, error=frame))
        elif frame.changed_only and frame.rows.empty:
            # no row differs from the baseline's, which passed every check of the suite
            checks.extend(
                _outcome_of_every_check(
                    suite,
                    success=True,
                    evaluated_rows=0,
                    unexpected_count=0,
                    changed_rows_only=True,
                )
            )
        else:
            checks.extend(_validate_frame(source, suite, frame))
    return ValidationReport(
        warehouse=str(path),
        started_at=started_at,
        elapsed_seconds=time.monotonic() - started,
        checks=checks,
        compared_with=baseline.described if baseline is not None else None,
    )


def _validate_frame(source: Any, suite: Suite, frame: Frame) -> list[CheckResult]:
    """Run one suite's expectations on its frame with Great Expectations."""
    import great_expectations as gx

    batch = (
        source.add_dataframe_asset(suite.name)
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": frame.rows})
    )
    gx_suite = gx.ExpectationSuite(
        name=suite.name, expectations=[check.expectation() for check in suite.expectations]
    )
    # COMPLETE: the index of every failing row, to say which document and period fail.
    outcome = batch.validate(gx_suite, result_format={"result_format": "COMPLETE"})
    checks = []
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
                evaluated_rows=result.get("element_count", len(frame.rows)),
                unexpected_count=result.get("unexpected_count"),
                observed=None if observed is None else str(observed),
                failures=[]
                if item.success
                else _failures(suite, config.kwargs, frame.rows, result),
                error=exception.get("exception_message") if raised else None,
                changed_rows_only=frame.changed_only,
            )
        )
    return checks


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
