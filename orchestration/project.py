"""The dbt project as Dagster sees it, and how to make its manifest."""

from __future__ import annotations

import fcntl
import hashlib
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration import settings

# One cached project for the whole code location; dagster-dbt reads target/manifest.json.
DBT_PROJECT = DbtProject(
    project_dir=settings.dbt_project_dir(),
    profiles_dir=settings.dbt_profiles_dir(),
)

# What dbt parses: a change to any of these makes the manifest stale.
DBT_SOURCES = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests/data_tests"]


def dbt_sources_fingerprint(project_dir: Path) -> str:
    """A hash of the names and contents of every file dbt parses in ``project_dir``."""
    digest = hashlib.sha256()
    for name in DBT_SOURCES:
        root = project_dir / name
        paths = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in paths:
            if path.is_file():
                digest.update(str(path.relative_to(project_dir)).encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def prepare_dbt_project() -> None:
    """Write ``target/manifest.json`` with ``dbt parse`` unless the dbt files are unchanged.

    The Dagster definitions read the manifest at import time, and a fresh clone has none, so the
    command line calls this before loading them. (``dagster dev`` does it by itself through
    ``prepare_if_dev``.) A fingerprint of the parsed files, kept beside the manifest, saves the
    parse when nothing changed; deleted files change it too, unlike a comparison of mtimes.
    """
    settings.export_environment()
    fingerprint_file = DBT_PROJECT.manifest_path.with_name("manifest.fingerprint")
    fingerprint = dbt_sources_fingerprint(DBT_PROJECT.project_dir)
    fingerprint_file.parent.mkdir(parents=True, exist_ok=True)
    # Two processes starting together (two `make run`, parallel test workers) would both
    # parse and write target/ at once: the second waits for the first, then finds it done.
    with fingerprint_file.with_name(".prepare.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (
            DBT_PROJECT.manifest_path.exists()
            and fingerprint_file.exists()
            and fingerprint_file.read_text(encoding="utf-8") == fingerprint
        ):
            return
        DBT_PROJECT.preparer.prepare(DBT_PROJECT)
        fingerprint_file.write_text(fingerprint, encoding="utf-8")
