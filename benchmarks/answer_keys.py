"""Recall of answer keys: real documents, keyed by hand, against the published warehouse.

Usage: python -m benchmarks.answer_keys [FOLDER] [--keys KEYS_FOLDER] [--raw-only]
       [--misses N] [--unparsed] [--workdir DIR]

FOLDER (default ``../shared/realworld``) holds documents ``<name>.txt``; KEYS_FOLDER (default
``FOLDER/keys``) holds ``<name>.csv`` answer keys with the columns of ``KEY_COLUMNS`` (the
format is described in ``docs/accuracy.md``). The documents are copied into a workspace and
the real pipeline (``python -m orchestration.cli run``) builds and publishes a warehouse
there; every key row is then looked up among the published facts of its document
(``marts.fct_financial_facts``) by :func:`match_failures`. ``--raw-only`` skips the pipeline
and scores the extractor's own figures (``extraction.extract_file``) by the same rules.

A run whose publish fails scores 0: nothing was published. Its table still shows what the
raw layer holds, and when the build database got as far as ``marts.fct_financial_facts``
the recall those unpublished facts would give is printed on a line of its own.

Every unparsed token of the ledger is written to ``unparsed_tokens.tsv`` in the workspace
(``--unparsed`` also prints them). Exit code: 0 measured, 1 the pipeline run failed,
2 the input is unusable (a missing folder, a key naming no document, a malformed row).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from benchmarks.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = ROOT.parent / "shared" / "realworld"

KEY_COLUMNS = (
    "file",
    "table",
    "section",
    "label",
    "measure",
    "unit",
    "period_type",
    "period_start",
    "period_end",
    "value",
    "decimals",
    "scenario",
    "source_line",
)
# a key row's measure -> the fact measures that count for it
MEASURE_CLASSES: dict[str, frozenset[str]] = {
    "value": frozenset({"value", "ratio"}),
    "change_percent": frozenset({"change_percent"}),
}
SCENARIOS = frozenset({"actual", "forecast"})
START_WINDOW_DAYS = 7  # 52/53-week years: a duration may start up to a week off
END_WINDOW_DAYS = 3
WORKSPACE_MARK = ".answer_keys_workspace"
UNPARSED_FILE = "unparsed_tokens.tsv"


class InputError(ValueError):
    """The folder, a key file or a key row cannot be used; the message says what and where."""


# ---------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class KeyRow:
    """One answer-key row: a fact the document prints."""

    file: str
    measure: str
    unit: str
    period_start: dt.date | None  # None for an instant
    period_end: dt.date
    value: Decimal
    decimals: int
    scenario: str
    label: str = ""
    section: str = ""
    table: str = ""
    source_line: str = ""
    where: str = ""  # "keys/x.csv line 12"


@dataclass(frozen=True, slots=True)
class Fact:
    """A published fact or an extracted figure, in the fields the matching rules compare."""

    unit: str | None
    period_start: dt.date | None  # None for an instant
    period_end: dt.date | None  # None when the figure has no period
    scenario: str | None
    measure: str | None
    value: Decimal | None
    line: int | None = None
    label: str = ""

    def describe(self) -> str:
        """The fact's context in a few words, for the misses list."""
        if self.period_end is None:
            period = "no period"
        elif self.period_start is None:
            period = f"instant {self.period_end}"
        else:
            period = f"{self.period_start}..{self.period_end}"
        return (
            f"line {self.line} {self.label[:40]!r}: {show(self.value)} {self.unit}, {period}, "
            f"{self.measure}, {self.scenario}"
        )


def show(value: Decimal | None) -> str:
    """A value without trailing zeros or an exponent (1.040000 -> 1.04, 5E+9 -> 5000000000)."""
    if value is None:
        return "no value"
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True, slots=True)
class LedgerToken:
    """An unparsed token of the ledger, with its line."""

    file: str
    line: int
    text: str
    reason: str


