"""The README stays a front door and the docs point only at things that exist.

Checks README.md and docs/*.md with plain file reads (no git, make, dbt or network):

- README.md has at most ``README_MAX_LINES`` lines (house style: a front door, a few hundred
  lines at most; the rest lives in docs/);
- every relative link names a file in the repository, and a ``#anchor`` into a Markdown file
  names one of its headings (GitHub's anchors);
- every ``make <target>`` written as code (in backticks or a fenced block) is a Makefile target;
- every ``python -m <module>`` of this repository written as code can be run (a module with a
  ``__main__`` guard, or a package with ``__main__.py``);
- every repository path the README writes in backticks (``orchestration/cli.py``,
  ``models/marts/``) exists, unless git ignores it (generated: ``data/warehouse/...``).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

import pytest

from orchestration import settings

ROOT = settings.PROJECT_ROOT
README_MAX_LINES = 250

FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
MAKE_TARGET_NAME = re.compile(r"^[A-Za-z0-9_.%/-]+$")
MAKEFILE_RULE = re.compile(r"^([^:=#\s][^:=#]*?)\s*::?(?!=)")
PYTHON_MODULE = re.compile(r"\bpython3?\s+-m\s+([A-Za-z_][\w.]*)")
MAIN_GUARD = re.compile(r"""__name__\s*==\s*["']__main__["']""")
# characters that make a backticked span something other than a plain repository path
NOT_A_PATH = re.compile(r"""[\s:<>{}$=|,()'"@?\[\]\\]""")


def doc_files(root: Path) -> list[Path]:
    """README.md and every docs/*.md under ``root``."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def markdown_lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """Each line of ``text`` as (number, line, inside a fenced code block); fences excluded."""
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        yield number, line, fenced


def code_snippets(text: str) -> Iterator[tuple[int, str]]:
    """Code in ``text``: each line of a fenced block and each code span."""
    for number, line, fenced in markdown_lines(text):
        if fenced:
            yield number, line
        else:
            for match in CODE_SPAN.finditer(line):
                yield number, match.group(2)


def heading_anchors(text: str) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown text (``-1``, ``-2`` for repeats)."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    for _, line, fenced in markdown_lines(text):
        match = None if fenced else HEADING.match(line)
        if match is None:
            continue
        title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match.group(1)).strip().lower()
        slug = re.sub(r"[^\w\- ]", "", title).replace(" ", "-")
        repeats = seen.get(slug, 0)
        seen[slug] = repeats + 1
        anchors.add(slug if repeats == 0 else f"{slug}-{repeats}")
    return anchors


def _links(text: str) -> Iterator[tuple[int, str]]:
    """Link and image targets outside code, with their line numbers."""
    for number, line, fenced in markdown_lines(text):
        if fenced:
            continue
        prose = CODE_SPAN.sub("", line)
        for match in INLINE_LINK.finditer(prose):
            yield number, match.group(1)
        reference = REFERENCE_LINK.match(prose)
        if reference:
            yield number, reference.group(1)


def broken_links(root: Path) -> list[str]:
    """Relative links of the docs that name no file, or no heading, in the repository."""
    problems = []
    for doc in doc_files(root):
        where = doc.relative_to(root)
        for number, target in _links(doc.read_text(encoding="utf-8")):
            if URL_SCHEME.match(target) or target.startswith("//"):
                continue
            path_part, _, anchor = target.partition("#")
            linked = (doc.parent / path_part).resolve() if path_part else doc
            if path_part and not linked.is_relative_to(root.resolve()):
                problems.append(f"{where}:{number}: {target} leaves the repository")
            elif not linked.exists():
                problems.append(f"{where}:{number}: {target}: no such file")
            elif (
                anchor
                and linked.suffix == ".md"
                and anchor not in heading_anchors(linked.read_text(encoding="utf-8"))
            ):
                problems.append(f"{where}:{number}: {target}: no heading #{anchor}")
    return problems


def makefile_targets(makefile: Path) -> set[str]:
    """The explicit targets of a Makefile (not special targets, not variable names)."""
    targets = set()
    for line in makefile.read_text(encoding="utf-8").splitlines():
        if line.startswith(("\t", "#")):
            continue
        match = MAKEFILE_RULE.match(line)
        if match:
            targets |= {
                name
                for name in match.group(1).split()
                if MAKE_TARGET_NAME.match(name) and not name.startswith(".")
            }
    return targets


def shell_commands(snippet: str) -> Iterator[list[str]]:
    """The words of each command in a line of shell (split at ``&&``, ``;``, ``|``), quotes
    honoured; a line shlex cannot read is split at blanks."""
    lexer = shlex.shlex(snippet, posix=True, punctuation_chars=True)
    try:
        tokens = list(lexer)
    except ValueError:  # an unbalanced quote: not shell, but may still name a target
        tokens = snippet.split()
    command: list[str] = []
    for token in tokens:
        if token and set(token) <= set(lexer.punctuation_chars):
            yield command
            command = []
        else:
            command.append(token)
    yield command


def make_calls(snippet: str) -> Iterator[str]:
    """The targets of each ``make`` command in a code snippet (``make`` alone names none)."""
    for words in shell_commands(snippet):
        while words and ASSIGNMENT.match(words[0]):
            words.pop(0)
        if not words or words[0] != "make":
            continue
        for word in words[1:]:
            if ASSIGNMENT.match(word) or word.startswith("-"):
                continue
            if MAKE_TARGET_NAME.match(word):
                yield word


def unknown_make_targets(root: Path) -> list[str]:
    """``make <target>`` written in the docs where the Makefile has no such target."""
    known = makefile_targets(root / "Makefile")
    problems = []
    for doc in doc_files(root):
        for number, snippet in code_snippets(doc.read_text(encoding="utf-8")):
            problems += [
                f"{doc.relative_to(root)}:{number}: make {target}: no such target in the Makefile"
                for target in make_calls(snippet)
                if target not in known
            ]
    return problems


def module_problem(root: Path, module: str) -> str | None:
    """Why ``python -m module`` cannot run from ``root``, or None (also for outside modules)."""
    parts = module.split(".")
    if not ((root / parts[0]).is_dir() or (root / f"{parts[0]}.py").is_file()):
        return None  # not this repository's (pip, dagster, ...)
    package = root.joinpath(*parts)
    if (package / "__main__.py").is_file():
        return None
    source = package.with_suffix(".py")
    if not source.is_file():
        return "no such module"
    if not MAIN_GUARD.search(source.read_text(encoding="utf-8")):
        return f"{source.relative_to(root)} has no __main__ guard: it cannot be run"
    return None


def unrunnable_modules(root: Path) -> list[str]:
    """``python -m <module>`` written in the docs for a module of this repository that
    does not exist or cannot be run."""
    problems = []
    for doc in doc_files(root):
        for number, snippet in code_snippets(doc.read_text(encoding="utf-8")):
            for module in PYTHON_MODULE.findall(snippet):
                problem = module_problem(root, module)
                if problem:
                    where = f"{doc.relative_to(root)}:{number}"
                    problems.append(f"{where}: python -m {module}: {problem}")
    return problems


def git_ignored(root: Path, path: str) -> bool:
    """Whether a .gitignore of ``root`` or of a folder on ``path`` ignores it (plain patterns;
    negations are not read)."""
    parts = PurePosixPath(path).parts
    for depth in range(len(parts)):
        ignore_file = root.joinpath(*parts[:depth], ".gitignore")
        if not ignore_file.is_file():
            continue
        below = parts[depth:]
        for raw in ignore_file.read_text(encoding="utf-8").splitlines():
            pattern = raw.strip()
            if not pattern or pattern.startswith(("#", "!")):
                continue
            anchored = "/" in pattern.rstrip("/")
            pattern = pattern.strip("/")
            for end in range(1, len(below) + 1):
                candidate = "/".join(below[:end]) if anchored else below[end - 1]
                if fnmatchcase(candidate, pattern):
                    return True
    return False


def is_repository_path(root: Path, span: str) -> bool:
    """Whether a backticked span names a path in the repository, as ``models/marts/`` does,
    rather than an asset key (``raw/documents``), a URL or a placeholder."""
    if NOT_A_PATH.search(span) or span.startswith(("/", "~", "..", "-")) or "/" not in span:
        return False
    path = span.removeprefix("./")
    first = path.split("/")[0]
    return (root / first).exists() or path.endswith("/") or PurePosixPath(path).suffix != ""


def missing_readme_paths(root: Path) -> list[str]:
    """Repository paths written in backticks in README.md (outside code blocks) that do not
    exist and are not generated (git-ignored)."""
    problems = []
    readme = root / "README.md"
    for number, line, fenced in markdown_lines(readme.read_text(encoding="utf-8")):
        if fenced:
            continue
        for match in CODE_SPAN.finditer(line):
            span = match.group(2).strip()
            if not is_repository_path(root, span):
                continue
            path = span.removeprefix("./").rstrip("/")
            exists = any(root.glob(path)) if "*" in path else (root / path).exists()
            if not exists and not git_ignored(root, path):
                problems.append(f"README.md:{number}: `{span}` does not exist")
    return problems


def long_readme(root: Path) -> list[str]:
    """README.md over ``README_MAX_LINES`` lines, in words."""
    lines = len((root / "README.md").read_text(encoding="utf-8").splitlines())
    if lines <= README_MAX_LINES:
        return []
    return [f"README.md has {lines} lines, more than {README_MAX_LINES}: move topics to docs/"]


CHECKS = {
    "the README is a front door": long_readme,
    "relative links name existing files and headings": broken_links,
    "make targets named in the docs exist": unknown_make_targets,
    "python -m modules named in the docs can run": unrunnable_modules,
    "repository paths in the README exist": missing_readme_paths,
}


@pytest.mark.parametrize(("rule", "check"), CHECKS.items(), ids=CHECKS.keys())
def test_the_docs(rule: str, check: Callable[[Path], list[str]]) -> None:
    problems = check(ROOT)
    assert not problems, "\n  ".join([f"not so: {rule}", *problems])


def test_the_checks_find_what_is_broken(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text(
        ".PHONY: run\nVENV := .venv\nrun: install ## build\n\techo run\ninstall:\n",
        encoding="utf-8",
    )
    (tmp_path / ".gitignore").write_text("/data/warehouse/\n", encoding="utf-8")
    (tmp_path / "tool").mkdir()
    (tmp_path / "tool" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "tool" / "cli.py").write_text("if __name__ == '__main__':\n    pass\n", "utf-8")
    (tmp_path / "tool" / "lib.py").write_text("VALUE = 1\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "ops.md").write_text(
        "# Operations\n\n## The UI\n\n[up](../README.md#the-front) [gone](gone.md) "
        "[ok](#the-ui) [bad](#the-cli) [out](../../elsewhere.md) [web](https://example.com)\n\n"
        '```sh\nWAREHOUSE_PATH=x make run ARGS="--a 10"  # make sure\n'
        "make deploy\npython -m tool.lib\n```\n",
        encoding="utf-8",
    )
    filler = "filler\n" * README_MAX_LINES
    (tmp_path / "README.md").write_text(
        "# The front\n\n`make run`, `make install -j2 install`, `make publish`, "
        "`python -m tool.cli`, `python -m tool.gone`, `python -m pip install x`\n\n"
        "`tool/cli.py` `tool/main.py` `tool/` `missing/` `raw/documents` `tool/*.py` "
        "`data/warehouse/x.duckdb` `../shared` `http://127.0.0.1:3000`\n" + filler,
        encoding="utf-8",
    )
    assert long_readme(tmp_path) == [
        f"README.md has {README_MAX_LINES + 5} lines, more than {README_MAX_LINES}: "
        "move topics to docs/"
    ]
    assert broken_links(tmp_path) == [
        "docs/ops.md:5: gone.md: no such file",
        "docs/ops.md:5: #the-cli: no heading #the-cli",
        "docs/ops.md:5: ../../elsewhere.md leaves the repository",
    ]
    assert unknown_make_targets(tmp_path) == [
        "README.md:3: make publish: no such target in the Makefile",
        "docs/ops.md:9: make deploy: no such target in the Makefile",
    ]
    assert unrunnable_modules(tmp_path) == [
        "README.md:3: python -m tool.gone: no such module",
        "docs/ops.md:10: python -m tool.lib: tool/lib.py has no __main__ guard: it cannot be run",
    ]
    assert missing_readme_paths(tmp_path) == [
        "README.md:5: `tool/main.py` does not exist",
        "README.md:5: `missing/` does not exist",
    ]
