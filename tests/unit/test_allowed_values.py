"""The allowed values of each enumerated column have one owner, and no layer disagrees.

The owner is a list among the vars of dbt_project.yml or, for units (data with a kind and a
currency), seeds/units.csv. Every other place that says which values a column takes must
say the same:

- accepted_values tests, and relationships tests to a seed, in models/**/*.yml and
  seeds/*.yml;
- the `<column> in (...)` check constraints of the marts' contracts;
- the `_in_set` lists of the Great Expectations suites (expectations/suites.py);
- the enums of the extractor that writes the raw layer (extraction/models.py);

and the values that the seeds' data and the model SQL name (`period_type = 'instant'`,
`measure in ('value', 'ratio')`) must be among the owner's. Reads files only: no dbt, no
database, no Great Expectations. Jinja in a place (`{{ var('measures') }}`) is rendered with
the project's vars, as dbt renders it.
"""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.nativetypes
import yaml

from orchestration import settings

UNITS_SEED = "seeds/units.csv"

# column -> the owner of its allowed values (a var of dbt_project.yml, or UNITS_SEED),
# in whichever model, source or seed the column appears
OWNERS = {
    "section_kind": "section_kinds",
    "measure": "measures",
    "scenario": "scenarios",
    "forecast_status": "forecast_statuses",
    "period_type": "period_types",
    "fiscal_period": "fiscal_periods",
    "share_basis": "share_bases",
    "mapping_method": "mapping_methods",
    "withheld_code": "withheld_codes",
    "statement": "statements",
    "unit": UNITS_SEED,
    "unit_kind": "unit_kinds",
    "balance": "balances",
    "sign_rule": "sign_rules",
    "weight": "roll_up_weights",
    "segment_type": "segment_types",
    "check_kind": "check_kinds",
    "evaluation": "identity_evaluations",
}
# (model or seed, column) -> owner, where the column's name means another thing there
OWNERS_IN = {
    ("stg_raw__documents", "status"): "extraction_statuses",
    ("stg_raw__tokens", "status"): "token_statuses",
    ("stg_raw__extraction_issues", "severity"): "issue_severities",
    ("dim_documents", "status"): "document_statuses",
    ("fct_check_failures", "severity"): "check_severities",
    ("int_check_failures", "check_kind"): "quarantine_check_kinds",
    ("rpt_statement_lines", "statement"): "primary_statements",
    ("kpis", "unit"): "kpi_units",
    ("dim_kpis", "unit"): "kpi_units",
}
# var -> the var it is a part of (a narrower column: the statements rpt_statement_lines shows)
PARTS = {"primary_statements": "statements", "quarantine_check_kinds": "check_kinds"}
# columns checked with `in (...)` that are ranges, not enumerations (a month, 1 to 12)
RANGES = {"fiscal_year_end_month"}
# enums of extraction/models.py -> the raw column the extractor writes them to
EXTRACTOR_ENUMS = {
    "SectionKind": ("stg_raw__figures", "section_kind"),
    "Measure": ("stg_raw__figures", "measure"),
    "TokenStatus": ("stg_raw__tokens", "status"),
    "DocumentStatus": ("stg_raw__documents", "status"),
}

CHECK_IN = re.compile(r"\s*(\w+)\s+in\s*\((.*)\)\s*", re.IGNORECASE | re.DOTALL)
SQL_IN = re.compile(
    r"\b(\w+)\s+(?:not\s+)?in\s*\(\s*('[^']*'(?:\s*,\s*'[^']*')*)\s*\)", re.IGNORECASE
)
SQL_EQUALS = re.compile(r"\b(\w+)\s*(?:=|!=|<>)\s*'([^']*)'")
# comments and Jinja statements (`{% macro m(statement='all') %}`): not SQL
SQL_NOT_COMPARED = re.compile(r"\{#.*?#\}|\{%.*?%\}|--[^\n]*", re.DOTALL)
REF = re.compile(r"\s*ref\(\s*['\"](\w+)['\"]\s*\)\s*")


