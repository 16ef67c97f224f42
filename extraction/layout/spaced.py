"""Spaced layout: label and values on one line, separated by single spaces."""

from __future__ import annotations

from extraction.layout.sourcemap import MappedLine


def rebuild_spaced(lines: list[MappedLine]) -> tuple[list[MappedLine], list[tuple[int, str]]]:
    """Rebuild spaced table rows as tab-separated cells."""
    return lines, []
