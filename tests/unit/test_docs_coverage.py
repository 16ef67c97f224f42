"""Every mart and every mart column has a description (house style: marts are documented
column by column; dbt docs show them). Reads models/marts/*.yml only: no dbt, no database."""

from __future__ import annotations

from pathlib import Path

import yaml

from orchestration import settings

MARTS_DIR = settings.PROJECT_ROOT / "models" / "marts"
PLACEHOLDERS = {"", "todo", "tbd", "tba", "-", "..."}


def _described(entry: dict) -> bool:
    text = str(entry.get("description") or "").strip()
    return text.lower().rstrip(".") not in PLACEHOLDERS


def undocumented(marts_dir: Path) -> list[str]:
    """Marts (SQL files) and columns of the folder without a description, in words."""
    models: dict[str, dict] = {}
    defined_in: dict[str, str] = {}
    for path in sorted(marts_dir.glob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            models[model["name"]] = model
            for version in model.get("versions") or []:
                file_name = version.get("defined_in") or f"{model['name']}_v{version['v']}"
                defined_in[file_name] = model["name"]
    problems = []
    for sql in sorted(marts_dir.glob("*.sql")):
        name = defined_in.get(sql.stem, sql.stem)
        model = models.get(name)
        if model is None:
            problems.append(f"{name}: no yml entry (no description, no columns)")
            continue
        if not _described(model):
            problems.append(f"{name}: no model description")
        columns = list(model.get("columns") or [])
        for version in model.get("versions") or []:
            columns += [c for c in version.get("columns") or [] if "name" in c]
        if not columns:
            problems.append(f"{name}: no columns listed")
        problems += [
            f"{name}.{column['name']}: no description"
            for column in columns
            if not _described(column)
        ]
    return problems


def test_every_mart_and_mart_column_has_a_description() -> None:
    assert sorted(MARTS_DIR.glob("*.sql")), f"no marts in {MARTS_DIR}"
    problems = undocumented(MARTS_DIR)
    assert not problems, "undocumented in models/marts:\n  " + "\n  ".join(problems)


def test_the_check_finds_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "fct_a.sql").write_text("select 1 as a_id, 2 as b", encoding="utf-8")
    (tmp_path / "dim_b.sql").write_text("select 1 as b_id", encoding="utf-8")
    (tmp_path / "fct_c.sql").write_text("select 1 as c_id", encoding="utf-8")
    (tmp_path / "_fct_a.yml").write_text(
        "version: 2\nmodels:\n"
        "  - name: fct_a\n    description: Facts.\n    columns:\n"
        "      - name: a_id\n        description: The id.\n"
        "      - name: b\n        description: '  TODO '\n"
        "  - name: fct_c\n    columns:\n      - name: c_id\n        description: Id.\n",
        encoding="utf-8",
    )
    assert undocumented(tmp_path) == [
        "dim_b: no yml entry (no description, no columns)",
        "fct_a.b: no description",
        "fct_c: no model description",
    ]