@dataclass(frozen=True)
class Place:
    """Where the allowed values of a column are written, and what they are there."""

    where: str
    # the model, source table (`raw.documents`) or seed; None in model SQL (any model)
    model: str | None
    column: str
    values: frozenset[str]
    # False where only some of the allowed values are named (seed data, model SQL)
    complete: bool = True


def _strings(values: Any) -> frozenset[str]:
    """Values as text (a var's 1 and a CSV's "1" are one value), without nulls."""
    return frozenset(str(value) for value in values if value not in (None, ""))


def project_vars(root: Path) -> dict[str, Any]:
    project = yaml.safe_load((root / "dbt_project.yml").read_text(encoding="utf-8"))
    return project.get("vars") or {}


def seed_column(root: Path, seed: str, column: str) -> list[str]:
    with (root / "seeds" / f"{seed}.csv").open(encoding="utf-8", newline="") as rows:
        return [row[column] for row in csv.DictReader(rows)]


def owners_of(model: str | None, column: str) -> set[str]:
    """The owner of a column in a model; in model SQL (no model), any owner of its name."""
    if model is not None:
        owner = OWNERS_IN.get((model, column), OWNERS.get(column))
        return {owner} if owner else set()
    named = {owner for (_, name), owner in OWNERS_IN.items() if name == column}
    return named | ({OWNERS[column]} if column in OWNERS else set())


def owner_values(root: Path, variables: dict[str, Any], owner: str) -> tuple[str, frozenset]:
    """Where an owner is written, and its values."""
    if owner == UNITS_SEED:
        return f"{UNITS_SEED} unit", _strings(seed_column(root, "units", "unit"))
    return f"dbt_project.yml vars.{owner}", _strings(variables.get(owner) or [])


# --- the places ---------------------------------------------------------------------------


def _render(value: Any, variables: dict[str, Any], *, native: bool) -> Any:
    """A YAML value with its Jinja rendered, as dbt does: natively (a list stays a list) for
    a test's arguments, as text for a constraint's expression."""
    if not isinstance(value, str) or "{{" not in value:
        return value
    environment = jinja2.nativetypes.NativeEnvironment() if native else jinja2.Environment()
    return environment.from_string(value).render(var=variables.__getitem__)


