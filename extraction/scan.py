"""Search whole documents quickly for case-insensitive patterns that start with a word.

Python's regex engine tries a case-insensitive pattern at every position of the text, which
is slow over a whole release. When every match must start with one of a few words
("fiscal" or "year" for "fiscal year ending ..."), :class:`WordAnchored` looks those words
up in a lowercased copy of the text (``str.find``, fast) and runs the pattern only there.
The matches are exactly those of ``pattern.search`` and ``pattern.finditer``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Characters that a case-insensitive pattern matches to an ASCII letter although their
# lowercase is no ASCII letter: dotless i (to "i") and long s (to "s"). Dotted capital I
# ("İ") lowercases to two characters, which the length test below catches; the Kelvin
# sign lowercases to "k" and so needs nothing.
_FOLD_EXCEPTIONS = ("\u0131", "\u017f")


def fold(text: str) -> str | None:
    """``text`` lowercased, character for character, so that a lowercase ASCII word is at
    an offset of the result exactly where a case-insensitive pattern finds it in ``text``;
    None for the rare text where lowercasing cannot promise that."""
    folded = text.lower()
    if len(folded) != len(text) or any(c in folded for c in _FOLD_EXCEPTIONS):
        return None
    return folded


@dataclass(frozen=True, slots=True)
class WordAnchored:
    """A case-insensitive pattern and the lowercase ASCII words each of its matches starts
    with (``\\b`` and other zero-width checks before the word are fine). The pattern must
    not match the empty string."""

    pattern: re.Pattern[str]
    words: tuple[str, ...]

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """``pattern.search(text, pos)``."""
        folded = fold(text)
        if folded is None:
            return self.pattern.search(text, pos)
        # a search tries the pattern at each place in turn; it can match only where one of
        # the words starts
        for start in self._starts(folded, pos):
            match = self.pattern.match(text, start)
            if match is not None:
                return match
        return None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)``: each match searched for from the end of the last."""
        folded = fold(text)
        if folded is None:
            yield from self.pattern.finditer(text)
            return
        pos = 0
        for start in self._starts(folded, 0):
            if start < pos:
                continue  # inside the last match
            match = self.pattern.match(text, start)
            if match is not None:
                yield match
                pos = match.end()

    def _starts(self, folded: str, pos: int) -> Iterator[int]:
        """The offsets from ``pos`` on where one of the words starts, in order."""
        heads = {word: folded.find(word, pos) for word in self.words}
        while True:
            at = min((h for h in heads.values() if h >= 0), default=-1)
            if at < 0:
                return
            yield at
            for word, head in heads.items():
                if head == at:
                    heads[word] = folded.find(word, at + 1)
