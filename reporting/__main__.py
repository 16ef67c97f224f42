"""Command line of the report: ``python -m reporting [--warehouse PATH] [--output PATH]``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from reporting.browser import BrowserMissing
from reporting.report import check_rendering, default_output, write_report
from reporting.warehouse import ReportError


def main(argv: Sequence[str] | None = None) -> int:
    """Write the HTML report of the published warehouse; print where it went."""
    from orchestration import settings

    parser = argparse.ArgumentParser(
        prog="python -m reporting",
        description="Write one self-contained HTML report (inline SVG charts) of the "
        "published warehouse, opened read-only.",
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="DuckDB file to read (default: WAREHOUSE_PATH, data/warehouse/disclosures.duckdb)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="HTML file to write (default: report/disclosures_report.html beside the warehouse)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="then render it in headless Chromium (offline) and check the charts show; "
        "the screenshot goes beside the report",
    )
    args = parser.parse_args(argv)
    warehouse = args.warehouse or settings.warehouse_path()
    started = time.perf_counter()
    try:
        output = write_report(warehouse, args.output or default_output(warehouse))
        elapsed = time.perf_counter() - started
        print(f"report: {output} ({output.stat().st_size // 1024} KB, {elapsed:.1f} s)")
        if args.check:
            png = output.with_suffix(".png")
            bars, image = check_rendering(output, png)
            print(f"report: Chromium drew {bars} bars; screenshot {png} ({image.width} px wide)")
    except (ReportError, BrowserMissing) as error:
        print(f"report: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