@dataclass(slots=True)
class DocumentScore:
    """One document's line of the table, and the material for its misses."""

    file: str
    status: str
    reason: str = ""
    keys: list[KeyRow] | None = None  # None: the document has no key
    found: int = 0
    figures: int | None = None
    facts: int | None = None
    tokens: int = 0
    unparsed: list[LedgerToken] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the matching rules


def match_failures(key: KeyRow, fact: Fact) -> tuple[str, ...]:
    """The rules ``fact`` breaks for ``key``; empty when the fact is the key's fact.

    - ``unit``: the same unit (``JPY``, ``USD/share``, ``percent`` ...).
    - ``period``: an instant key wants an instant with the same date; a duration key a
      duration starting within 7 days and ending within 3 days of the key's (52/53-week years).
    - ``scenario``: the same scenario (``actual`` or ``forecast``).
    - ``measure``: the same class: a ``change_percent`` key wants a ``change_percent`` fact, a
      ``value`` key a level (``value`` or ``ratio``).
    - ``value``: |fact - key| <= 0.5 * 10^-decimals, half a unit of the printed precision.
    """
    failures = []
    if fact.unit != key.unit:
        failures.append("unit")
    if not _same_period(key, fact):
        failures.append("period")
    if fact.scenario != key.scenario:
        failures.append("scenario")
    if fact.measure not in MEASURE_CLASSES.get(key.measure, ()):
        failures.append("measure")
    if not _same_value(key, fact):
        failures.append("value")
    return tuple(failures)


def matches(key: KeyRow, fact: Fact) -> bool:
    """Whether ``fact`` is the key row's fact (:func:`match_failures` finds nothing)."""
    return not match_failures(key, fact)


def _same_period(key: KeyRow, fact: Fact) -> bool:
    if fact.period_end is None:
        return False
    key_instant, fact_instant = key.period_start is None, fact.period_start is None
    if key_instant or fact_instant:
        return key_instant and fact_instant and fact.period_end == key.period_end
    return (
        abs((fact.period_start - key.period_start).days) <= START_WINDOW_DAYS
        and abs((fact.period_end - key.period_end).days) <= END_WINDOW_DAYS
    )


def _same_value(key: KeyRow, fact: Fact) -> bool:
    if fact.value is None:
        return False
    return abs(fact.value - key.value) <= Decimal("0.5").scaleb(-key.decimals)


def find_misses(
    keys: Sequence[KeyRow], facts: Sequence[Fact], *extra: Sequence[Fact]
) -> list[tuple[KeyRow, str]]:
    """The key rows no fact matches, each with what the nearest same-valued fact got wrong.

    ``extra`` are further places to look for the value when ``facts`` lack it (in a pipeline
    run: the raw figures, extracted but not published as such)."""
    return [(key, _nearest(key, facts, *extra)) for key in keys if not _found(key, facts)]


def _found(key: KeyRow, facts: Iterable[Fact]) -> bool:
    return any(matches(key, fact) for fact in facts)


def _nearest(key: KeyRow, *places: Sequence[Fact]) -> str:
    """Where the key's value was found with another context, or that it was not found."""
    for place, where in zip(places, ("", " (raw figure, not published)"), strict=False):
        near = [(match_failures(key, f), f) for f in place if _same_value(key, f)]
        if near:
            failures, fact = min(near, key=lambda pair: len(pair[0]))
            if not failures:
                return f"extracted with this context, but not published: {fact.describe()}"
            return f"value found{where}, differs in {', '.join(failures)}: {fact.describe()}"
    return "value not found"


# ---------------------------------------------------------------- the folder and its keys


