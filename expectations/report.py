"""Validation results as data, as a self-contained HTML page, as JSON and as plain text.

No Great Expectations import here: the report is built from the plain dataclasses that
:func:`expectations.run.validate_warehouse` returns, so an asset check or a test can use
them without the GX machinery.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

# Failing rows listed per check; the count says how many there were in all.
MAX_LISTED_FAILURES = 50


@dataclass(frozen=True)
class Failure:
    """One offending row: where it is and by how much it misses."""

    message: str
    document_id: str | None = None
    period_id: str | None = None
    line_items: str | None = None
    amount: float | None = None


@dataclass
class CheckResult:
    """The outcome of one expectation (one ``check_id``)."""

    check_id: str
    suite: str
    expectation_type: str
    guards: str
    blocking: bool
    success: bool
    evaluated_rows: int | None = None
    unexpected_count: int | None = None
    observed: str | None = None
    failures: list[Failure] = field(default_factory=list)
    error: str | None = None
    # evaluated_rows counts only the rows that differ from the report's baseline
    changed_rows_only: bool = False

    @property
    def severity(self) -> str:
        """'error' for a blocking check, 'warning' otherwise."""
        return "error" if self.blocking else "warning"


@dataclass
class ValidationReport:
    """Every check run on one warehouse file."""

    warehouse: str
    started_at: str
    elapsed_seconds: float
    checks: list[CheckResult] = field(default_factory=list)
    # the warehouse that passed these suites, whose unchanged rows were not read again
    # (expectations.run.Baseline.described); None: every row was read
    compared_with: str | None = None

    @property
    def blocking_failures(self) -> list[CheckResult]:
        """Failed checks that must stop publishing."""
        return [c for c in self.checks if c.blocking and not c.success]

    @property
    def warnings(self) -> list[CheckResult]:
        """Failed checks that are reported but do not block."""
        return [c for c in self.checks if not c.blocking and not c.success]

    @property
    def success(self) -> bool:
        """True when no blocking check failed."""
        return not self.blocking_failures

    def check(self, check_id: str) -> CheckResult:
        """The result of one check, by its stable id."""
        for result in self.checks:
            if result.check_id == check_id:
                return result
        raise KeyError(check_id)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the content of ``results.json``)."""
        return {
            "warehouse": self.warehouse,
            "started_at": self.started_at,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "compared_with": self.compared_with,
            "success": self.success,
            "checks_run": len(self.checks),
            "blocking_failures": [c.check_id for c in self.blocking_failures],
            "warnings": [c.check_id for c in self.warnings],
            "checks": [asdict(c) | {"severity": c.severity} for c in self.checks],
        }


def summary_text(report: ValidationReport) -> str:
    """The facts of the report in words, for stdout and logs."""
    passed = sum(c.success for c in report.checks)
    lines = [
        f"Validation of {report.warehouse}: "
        + ("PASSED" if report.success else "FAILED")
        + f" in {report.elapsed_seconds:.1f} s",
        f"  checks run: {len(report.checks)}, passed: {passed}, "
        f"blocking failures: {len(report.blocking_failures)}, "
        f"warnings: {len(report.warnings)}",
    ]
    if report.compared_with is not None:
        lines.append(f"  {_scope(report)}")
    for title, checks in (
        ("Blocking failures", report.blocking_failures),
        ("Warnings", report.warnings),
    ):
        if not checks:
            continue
        lines.append(f"{title}:")
        for check in checks:
            lines.append(f"  [{check.check_id}] {_headline(check)}")
            lines.append(f"    guards: {check.guards}")
            lines.extend(f"    - {f.message}" for f in check.failures[:MAX_LISTED_FAILURES])
            hidden = len(check.failures) - MAX_LISTED_FAILURES
            if hidden > 0:
                lines.append(f"    ... and {hidden} more")
    return "\n".join(lines)


def _scope(report: ValidationReport) -> str:
    """Which rows the checks read, when not every row."""
    return (
        "rows checked: where a suite's checks each judge a row on its own, only the rows that "
        f"differ from the baseline ({report.compared_with}); in the other suites none if "
        "their rows are the baseline's, else every row"
    )


def _headline(check: CheckResult) -> str:
    if check.error:
        return f"could not be evaluated: {check.error}"
    if check.unexpected_count:
        of = f" of {check.evaluated_rows}" if check.evaluated_rows is not None else ""
        return f"{check.unexpected_count}{of} rows fail"
    return check.observed or "failed"


