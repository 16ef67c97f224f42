"""dbt's docs site for the published warehouse, offline: ``make docs``.

``dbt docs generate --static`` writes ``static_index.html``, one file with the manifest, the
catalog, the scripts and the fonts inlined; with usage statistics off (as every command of
this project runs dbt) the page asks nothing of the network. The catalog needs a database:
dbt-duckdb opens its file read-write, which would take the lock on the published warehouse
(and fail while a reader holds it), so dbt reads a private copy that is deleted afterwards.

Command line: ``python -m reporting.dbt_docs build | serve | check``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from orchestration import settings
from reporting.warehouse import ReportError

DEFAULT_PORT = 8080


def site_dir() -> Path:
    """Where the site is written: ``target/docs/site`` (dbt's own files beside it)."""
    return settings.PROJECT_ROOT / "target" / "docs" / "site"


def build(warehouse: Path, site: Path | None = None) -> Path:
    """Generate the docs against a copy of ``warehouse``; return the site's ``index.html``."""
    if not warehouse.exists():
        raise ReportError(f"no warehouse at {warehouse}; run `make run` first to build it")
    site = site or site_dir()
    target = site.parent
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dbt-docs-") as scratch:
        copy = Path(scratch) / warehouse.name
        shutil.copyfile(warehouse, copy)
        environment = {
            **os.environ,
            **settings.TELEMETRY_ENVIRONMENT,
            "DBT_DUCKDB_PATH": str(copy),
        }
        command = [
            settings.dbt_executable(),
            "docs",
            "generate",
            "--static",
            "--project-dir",
            str(settings.dbt_project_dir()),
            "--profiles-dir",
            str(settings.dbt_profiles_dir()),
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
        ]
        result = subprocess.run(
            command, env=environment, capture_output=True, text=True, check=False
        )
    page = target / "static_index.html"
    if result.returncode != 0 or not page.exists():
        raise ReportError(
            f"`dbt docs generate` failed (exit {result.returncode}):\n"
            f"{(result.stdout + result.stderr).strip()[-3000:]}"
        )
    site.mkdir(parents=True, exist_ok=True)
    index = site / "index.html"
    shutil.copyfile(page, index)
    return index


def serve(site: Path, port: int) -> None:
    """Serve ``site`` on http://127.0.0.1:``port`` until interrupted."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"dbt docs: http://127.0.0.1:{port}/ (Ctrl-C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("dbt docs: stopped")


def check(index: Path, png: Path) -> str:
    """Render the site offline in headless Chromium; raise unless the models show.

    Returns a one-line description of what was rendered.
    """
    from reporting import browser

    dom = browser.dump_dom(index, wait_ms=5000)
    for expected in ("fct_financial_facts", "dim_companies", "disclosure_warehouse"):
        if expected not in dom:
            raise ReportError(f"the docs page rendered without {expected!r}: {index}")
    browser.screenshot(index, png, 1280, 800, scale=0.5, wait_ms=5000)
    image = browser.read_png(png)
    colors = image.colors(step=2)
    if len(colors) < 20:
        raise ReportError(f"the docs page rendered (nearly) blank: {png}")
    return f"rendered offline, {len(colors)} colours, screenshot {png}"


def main(argv: Sequence[str] | None = None) -> int:
    """``build`` the site, ``serve`` it (after building), or ``check`` it renders offline."""
    parser = argparse.ArgumentParser(prog="python -m reporting.dbt_docs", description=__doc__)
    parser.add_argument("action", choices=("build", "serve", "check"))
    parser.add_argument("--warehouse", type=Path, default=None, help="default: WAREHOUSE_PATH")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("DBT_DOCS_PORT") or DEFAULT_PORT),
        help=f"port on 127.0.0.1 for serve (DBT_DOCS_PORT, default {DEFAULT_PORT})",
    )
    args = parser.parse_args(argv)
    warehouse = args.warehouse or settings.warehouse_path()
    started = time.perf_counter()
    try:
        index = build(warehouse)
        print(f"dbt docs: {index} ({time.perf_counter() - started:.1f} s)", flush=True)
        if args.action == "check":
            print(f"dbt docs: {check(index, index.with_name('screenshot.png'))}")
        if args.action == "serve":
            serve(index.parent, args.port)
    except ReportError as error:
        print(f"dbt docs: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