def documents_in(folder: Path) -> list[Path]:
    """The ``*.txt`` documents of ``folder``, by name."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder (give a folder of <name>.txt documents)")
    documents = sorted(folder.glob("*.txt"))
    if not documents:
        raise InputError(f"{folder}: no <name>.txt documents in this folder")
    return documents


def read_keys(keys_folder: Path, document_names: Iterable[str]) -> dict[str, list[KeyRow]]:
    """Every key row, by the document file name it is for; problems raise :class:`InputError`
    listing each one (file and line)."""
    if not keys_folder.is_dir():
        raise InputError(f"{keys_folder}: no such keys folder (give one with --keys)")
    names = set(document_names)
    problems: list[str] = []
    keys: dict[str, list[KeyRow]] = {}
    for path in sorted(keys_folder.glob("*.csv")):
        if f"{path.stem}.txt" not in names:
            problems.append(f"{path}: names document {path.stem}.txt, which is not in the folder")
            continue
        for row in _read_key_file(path, problems):
            if row.file not in names:
                problems.append(f"{row.where}: file {row.file!r} is not a document in the folder")
            else:
                keys.setdefault(row.file, []).append(row)
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InputError(f"the answer keys have {len(problems)} problem(s):\n  {shown}{more}")
    return keys


def _read_key_file(path: Path, problems: list[str]) -> list[KeyRow]:
    """The rows of one key file; each problem is appended to ``problems``."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in KEY_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                problems.append(f"{path} line 1: the header lacks column(s) {', '.join(missing)}")
                return []
            rows = []
            for record in reader:
                where = f"{path} line {reader.line_num}"
                try:
                    rows.append(parse_key_row(record, where))
                except InputError as error:
                    problems.append(str(error))
            return rows
    except (UnicodeDecodeError, csv.Error) as error:
        problems.append(f"{path}: not a readable UTF-8 CSV file ({error})")
        return []


def parse_key_row(record: dict[str | None, str | None], where: str) -> KeyRow:
    """One CSV record as a :class:`KeyRow`; :class:`InputError` says which field is wrong."""
    if None in record or any(record.get(c) is None for c in KEY_COLUMNS):
        raise InputError(f"{where}: expected {len(KEY_COLUMNS)} fields ({', '.join(KEY_COLUMNS)})")
    text = {c: (record[c] or "").strip() for c in KEY_COLUMNS}
    _check_choice(text, "measure", MEASURE_CLASSES, where)
    _check_choice(text, "scenario", SCENARIOS, where)
    _check_choice(text, "period_type", ("instant", "duration"), where)
    instant = text["period_type"] == "instant"
    if instant and text["period_start"]:
        raise InputError(f"{where}: an instant has no period_start ({text['period_start']!r})")
    if not text["unit"]:
        raise InputError(f"{where}: unit is empty")
    return KeyRow(
        file=text["file"],
        measure=text["measure"],
        unit=text["unit"],
        period_start=None if instant else _date(text, "period_start", where),
        period_end=_date(text, "period_end", where),
        value=_number(text, "value", where, Decimal),
        decimals=_number(text, "decimals", where, int),
        scenario=text["scenario"],
        label=text["label"],
        section=text["section"],
        table=text["table"],
        source_line=text["source_line"],
        where=where,
    )


def _check_choice(text: dict[str, str], column: str, allowed: Iterable[str], where: str) -> None:
    if text[column] not in allowed:
        choices = ", ".join(sorted(allowed))
        raise InputError(f"{where}: {column} {text[column]!r} is not one of {choices}")


def _date(text: dict[str, str], column: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text[column])
    except ValueError:
        raise InputError(f"{where}: {column} {text[column]!r} is not a date (YYYY-MM-DD)") from None


def _number(text: dict[str, str], column: str, where: str, kind: type) -> Decimal | int:
    try:
        number = kind(text[column])
    except (ValueError, InvalidOperation):
        number = None
    if number is None or (isinstance(number, Decimal) and not number.is_finite()):
        what = "an integer" if kind is int else "a number"
        raise InputError(f"{where}: {column} {text[column]!r} is not {what}")
    return number


# ---------------------------------------------------------------- the workspace and the run


