"""The extractor's version ends in a hash of its files: any change to them is a new version."""

from __future__ import annotations

import shutil
from pathlib import Path

from extraction import PARSER_VERSION
from extraction.fingerprint import PACKAGE_DIR, source_fingerprint


def copy_of_the_extractor(tmp_path: Path) -> Path:
    copy = tmp_path / "extraction"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_parser_version_is_the_release_and_the_hash_of_the_extractor() -> None:
    release, digest = PARSER_VERSION.split("+")
    assert release.count(".") == 2
    assert digest == source_fingerprint() and len(digest) == 12


def test_a_copy_has_the_same_fingerprint_and_byte_code_does_not_count(tmp_path: Path) -> None:
    copy = copy_of_the_extractor(tmp_path)
    assert source_fingerprint(copy) == source_fingerprint()
    (copy / "__pycache__").mkdir()
    (copy / "__pycache__" / "tables.cpython-311.pyc").write_bytes(b"\0")
    (copy / "stray.pyc").write_bytes(b"\0")
    assert source_fingerprint(copy) == source_fingerprint()


def test_a_change_to_code_or_vocabulary_or_a_new_file_changes_it(tmp_path: Path) -> None:
    copy = copy_of_the_extractor(tmp_path)
    before = source_fingerprint(copy)
    seen = {before}
    with (copy / "tables.py").open("a") as code:
        code.write("\n# a comment is a change too\n")
    seen.add(source_fingerprint(copy))
    vocabulary = next((copy / "vocab").glob("*.csv"))
    vocabulary.write_bytes(vocabulary.read_bytes() + b"\n")
    seen.add(source_fingerprint(copy))
    (copy / "new_module.py").write_text("", encoding="utf-8")
    seen.add(source_fingerprint(copy))
    # a file renamed, its bytes the same
    (copy / "new_module.py").rename(copy / "other_module.py")
    seen.add(source_fingerprint(copy))
    assert len(seen) == 5