def write_report(report: ValidationReport, report_dir: Path) -> tuple[Path, Path]:
    """Write ``report.html`` and ``results.json`` into ``report_dir``; return both paths."""
    report_dir.mkdir(parents=True, exist_ok=True)
    html_path = report_dir / "report.html"
    json_path = report_dir / "results.json"
    html_path.write_text(render_html(report), encoding="utf-8")
    json_path.write_text(
        json.dumps(report.to_dict(), indent=2, default=str) + "\n", encoding="utf-8"
    )
    return html_path, json_path


# Inline only: the page must open offline, so no stylesheet, font or script is fetched.
_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
       color: #1d2125; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; }
h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
.meta { color: #57606a; }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: .3rem;
         font-weight: 600; font-size: .8rem; }
.pass { background: #dafbe1; color: #1a7f37; }
.error { background: #ffebe9; color: #cf222e; }
.warning { background: #fff8c5; color: #9a6700; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eaeef2;
         vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.failure { border: 1px solid #d0d7de; border-radius: .4rem; padding: .6rem 1rem;
           margin: 1rem 0; }
.failure.error { border-left: 4px solid #cf222e; background: none; color: inherit; }
.failure.warning { border-left: 4px solid #bf8700; background: none; color: inherit; }
code { font-size: .9em; }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _amount(value: float | None) -> str:
    """Yen amounts as whole numbers with separators, percentage points to four places."""
    if value is None:
        return ""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.4f}"


def _status_badge(check: CheckResult) -> str:
    if check.success:
        return '<span class="badge pass">pass</span>'
    return f'<span class="badge {check.severity}">{check.severity}</span>'


def _failure_section(check: CheckResult) -> str:
    rows = "".join(
        "<tr>"
        f"<td>{_e(f.document_id)}</td><td>{_e(f.period_id)}</td><td>{_e(f.line_items)}</td>"
        f'<td class="num">{_amount(f.amount)}</td>'
        f"<td>{_e(f.message)}</td></tr>"
        for f in check.failures[:MAX_LISTED_FAILURES]
    )
    hidden = len(check.failures) - MAX_LISTED_FAILURES
    more = f"<p>... and {hidden} more (see results.json).</p>" if hidden > 0 else ""
    table = (
        "<table><tr><th>document</th><th>period</th><th>line items</th><th>by</th>"
        f"<th>what is wrong</th></tr>{rows}</table>{more}"
        if rows
        else ""
    )
    return (
        f'<div class="failure {check.severity}">'
        f"<h3>{_status_badge(check)} <code>{_e(check.check_id)}</code></h3>"
        f"<p><strong>Guards:</strong> {_e(check.guards)}</p>"
        f"<p><strong>Result:</strong> {_e(_headline(check))}"
        f" <span class='meta'>({_e(check.expectation_type)} on {_e(check.suite)})</span></p>"
        f"{table}</div>"
    )


def render_html(report: ValidationReport) -> str:
    """The whole report as one HTML page with inline CSS and no external references."""
    failed = report.blocking_failures + report.warnings
    verdict = (
        '<span class="badge pass">passed</span>'
        if report.success
        else '<span class="badge error">failed</span>'
    )
    failures_html = (
        "".join(_failure_section(c) for c in failed) if failed else "<p>Every check passed.</p>"
    )
    all_rows = "".join(
        "<tr>"
        f"<td>{_status_badge(c)}</td><td><code>{_e(c.check_id)}</code></td>"
        f"<td>{'blocking' if c.blocking else 'warning'}</td>"
        f'<td class="num">{_e(c.evaluated_rows)}{" changed" if c.changed_rows_only else ""}</td>'
        f'<td class="num">{_e(c.unexpected_count)}</td><td>{_e(c.guards)}</td></tr>'
        for c in report.checks
    )
    generated = datetime.fromisoformat(report.started_at).strftime("%Y-%m-%d %H:%M:%S %Z")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Warehouse validation: {"passed" if report.success else "failed"}</title>
<style>{_CSS}</style></head>
<body>
<h1>Warehouse validation {verdict}</h1>
<p class="meta">{_e(report.warehouse)} &middot; run {_e(generated)} &middot;
{report.elapsed_seconds:.1f} s &middot; {len(report.checks)} checks,
{len(report.blocking_failures)} blocking failures, {len(report.warnings)} warnings</p>
{f'<p class="meta">{_e(_scope(report))}</p>' if report.compared_with is not None else ""}
<h2>Failed checks</h2>
{failures_html}
<h2>All checks</h2>
<table><tr><th></th><th>check</th><th>severity</th><th>rows</th><th>failing</th>
<th>guards</th></tr>{all_rows}</table>
</body></html>
"""