def prepare_workspace(workdir: Path | None) -> Workspace:
    """A new temporary folder, or ``workdir`` emptied of a previous measurement's files.

    Refuses a folder with other content, so a mistyped path never wipes anything else."""
    if workdir is None:
        root = Path(tempfile.mkdtemp(prefix="answer-keys-"))
    else:
        root = workdir.resolve()
        if root.exists() and any(root.iterdir()) and not (root / WORKSPACE_MARK).exists():
            raise InputError(
                f"{root}: this folder holds files this tool did not write; "
                "give --workdir a new or empty folder"
            )
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
    (root / WORKSPACE_MARK).write_text("written by python -m benchmarks.answer_keys\n")
    return Workspace(root)


def run_pipeline(space: Workspace, documents: Sequence[Path]) -> bool:
    """Copy ``documents`` in and run ``python -m orchestration.cli run``; True if it published.

    Its output goes to the workspace's ``pipeline.log``; its closing summary is printed."""
    print(f"running the pipeline on {len(documents)} documents in {space.root} ...", flush=True)
    returncode = space.run_pipeline(documents)
    print(_closing_summary(space.log.read_text(errors="replace")))
    return returncode == 0 and space.warehouse.exists()


def _closing_summary(output: str) -> str:
    """The command line's summary: from its "Pipeline succeeded/FAILED" line to the end."""
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Pipeline ")]
    return "\n".join(lines[starts[-1] :] if starts else lines[-15:])


# ---------------------------------------------------------------- reading a database


def _connect(database: Path):
    import duckdb

    return duckdb.connect(str(database), read_only=True)


def _has_table(con, schema: str, table: str) -> bool:
    query = (
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    )
    return con.execute(query, [schema, table]).fetchone()[0] > 0


def _dicts(con, query: str) -> list[dict]:
    cursor = con.execute(query)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _fact(row: dict) -> Fact:
    return Fact(
        unit=row["unit"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        scenario=row["scenario"],
        measure=row["measure"],
        value=row["value"],
        line=row["line"],
        label=row["label"] or "",
    )


def facts_by_file(con) -> dict[str, list[Fact]]:
    """``marts.fct_financial_facts`` by file name, with the value as printed (the keys keep
    the printed sign; ``value`` turns costs positive)."""
    rows = _dicts(
        con,
        """
        select d.file_name, f.unit, f.period_start, f.period_end, f.scenario, f.measure,
            coalesce(f.printed_value, f.value) as value, f.source_line as line,
            f.source_label as label
        from marts.fct_financial_facts f
        join (select distinct document_id, file_name from raw.documents) d using (document_id)
        """,
    )
    return _group(rows, _fact)


def raw_figures_by_file(con) -> dict[str, list[Fact]]:
    """``raw.figures`` by file name: what the extractor read, published or not."""
    rows = _dicts(
        con,
        """
        select d.file_name, f.unit, case when f.period_type = 'instant' then null
            else f.period_start end as period_start, f.period_end, f.scenario, f.measure,
            f.value, f.line_number as line, f.item_label as label
        from raw.figures f join raw.documents d using (document_id)
        """,
    )
    return _group(rows, _fact)


def unparsed_by_file(con) -> dict[str, list[LedgerToken]]:
    """The unparsed tokens of ``raw.tokens`` by file name, in line order."""
    rows = _dicts(
        con,
        """
        select d.file_name, t.line_number as line, t.text, coalesce(t.reason, '') as reason
        from raw.tokens t join raw.documents d using (document_id)
        where t.status = 'unparsed' order by d.file_name, t.token_index
        """,
    )
    return _group(rows, lambda r: LedgerToken(r["file_name"], r["line"], r["text"], r["reason"]))


def _group(rows: list[dict], make) -> dict:
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row["file_name"], []).append(make(row))
    return grouped


def raw_documents(con) -> dict[str, dict]:
    """``raw.documents`` by file name: status, error, figure and token counts."""
    rows = _dicts(
        con,
        "select file_name, status, error_message, figure_count, token_count from raw.documents",
    )
    return {row["file_name"]: row for row in rows}


