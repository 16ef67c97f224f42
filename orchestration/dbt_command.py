"""``disclosure-dbt``: dbt's own command line, in a process that ends without collecting its
garbage (:mod:`orchestration.quick_exit`).

The pipeline's dbt step runs this command (``settings.dbt_executable``) instead of ``dbt``;
every argument, output and exit status is dbt's. Installed as a console script by
``pyproject.toml``.
"""

from __future__ import annotations

import sys

from dbt.cli.main import cli

from orchestration.quick_exit import skip_cycle_collection_at_exit


def main() -> None:
    """Run dbt's command line on ``sys.argv`` and exit with its status."""
    skip_cycle_collection_at_exit()
    sys.exit(cli(prog_name="dbt"))
