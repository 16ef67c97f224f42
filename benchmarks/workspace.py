"""A pipeline's folders for one measurement, and the environment that points it at them.

The benchmark (``benchmarks.bench``) and the answer-key measurement
(``benchmarks.answer_keys``) run the real pipeline as a subprocess in a workspace of their
own, never on ``data/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import TELEMETRY_ENVIRONMENT

# the repository: the pipeline runs from here
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Workspace:
    """One pipeline's folders: disclosures, warehouse, build database, Dagster home."""

    root: Path

    @property
    def disclosures(self) -> Path:
        return self.root / "disclosures"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "disclosures.duckdb"

    @property
    def build_db(self) -> Path:
        return self.root / "build" / "disclosures_build.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def log(self) -> Path:
        return self.root / "pipeline.log"

    @classmethod
    def fresh(cls, root: Path, releases: list[Path]) -> Workspace:
        """A new workspace at ``root`` (anything there is removed) holding ``releases``."""
        shutil.rmtree(root, ignore_errors=True)
        space = cls(root)
        space.disclosures.mkdir(parents=True)
        for path in releases:
            shutil.copyfile(path, space.disclosures / path.name)
        return space

    def copy_to(self, root: Path) -> Workspace:
        """A copy of the whole workspace at ``root``, as it is now."""
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(self.root, root, symlinks=True)
        return Workspace(root)

    def run_pipeline(self, documents: Sequence[Path]) -> int:
        """Copy ``documents`` in and run ``python -m orchestration.cli run`` on the workspace,
        its output to :attr:`log`; return the command's exit code."""
        self.disclosures.mkdir(parents=True, exist_ok=True)
        for path in documents:
            shutil.copyfile(path, self.disclosures / path.name)
        with self.log.open("w") as log:
            completed = subprocess.run(
                [sys.executable, "-m", "orchestration.cli", "run"],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        return completed.returncode

    def env(self) -> dict[str, str]:
        """The pipeline's environment: every path inside the workspace."""
        return dict(
            os.environ,
            # telemetry off in every process a measurement starts
            **TELEMETRY_ENVIRONMENT,
            DISCLOSURES_DIR=str(self.disclosures),
            WAREHOUSE_PATH=str(self.warehouse),
            BUILD_DB_PATH=str(self.build_db),
            DAGSTER_HOME=str(self.dagster_home),
        )
