"""Stacked layout: one cell per line."""

from __future__ import annotations

from extraction.layout.sourcemap import MappedLine


def rebuild_stacked(lines: list[MappedLine]) -> tuple[list[MappedLine], list[tuple[int, str]]]:
    """Rebuild rows printed one cell per line as tab-separated rows."""
    return lines, []
