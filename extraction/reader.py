"""Bytes to text: encoding detection, binary rejection and line normalisation."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass


class UnreadableDocument(ValueError):
    """The bytes are not a text release; the message says why and where."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    lines: list[str]


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Japanese issuers' files that are not UTF-8 are almost always Shift_JIS (cp932 is its
# Windows superset); EUC-JP is the other legacy encoding still met.
_FALLBACK_ENCODINGS = ("cp932", "euc_jp")
# control characters other than tab, line feed, carriage return and form feed
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _guess_utf16_without_bom(data: bytes) -> str | None:
    # Text in UTF-16 without a BOM has a NUL in every other byte for ASCII content.
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_nuls = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes) -> DecodedText:
    """Decode a release's bytes, or raise :class:`UnreadableDocument` saying why.

    UTF-8 (with or without BOM), UTF-16/32 with a BOM, BOM-less UTF-16, Shift_JIS and
    EUC-JP are accepted. Binary data (NUL bytes or control characters in a file that is
    not UTF-16) is rejected with the line of the first offending byte.
    """
    if not data.strip():
        raise UnreadableDocument("the file is empty (no text at all)", line=1)
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    encoding = encoding or _guess_utf16_without_bom(data)
    if encoding is None:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise UnreadableDocument(
                f"binary content: a NUL byte at byte offset {nul}; expected a text release",
                line=_line_of_offset(data, nul),
            )
        for candidate in ("utf-8", *_FALLBACK_ENCODINGS):
            try:
                text = data.decode(candidate)
            except UnicodeDecodeError:
                continue
            encoding = candidate
            break
        else:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as err:
                raise UnreadableDocument(
                    f"not decodable as UTF-8, UTF-16, Shift_JIS or EUC-JP "
                    f"(first bad byte at offset {err.start}); re-save the file as UTF-8",
                    line=_line_of_offset(data, err.start),
                ) from err
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as err:
            raise UnreadableDocument(
                f"declared {encoding} by its byte order mark, but byte {err.start} is invalid",
                line=None,
            ) from err
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    bad = _CONTROL_CHARACTER.search(text)
    if bad is not None:
        raise UnreadableDocument(
            f"binary content: control character U+{ord(bad.group()):04X} in the text; "
            "expected a text release",
            line=text.count("\n", 0, bad.start()) + 1,
        )
    return DecodedText(text=text, encoding=encoding, lines=lines)