def published_status(con) -> dict[str, tuple[str, str]]:
    """``marts.dim_documents`` by file name (the newest version): status and its reason."""
    rows = _dicts(
        con,
        "select file_name, status, coalesce(status_reason, '') as reason "
        "from marts.dim_documents where is_latest_version",
    )
    return {row["file_name"]: (row["status"], row["reason"]) for row in rows}


# ---------------------------------------------------------------- scoring


def score_documents(
    documents: Sequence[Path],
    keys: dict[str, list[KeyRow]],
    facts: dict[str, list[Fact]],
    status: dict[str, tuple[str, str]],
    counts: dict[str, tuple[int | None, int | None, int]],
    unparsed: dict[str, list[LedgerToken]],
    raw_figures: dict[str, list[Fact]] | None = None,
) -> list[DocumentScore]:
    """One :class:`DocumentScore` per document: its status, recall and ledger.

    ``counts`` gives per file name (figures extracted, facts published, numeric tokens)."""
    scores = []
    for path in documents:
        name = path.name
        doc_keys, doc_facts = keys.get(name), facts.get(name, [])
        missed = find_misses(doc_keys or [], doc_facts, (raw_figures or {}).get(name, []))
        figures, published, tokens = counts.get(name, (None, None, 0))
        state, reason = status.get(name, ("missing", "not in the warehouse's documents"))
        scores.append(
            DocumentScore(
                file=name,
                status=state,
                reason=reason,
                keys=doc_keys,
                found=len(doc_keys or []) - len(missed),
                figures=figures,
                facts=published,
                tokens=tokens,
                unparsed=unparsed.get(name, []),
                misses=[_miss_line(key, near) for key, near in missed],
            )
        )
    return scores


def _miss_line(key: KeyRow, nearest: str) -> str:
    context = f"{key.table}/{key.section}".strip("/")
    start = f"{key.period_start}.." if key.period_start else "instant "
    what = f"{show(key.value)} {key.unit} {start}{key.period_end} {key.measure} {key.scenario}"
    return f"source line {key.source_line or '?'} [{context}] {key.label!r}: {what} -> {nearest}"


def score_published(con, documents, keys) -> list[DocumentScore]:
    """Score the published warehouse (or a build database holding the marts)."""
    raw = raw_documents(con)
    facts = facts_by_file(con)
    counts = {
        name: (row["figure_count"], len(facts.get(name, [])), row["token_count"] or 0)
        for name, row in raw.items()
    }
    return score_documents(
        documents,
        keys,
        facts,
        published_status(con),
        counts,
        unparsed_by_file(con),
        raw_figures_by_file(con),
    )


def score_unpublished(con, documents, keys) -> list[DocumentScore]:
    """A failed run: nothing published, so nothing found; the raw layer's counts shown."""
    raw = raw_documents(con) if _has_table(con, "raw", "documents") else {}
    status = {
        name: (
            "failed" if row["status"] == "failed" else "not published",
            row["error_message"] or "",
        )
        for name, row in raw.items()
    }
    counts = {name: (row["figure_count"], 0, row["token_count"] or 0) for name, row in raw.items()}
    unparsed = unparsed_by_file(con) if _has_table(con, "raw", "tokens") else {}
    figures = raw_figures_by_file(con) if _has_table(con, "raw", "figures") else {}
    return score_documents(documents, keys, {}, status, counts, unparsed, figures)


def score_extractor(documents: Sequence[Path], keys) -> list[DocumentScore]:
    """``--raw-only``: the extractor's own figures, by the same rules, no pipeline."""
    from extraction import extract_file

    facts, status, counts, unparsed = {}, {}, {}, {}
    for path in documents:
        result = extract_file(path)
        name, document = path.name, result.document
        facts[name] = [_figure_fact(f) for f in result.figures]
        status[name] = (str(document.status), document.error_message or "")
        counts[name] = (len(result.figures), None, len(result.tokens))
        unparsed[name] = [
            LedgerToken(name, t.line_number, t.text, t.reason or "")
            for t in result.tokens
            if t.status == "unparsed"
        ]
    return score_documents(documents, keys, facts, status, counts, unparsed)


