"""Rebuilt lines that remember where each character came from in the source text.

A layout reader (``extraction.layout``) may join a row printed one cell per line into one
line, or a header wrapped over several lines into one. It never drops or changes a printed
character: it only moves text and replaces the white space between cells by tabs. Every
rebuilt line keeps, for each piece it is made of, the source line and column the piece
starts at, so a figure or a token found in the rebuilt text is traced back to the exact
place it was printed.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Piece:
    """Text of a rebuilt line from ``offset`` on was printed at ``line`` (1-based), ``column``."""

    offset: int
    line: int
    column: int


@dataclass(slots=True)
class MappedLine:
    """One rebuilt line and the source places of its pieces (in offset order)."""

    text: str
    pieces: list[Piece]

    def locate(self, offset: int) -> tuple[int, int]:
        """The source line and column of the character at ``offset`` of this line."""
        starts = [piece.offset for piece in self.pieces]
        index = max(0, bisect_right(starts, offset) - 1)
        piece = self.pieces[index]
        return piece.line, piece.column + max(0, offset - piece.offset)


@dataclass(slots=True)
class LineBuilder:
    """Builds a :class:`MappedLine` from pieces of source lines and separators."""

    parts: list[str] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    length: int = 0

    def add(self, text: str, line: int, column: int) -> None:
        """Append ``text``, printed at source ``line`` and ``column``."""
        if not text:
            return
        self.pieces.append(Piece(self.length, line, column))
        self.parts.append(text)
        self.length += len(text)

    def separate(self, separator: str = "\t") -> None:
        """Append a separator (white space that stood for a cell boundary)."""
        if self.pieces:
            last = self.pieces[-1]
            # a separator belongs to the piece before it: its source place is past that piece
            self.pieces.append(Piece(self.length, last.line, last.column + len(self.parts[-1])))
        self.parts.append(separator)
        self.length += len(separator)

    def build(self, fallback_line: int) -> MappedLine:
        """The line; an empty one is placed at ``fallback_line``."""
        pieces = self.pieces or [Piece(0, fallback_line, 0)]
        return MappedLine("".join(self.parts), pieces)


def identity(text: str, line: int) -> MappedLine:
    """A source line kept as it is."""
    return MappedLine(text, [Piece(0, line, 0)])
