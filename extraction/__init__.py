"""Turn the text of an earnings release into typed, traceable figures.

Pure Python: no Dagster, dbt or DuckDB imports, so it can be tested on fixtures in
milliseconds and run in parallel. The entry points are :func:`extract_file` and
:func:`extract_bytes`; the raw-table layout is in :mod:`extraction.schema`.
"""

from extraction.document import PARSER_VERSION, extract_bytes, extract_file
from extraction.models import (
    Document,
    DocumentStatus,
    ExtractionResult,
    Figure,
    Issue,
    Measure,
    Period,
    SectionKind,
    Token,
    TokenStatus,
)

__all__ = [
    "PARSER_VERSION",
    "Document",
    "DocumentStatus",
    "ExtractionResult",
    "Figure",
    "Issue",
    "Measure",
    "Period",
    "SectionKind",
    "Token",
    "TokenStatus",
    "extract_bytes",
    "extract_file",
]
