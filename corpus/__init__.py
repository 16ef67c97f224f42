"""Synthetic earnings releases with their truth, for accuracy and throughput measurement.

:func:`generate_corpus` writes ``count`` releases of fictional companies (full releases in
the bundled release's layout, and highlights-only releases) with ``<name>.truth.csv`` in
the format of the hand-written fixtures and ``<name>.facts.csv`` naming the model concept
of each printed figure. Deterministic for a seed.
"""

from corpus.generate import generate_corpus

__all__ = ["generate_corpus"]
