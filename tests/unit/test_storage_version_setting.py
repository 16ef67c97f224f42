"""``WAREHOUSE_STORAGE_VERSION``: the DuckDB storage format the published warehouse is written
in (orchestration/settings.py)."""

from __future__ import annotations

import pytest

from orchestration.settings import warehouse_storage_version

VARIABLE = "WAREHOUSE_STORAGE_VERSION"


@pytest.mark.parametrize("value", [None, ""])
def test_unset_or_empty_means_duckdb_1_1(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv(VARIABLE, raising=False)
    else:
        monkeypatch.setenv(VARIABLE, value)
    assert warehouse_storage_version() == "v1.1.0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("v1.1.0", "v1.1.0"),
        ("v1.4.0", "v1.4.0"),
        ("1.2.0", "v1.2.0"),
        (" v1.3.0\n", "v1.3.0"),
        ("v01.02.00", "v1.2.0"),
        ("v2.0.0", "v2.0.0"),
    ],
)
def test_a_release_number_is_read_with_its_leading_v(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    monkeypatch.setenv(VARIABLE, value)
    assert warehouse_storage_version() == expected


@pytest.mark.parametrize(
    "value",
    # "\u0661" is an Arabic-Indic one: a digit to str.isdigit() and int(), not to DuckDB.
    [
        "v1.\u0661.0",
        "1.1",
        "v1",
        "latest",
        "v1.1.0-dev",
        "V1.1.0",
        "vv1.1.0",
        "1.1.0.0",
        "v1.x.0",
        "-",
    ],
)
def test_anything_else_is_refused_naming_the_variable_and_the_form(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(VARIABLE, value)
    with pytest.raises(ValueError) as refused:
        warehouse_storage_version()
    message = str(refused.value)
    assert message.startswith(f"{VARIABLE}={value!r}: ")
    assert "vMAJOR.MINOR.PATCH" in message
    assert "v1.1.0" in message