def _figure_fact(figure) -> Fact:
    period = figure.period
    return Fact(
        unit=figure.unit,
        period_start=period.start if period is not None else None,
        period_end=period.end if period is not None else None,
        scenario=figure.scenario,
        measure=str(figure.measure),
        value=figure.value,
        line=figure.line_number,
        label=figure.item_label,
    )


# ---------------------------------------------------------------- the report


def _percent(part: int, whole: int | None) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def _count(number: int | None) -> str:
    return "-" if number is None else str(number)


COLUMNS = ("status", "keys", "found", "recall", "figures", "facts", "tokens", "unparsed", "share")
WIDTHS = (13, 5, 5, 7, 7, 6, 6, 8, 6)


def _row(width: int, name: str, cells: Sequence[str]) -> str:
    """One line of the table: the name padded to ``width``, then the cells (status left-aligned,
    numbers right-aligned)."""
    status, *numbers = (cell[:w] for cell, w in zip(cells, WIDTHS, strict=True))
    aligned = " ".join(f"{cell:>{w}s}" for cell, w in zip(numbers, WIDTHS[1:], strict=True))
    return f"{name:{width}s} {status:{WIDTHS[0]}s} {aligned}"


def _cells(status: str, keys, found, figures, facts, tokens: int, unparsed: int) -> list[str]:
    recall = _percent(found, keys) if keys else "-"
    counts = [_count(c) for c in (keys, found)]
    more = [_count(c) for c in (figures, facts, tokens, unparsed)]
    return [status, *counts, recall, *more, _percent(unparsed, tokens)]


def render_table(scores: Sequence[DocumentScore]) -> str:
    """The per-document table, the overall line over the keyed documents, and each status's
    reason."""
    keyed = [s for s in scores if s.keys is not None]
    overall = f"overall ({len(keyed)} keyed document{'' if len(keyed) == 1 else 's'})"
    width = max(len(overall), *(len(s.file) for s in scores))
    lines = [_row(width, "document", COLUMNS)]
    for s in scores:
        keys = len(s.keys) if s.keys is not None else None
        found = s.found if s.keys is not None else None
        cells = _cells(s.status, keys, found, s.figures, s.facts, s.tokens, len(s.unparsed))
        lines.append(_row(width, s.file, cells))
    lines.append(_row(width, overall, _overall_cells(keyed)))
    lines += [f"  {s.file}: {s.status}: {s.reason}" for s in scores if s.reason]
    return "\n".join(lines)


def _overall_cells(keyed: Sequence[DocumentScore]) -> list[str]:
    """The overall line's cells: sums over the keyed documents only."""

    def total(values: Iterable[int | None]) -> int | None:
        values = list(values)
        return None if values and all(v is None for v in values) else sum(v or 0 for v in values)

    return _cells(
        "",
        sum(len(s.keys or []) for s in keyed),
        sum(s.found for s in keyed),
        total(s.figures for s in keyed),
        total(s.facts for s in keyed),
        sum(s.tokens for s in keyed),
        sum(len(s.unparsed) for s in keyed),
    )


def overall_recall(scores: Sequence[DocumentScore]) -> float | None:
    """Found key rows over all key rows, or None when no document has a key."""
    total = sum(len(s.keys or []) for s in scores)
    return sum(s.found for s in scores) / total if total else None


def render_misses(scores: Sequence[DocumentScore], limit: int) -> str:
    """Up to ``limit`` missed key rows per document, each with its nearest figure."""
    lines = []
    for s in scores:
        if s.misses:
            lines.append(f"\n{s.file}: {len(s.misses)} key rows missed; the first {limit}:")
            lines += [f"  {miss}" for miss in s.misses[:limit]]
    return "\n".join(lines)


