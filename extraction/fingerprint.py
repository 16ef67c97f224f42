"""What identifies the extractor's output: its release number and a hash of its own files.

Every raw row is stamped with :data:`extraction.PARSER_VERSION`, which ends in this hash, so
that any change to the extractor's code or its word lists (``vocab/``) is a new parser
version without anybody bumping a number: the next run extracts every file again and the
models load the new rows (``int_facts_loaded`` reloads a document whose parser version
changed), while an unchanged extractor leaves unchanged files alone.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# Files that are not the extractor: Python's byte-code caches.
_NOT_SOURCE = ("__pycache__",)
_NOT_SOURCE_SUFFIXES = (".pyc", ".pyo")


def source_fingerprint(package_dir: Path = PACKAGE_DIR, length: int = 12) -> str:
    """The first ``length`` hex digits of a SHA-256 over the relative name and bytes of
    every file of ``package_dir`` (byte-code caches left out), in name order."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):
        relative = path.relative_to(package_dir)
        if (
            not path.is_file()
            or any(part in _NOT_SOURCE for part in relative.parts)
            or path.suffix in _NOT_SOURCE_SUFFIXES
        ):
            continue
        digest.update(relative.as_posix().encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:length]
