"""Headless Chromium for rendering checks, and a small PNG reader (no third-party packages).

Chromium is Debian's ``/usr/bin/chromium`` (``CHROMIUM`` overrides it); ``make browser``
installs it. Every run gets a fresh profile directory and no network: host resolution is
mapped to nothing, so a page that needed anything remote would render without it.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Seconds a single headless render may take before it counts as hung.
RENDER_TIMEOUT = 90

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    # Offline: nothing resolves except the local machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)


class BrowserMissing(RuntimeError):
    """Chromium is not installed where the project expects it."""


def chromium_path() -> str:
    """The Chromium executable, or :class:`BrowserMissing` saying how to install it."""
    candidate = os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM
    found = shutil.which(candidate)
    if not found:
        raise BrowserMissing(
            f"no Chromium at {candidate}; run `make browser` (apt-get install chromium), "
            "or point CHROMIUM at one"
        )
    return found


def _run(url: str, extra: list[str]) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [chromium_path(), *FLAGS, f"--user-data-dir={profile}", *extra, url]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=RENDER_TIMEOUT, check=False
        )


def _url(target: Path | str) -> str:
    return target.resolve().as_uri() if isinstance(target, Path) else target


def screenshot(
    target: Path | str,
    png: Path,
    width: int = 1280,
    height: int = 2400,
    scale: float = 1.0,
    wait_ms: int = 0,
) -> Path:
    """Render ``target`` (a file or a URL) at ``width`` x ``height`` CSS pixels into ``png``.

    ``scale`` is the device scale factor (0.5 halves the image); ``wait_ms`` gives scripts
    that long to run before the capture.
    """
    png.parent.mkdir(parents=True, exist_ok=True)
    extra = [
        f"--screenshot={png}",
        f"--window-size={width},{height}",
        f"--force-device-scale-factor={scale}",
    ]
    if wait_ms:
        extra.append(f"--virtual-time-budget={wait_ms}")
    result = _run(_url(target), extra)
    if result.returncode != 0 or not png.exists():
        raise RuntimeError(
            f"Chromium could not screenshot {target} (exit {result.returncode}): "
            f"{result.stderr.strip()[-2000:]}"
        )
    return png


def dump_dom(target: Path | str, wait_ms: int = 0) -> str:
    """The document as Chromium serializes it after loading (and ``wait_ms`` of scripts)."""
    extra = ["--dump-dom"]
    if wait_ms:
        extra.append(f"--virtual-time-budget={wait_ms}")
    result = _run(_url(target), extra)
    if result.returncode != 0:
        raise RuntimeError(
            f"Chromium could not load {target} (exit {result.returncode}): "
            f"{result.stderr.strip()[-2000:]}"
        )
    return result.stdout


@dataclass(frozen=True)
class Image:
    """Decoded 8-bit RGB(A) pixels, row by row."""

    width: int
    height: int
    channels: int
    rows: list[bytes]

    def pixel(self, x: int, y: int) -> tuple[int, ...]:
        """The channel values of one pixel."""
        start = x * self.channels
        return tuple(self.rows[y][start : start + self.channels])

    def colors(self, step: int = 1) -> dict[tuple[int, int, int], int]:
        """How many pixels (every ``step``-th in both directions) have each RGB colour."""
        counts: dict[tuple[int, int, int], int] = {}
        for y in range(0, self.height, step):
            row = self.rows[y]
            for x in range(0, self.width, step):
                i = x * self.channels
                key = (row[i], row[i + 1], row[i + 2])
                counts[key] = counts.get(key, 0) + 1
        return counts


def read_png(path: Path) -> Image:
    """Decode a non-interlaced 8-bit RGB or RGBA PNG (what Chromium writes)."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    offset, idat, header = 8, bytearray(), None
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    if header is None:
        raise ValueError(f"{path} has no IHDR chunk")
    width, height, depth, color_type, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(color_type)
    if depth != 8 or channels is None or interlace:
        raise ValueError(f"{path}: only 8-bit non-interlaced RGB/RGBA is read here")
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, line, previous, channels)
        rows.append(bytes(line))
        previous = line
    return Image(width, height, channels, rows)


def _unfilter(kind: int, line: bytearray, previous: bytearray, bpp: int) -> None:
    """Undo one row's PNG filter in place (filter types 0-4 of the PNG specification)."""
    if kind == 0:
        return
    if kind == 2:
        line[:] = bytes((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        return
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = previous[i]
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
        elif kind == 4:
            corner = previous[i - bpp] if i >= bpp else 0
            estimate = left + up - corner
            pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
            best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            line[i] = (line[i] + best) & 0xFF
        else:
            raise ValueError(f"unknown PNG filter type {kind}")