def render_unparsed(scores: Sequence[DocumentScore]) -> str:
    """Every unparsed token, by document, with its line and reason."""
    lines = []
    for s in scores:
        lines.append(f"\n{s.file}: {len(s.unparsed)} unparsed tokens")
        lines += [f"  line {t.line}: {t.text!r} ({t.reason})" for t in s.unparsed]
    return "\n".join(lines)


def write_unparsed(scores: Sequence[DocumentScore], documents: Sequence[Path], out: Path) -> None:
    """Every unparsed token as TSV: file, line, token, reason and the text of its line."""
    texts = {
        p.name: p.read_text(encoding="utf-8", errors="replace").splitlines() for p in documents
    }
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["file", "line", "token", "reason", "line_text"])
        for s in scores:
            lines = texts.get(s.file, [])
            for t in s.unparsed:
                text = lines[t.line - 1].strip() if 0 < t.line <= len(lines) else ""
                writer.writerow([t.file, t.line, t.text, t.reason, text[:200]])


# ---------------------------------------------------------------- the command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.answer_keys", description=__doc__.splitlines()[0]
    )
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--keys", type=Path, help="the answer keys (default FOLDER/keys)")
    parser.add_argument(
        "--raw-only", action="store_true", help="score the extractor's figures, no pipeline"
    )
    parser.add_argument("--misses", type=int, default=0, help="missed key rows per document")
    parser.add_argument("--unparsed", action="store_true", help="print every unparsed token")
    parser.add_argument("--workdir", type=Path, help="workspace folder (default a new temp one)")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace) -> tuple[list[DocumentScore], str, int, Workspace]:
    """Run (or not) and score; returns the scores, the heading, the exit code, the workspace."""
    documents = documents_in(args.folder)
    keys = read_keys(args.keys or args.folder / "keys", [p.name for p in documents])
    space = prepare_workspace(args.workdir)
    if args.raw_only:
        return score_extractor(documents, keys), "extractor figures (--raw-only)", 0, space
    if run_pipeline(space, documents):
        with _connect(space.warehouse) as con:
            return score_published(con, documents, keys), f"published {space.warehouse}", 0, space
    return (*_score_failed_run(space, documents, keys), 1, space)


def _score_failed_run(space: Workspace, documents, keys) -> tuple[list[DocumentScore], str]:
    """Nothing published: every document scores 0. If the build database holds the marts,
    the recall they would give is added to the heading, labelled as not published."""
    heading = "NOTHING PUBLISHED (the run failed): every key row counts as missed"
    if not space.build_db.exists():
        return score_unpublished_empty(documents, keys), heading
    with _connect(space.build_db) as con:
        scores = score_unpublished(con, documents, keys)
        if _has_table(con, "marts", "fct_financial_facts") and _has_table(
            con, "marts", "dim_documents"
        ):
            unpublished = overall_recall(score_published(con, documents, keys))
            if unpublished is not None:
                heading += (
                    f"\n  (the build database's marts, NOT published, would give "
                    f"{unpublished:.1%} overall)"
                )
    return scores, heading


def score_unpublished_empty(documents, keys) -> list[DocumentScore]:
    """A run that left no build database: no facts, no figures, no ledger."""
    status = {p.name: ("not published", "the run left no build database") for p in documents}
    return score_documents(documents, keys, {}, status, {}, {})


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print the table (and the misses or unparsed tokens asked for)."""
    args = parse_args(argv)
    try:
        scores, heading, code, space = measure(args)
    except InputError as error:
        print(f"answer_keys: {error}", file=sys.stderr)
        return 2
    unparsed_file = space.root / UNPARSED_FILE
    write_unparsed(scores, documents_in(args.folder), unparsed_file)
    print(f"\nRecall of the answer keys in {args.folder}: {heading}")
    print(render_table(scores))
    if args.misses > 0:
        print(render_misses(scores, args.misses))
    if args.unparsed:
        print(render_unparsed(scores))
    print(f"\nevery unparsed token with its line: {unparsed_file}")
    return code


if __name__ == "__main__":
    sys.exit(main())