def _entries(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(model, seed or `source.table`, entry) of a dbt properties file."""
    for kind in ("models", "seeds"):
        for entry in spec.get(kind) or []:
            yield entry["name"], entry
    for source in spec.get("sources") or []:
        for table in source.get("tables") or []:
            yield f"{source['name']}.{table['name']}", table


def _columns(entry: dict[str, Any]) -> list[dict[str, Any]]:
    columns = list(entry.get("columns") or [])
    for version in entry.get("versions") or []:
        columns += [c for c in version.get("columns") or [] if "name" in c]
    return columns


def _test_places(
    root: Path, variables: dict[str, Any], where: str, model: str, column: dict[str, Any]
) -> Iterator[Place]:
    """The accepted values, and the values of a seed a relationship points to, of a column."""
    name = column["name"]
    for test in column.get("data_tests") or column.get("tests") or []:
        if not isinstance(test, dict):
            continue
        ((kind, spec),) = test.items()
        arguments = (spec or {}).get("arguments", spec) or {}
        if kind == "accepted_values":
            values = _render(arguments["values"], variables, native=True)
            yield Place(f"{where} {model}.{name} accepted_values", model, name, _strings(values))
        elif kind == "relationships" and owners_of(model, name):
            seed = REF.fullmatch(str(arguments.get("to", "")))
            field = arguments.get("field")
            if seed and (root / "seeds" / f"{seed[1]}.csv").exists():
                values = _strings(seed_column(root, seed[1], field))
                label = f"{where} {model}.{name} relationships to seeds/{seed[1]}.csv {field}"
                yield Place(label, model, name, values)


def _check_places(
    variables: dict[str, Any], where: str, model: str, constraints: list[dict[str, Any]]
) -> Iterator[Place]:
    """The `<column> in (...)` check constraints, their Jinja rendered."""
    for constraint in constraints or []:
        if constraint.get("type") != "check":
            continue
        match = CHECK_IN.fullmatch(_render(constraint["expression"], variables, native=False))
        if match and match[1] not in RANGES:
            values = _strings(ast.literal_eval(f"({match[2]},)"))
            yield Place(f"{where} {model}.{match[1]} check", model, match[1], values)


def yaml_places(root: Path, variables: dict[str, Any]) -> list[Place]:
    """Tests and check constraints of models/**/*.yml and seeds/*.yml."""
    places: list[Place] = []
    for path in sorted([*root.glob("models/**/*.yml"), *root.glob("seeds/*.yml")]):
        where = str(path.relative_to(root))
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model, entry in _entries(spec):
            places += _check_places(variables, where, model, entry.get("constraints"))
            for column in _columns(entry):
                places += _test_places(root, variables, where, model, column)
                places += _check_places(variables, where, model, column.get("constraints"))
    return places


def seed_data_places(root: Path) -> list[Place]:
    """The values the seeds' rows carry in an owned column (units.csv's unit is the owner)."""
    places = []
    for path in sorted(root.glob("seeds/*.csv")):
        with path.open(encoding="utf-8", newline="") as rows:
            data = list(csv.DictReader(rows))
        where = f"seeds/{path.name}"
        for column in data[0] if data else []:
            if owners_of(path.stem, column) and (where, column) != (UNITS_SEED, "unit"):
                values = _strings(row[column] for row in data)
                places.append(Place(f"{where} {column}", path.stem, column, values, False))
    return places


def sql_places(root: Path) -> list[Place]:
    """The values the model SQL and macros compare an owned column with."""
    places = []
    for path in sorted([*root.glob("models/**/*.sql"), *root.glob("macros/*.sql")]):
        # blanked, not removed, so that a match's line is its line in the file
        sql = SQL_NOT_COMPARED.sub(
            lambda m: re.sub(r"[^\n]", " ", m[0]), path.read_text(encoding="utf-8")
        )
        named = [(m, ast.literal_eval(f"({m[2]},)")) for m in SQL_IN.finditer(sql)]
        named += [(m, [m[2]]) for m in SQL_EQUALS.finditer(sql)]
        for match, values in named:
            column = match[1].lower()
            if owners_of(None, column) and not any("{{" in value for value in values):
                line = sql.count("\n", 0, match.start()) + 1
                where = f"{path.relative_to(root)}:{line}"
                places.append(Place(where, None, column, _strings(values), False))
    return places


def _constant(node: ast.expr, constants: dict[str, ast.expr], root: Path, variables: dict) -> Any:
    """The value of a list in expectations/suites.py: a literal, `_dbt_var("...")`,
    `_seed_column("...", "...")` or a module constant made of those."""
    if isinstance(node, ast.Name) and node.id in constants:
        return _constant(constants[node.id], constants, root, variables)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        arguments = [ast.literal_eval(a) for a in node.args]
        if node.func.id == "_dbt_var":
            return variables[arguments[0]]
        if node.func.id == "_seed_column":
            return seed_column(root, *arguments)
    return ast.literal_eval(node)


def suite_places(root: Path, variables: dict[str, Any]) -> list[Place]:
    """The `_in_set(model, column, values, ...)` lists of the suites."""
    path = root / "expectations" / "suites.py"
    if not path.exists():
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {
        node.targets[0].id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    places = []
    for function in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
        names = {
            node.targets[0].id: node.value.value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
        }
        for call in ast.walk(function):
            if not (isinstance(call, ast.Call) and getattr(call.func, "id", "") == "_in_set"):
                continue
            model_arg, column_arg, values_arg = call.args[:3]
            model = names.get(getattr(model_arg, "id", ""), getattr(model_arg, "value", None))
            column = ast.literal_eval(column_arg)
            values = _strings(_constant(values_arg, constants, root, variables))
            where = f"expectations/suites.py {model}.{column} ({ast.unparse(values_arg)})"
            places.append(Place(where, model, column, values))
    return places


def extractor_places(root: Path) -> list[Place]:
    """The values of the extractor's enums, which it writes to the raw layer."""
    path = root / "extraction" / "models.py"
    if not path.exists():
        return []
    places = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef) and node.name in EXTRACTOR_ENUMS:
            model, column = EXTRACTOR_ENUMS[node.name]
            values = [s.value.value for s in node.body if isinstance(s, ast.Assign)]
            places.append(
                Place(f"extraction/models.py {node.name}", model, column, _strings(values))
            )
    return places


def all_places(root: Path) -> list[Place]:
    variables = project_vars(root)
    return [
        *yaml_places(root, variables),
        *seed_data_places(root),
        *sql_places(root),
        *suite_places(root, variables),
        *extractor_places(root),
    ]


# --- the comparison -----------------------------------------------------------------------


def _listed(values: frozenset[str]) -> str:
    return ", ".join(sorted(values)) or "nothing"


def disagreements(root: Path, places: list[Place]) -> list[str]:
    """Each place whose values are not its owner's (or, for data, not among them)."""
    variables = project_vars(root)
    problems = []
    for place in places:
        owners = owners_of(place.model, place.column)
        if not owners:
            problems.append(
                f"{place.column}: {place.where} lists allowed values, but the column has no "
                "owner: add a var to dbt_project.yml and the column to OWNERS"
            )
            continue
        owned = [owner_values(root, variables, owner) for owner in sorted(owners)]
        owner_where = " or ".join(where for where, _ in owned)
        allowed = frozenset().union(*(values for _, values in owned))
        if place.complete and place.values != allowed:
            problems.append(
                f"{place.column}: {place.where} and {owner_where} disagree: only the first "
                f"has {_listed(place.values - allowed)}; only the second has "
                f"{_listed(allowed - place.values)}"
            )
        elif not place.complete and not place.values <= allowed:
            problems.append(
                f"{place.column}: {place.where} names {_listed(place.values - allowed)}, "
                f"which {owner_where} does not allow"
            )
    return problems


def unowned_vars(variables: dict[str, Any]) -> list[str]:
    """Owners missing from the vars, list vars that own no column, parts that are not parts."""
    owners = {*OWNERS.values(), *OWNERS_IN.values()} - {UNITS_SEED}
    problems = [
        f"vars.{owner}: owns allowed values but is not in dbt_project.yml"
        for owner in sorted(owners - set(variables))
    ]
    problems += [
        f"vars.{name}: a list that no column is owned by (OWNERS, OWNERS_IN)"
        for name, value in variables.items()
        if isinstance(value, list) and name not in owners
    ]
    problems += [
        f"vars.{part}: has {_listed(extra)}, which vars.{whole} does not"
        for part, whole in PARTS.items()
        if (extra := _strings(variables.get(part, [])) - _strings(variables.get(whole, [])))
    ]
    return problems


# --- the tests ----------------------------------------------------------------------------


def test_every_layer_allows_what_the_owner_allows() -> None:
    root = settings.PROJECT_ROOT
    problems = unowned_vars(project_vars(root)) + disagreements(root, all_places(root))
    assert not problems, "allowed values that disagree:\n  " + "\n  ".join(problems)


def test_the_places_of_every_layer_are_read() -> None:
    """The comparison above is not empty: every layer's places are found."""
    places = all_places(settings.PROJECT_ROOT)
    found = {(p.where.split()[0].split(":")[0], p.model, p.column) for p in places}
    assert {
        ("models/staging/raw/_raw__models.yml", "stg_raw__figures", "measure"),
        ("models/staging/raw/_raw__models.yml", "stg_raw__figures", "unit"),
        ("models/intermediate/_int_figures_mapped.yml", "int_figures_mapped", "withheld_code"),
        ("models/marts/_fct_financial_facts.yml", "fct_financial_facts", "measure"),
        ("models/marts/_fct_financial_facts.yml", "fct_financial_facts", "unit"),
        ("models/marts/_dim_documents.yml", "dim_documents", "status"),
        ("seeds/_seeds.yml", "units", "unit_kind"),
        ("seeds/line_items.csv", "line_items", "statement"),
        ("seeds/segments.csv", "segments", "segment_type"),
        ("models/intermediate/int_figures_mapped.sql", None, "measure"),
        ("expectations/suites.py", "fct_financial_facts", "unit"),
        ("expectations/suites.py", "dim_segments", "segment_type"),
        ("extraction/models.py", "stg_raw__documents", "status"),
    } <= found


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_the_check_finds_what_disagrees(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "dbt_project.yml": "vars:\n  measures: [value, change, ratio]\n",
            "seeds/units.csv": "unit\nJPY\n",
            "models/staging/_stg.yml": (
                "models:\n  - name: stg_figures\n    columns:\n"
                "      - name: measure\n        data_tests:\n          - accepted_values:\n"
                "              arguments:\n                values: \"{{ var('measures') }}\"\n"
                "      - name: unit\n        data_tests:\n          - relationships:\n"
                "              arguments: {to: ref('units'), field: unit}\n"
                "      - name: colour\n        data_tests:\n"
                "          - accepted_values: {values: [red]}\n"
            ),
            "models/marts/_fct.yml": (
                "models:\n  - name: fct_facts\n    columns:\n"
                "      - name: measure\n        constraints:\n"
                "          - {type: check, expression: \"measure in ('value', 'change')\"}\n"
                "      - name: unit\n        constraints:\n"
                "          - {type: check, expression: \"unit in ('JPY', 'USD')\"}\n"
            ),
            "models/marts/fct_facts.sql": "select * from f where f.measure in ('value', 'rate')",
            "expectations/suites.py": (
                'MEASURES = _dbt_var("measures")\n'
                'def fct_facts():\n    m = "fct_facts"\n'
                '    return [_in_set(m, "measure", MEASURES, "measures")]\n'
            ),
            "extraction/models.py": 'class Measure(StrEnum):\n    VALUE = "value"\n',
        },
    )
    assert disagreements(tmp_path, all_places(tmp_path)) == [
        "measure: models/marts/_fct.yml fct_facts.measure check and dbt_project.yml "
        "vars.measures disagree: only the first has nothing; only the second has ratio",
        "unit: models/marts/_fct.yml fct_facts.unit check and seeds/units.csv unit disagree: "
        "only the first has USD; only the second has nothing",
        "colour: models/staging/_stg.yml stg_figures.colour accepted_values lists allowed "
        "values, but the column has no owner: add a var to dbt_project.yml and the column "
        "to OWNERS",
        "measure: models/marts/fct_facts.sql:1 names rate, which dbt_project.yml vars.measures "
        "does not allow",
        "measure: extraction/models.py Measure and dbt_project.yml vars.measures disagree: "
        "only the first has nothing; only the second has change, ratio",
    ]


def test_vars_without_a_column_or_beyond_their_whole_are_found() -> None:
    owners = {*OWNERS.values(), *OWNERS_IN.values()} - {UNITS_SEED, "measures"}
    variables: dict[str, Any] = {name: ["x"] for name in owners}
    variables |= {"colours": ["red"], "primary_statements": ["x", "y"], "percent_limit": 1}
    assert unowned_vars(variables) == [
        "vars.measures: owns allowed values but is not in dbt_project.yml",
        "vars.colours: a list that no column is owned by (OWNERS, OWNERS_IN)",
        "vars.primary_statements: has y, which vars.statements does not",
    ]
