"""The answer-key matching rules and the key files' errors (benchmarks/answer_keys.py).

Every key row here is invented; none comes from the real keys."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

# benchmarks/ is read from the checkout, installed or not
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.answer_keys import (  # noqa: E402
    KEY_COLUMNS,
    DocumentScore,
    Fact,
    InputError,
    KeyRow,
    find_misses,
    match_failures,
    matches,
    prepare_workspace,
    read_keys,
    render_table,
    show,
)

D = dt.date
# an amount printed in millions for a quarter, and the fact that is it
KEY = KeyRow(
    file="acme.txt",
    measure="value",
    unit="JPY",
    period_start=D(2031, 4, 1),
    period_end=D(2031, 6, 30),
    value=Decimal("12345000000"),
    decimals=-6,
    scenario="actual",
)
FACT = Fact(
    unit="JPY",
    period_start=D(2031, 4, 1),
    period_end=D(2031, 6, 30),
    scenario="actual",
    measure="value",
    value=Decimal("12345000000"),
)
INSTANT_KEY = replace(KEY, period_start=None, period_end=D(2031, 6, 30))
INSTANT_FACT = replace(FACT, period_start=None)


def test_the_same_fact_matches() -> None:
    assert match_failures(KEY, FACT) == ()
    assert matches(INSTANT_KEY, INSTANT_FACT)


@pytest.mark.parametrize(
    ("offset", "found"),
    [
        ("499999", True),  # inside half a million
        ("500000", True),  # exactly at the precision's edge: still the printed number
        ("500000.000001", False),  # just past it
        ("-500000", True),
        ("-500001", False),
    ],
)
def test_value_within_half_a_unit_of_the_printed_precision(offset: str, found: bool) -> None:
    fact = replace(FACT, value=KEY.value + Decimal(offset))
    assert matches(KEY, fact) is found


@pytest.mark.parametrize(
    ("printed", "decimals", "fact_value", "found"),
    [
        ("7.25", 2, "7.255", True),  # per-share amount to two places
        ("7.25", 2, "7.2551", False),
        ("-3.4", 1, "-3.45", True),  # a negative % change to one place
        ("-3.4", 1, "-3.35", True),
        ("-3.4", 1, "3.4", False),  # the sign counts
        ("12", 0, "12.5", True),
        ("12", 0, "12.51", False),
    ],
)
def test_tolerance_follows_decimals(printed: str, decimals: int, fact_value, found) -> None:
    key = replace(KEY, value=Decimal(printed), decimals=decimals, unit="percent")
    fact = replace(FACT, value=Decimal(fact_value), unit="percent")
    assert matches(key, fact) is found


def test_a_fact_without_a_value_never_matches() -> None:
    assert "value" in match_failures(KEY, replace(FACT, value=None))


@pytest.mark.parametrize(
    ("start_shift", "end_shift", "found"),
    [
        (7, 0, True),  # a 52/53-week year starts up to a week off
        (-7, 0, True),
        (8, 0, False),
        (-8, 0, False),
        (0, 3, True),
        (0, -3, True),
        (0, 4, False),
        (0, -4, False),
        (-6, -2, True),  # "Three Months Ended June 28" style: both ends off, inside the windows
    ],
)
def test_duration_windows(start_shift: int, end_shift: int, found: bool) -> None:
    fact = replace(
        FACT,
        period_start=KEY.period_start + dt.timedelta(days=start_shift),
        period_end=KEY.period_end + dt.timedelta(days=end_shift),
    )
    assert matches(KEY, fact) is found


def test_an_instant_wants_the_same_date_and_no_window() -> None:
    assert not matches(INSTANT_KEY, replace(INSTANT_FACT, period_end=D(2031, 7, 1)))
    assert not matches(INSTANT_KEY, replace(INSTANT_FACT, period_end=D(2031, 6, 29)))


def test_instants_and_durations_never_match_each_other() -> None:
    assert match_failures(INSTANT_KEY, FACT) == ("period",)
    assert match_failures(KEY, INSTANT_FACT) == ("period",)


def test_a_figure_without_a_period_never_matches() -> None:
    assert "period" in match_failures(KEY, replace(FACT, period_start=None, period_end=None))
    assert "period" in match_failures(
        INSTANT_KEY, replace(FACT, period_start=None, period_end=None)
    )


@pytest.mark.parametrize(
    ("key_measure", "fact_measure", "found"),
    [
        ("value", "value", True),
        ("value", "ratio", True),  # an equity ratio printed as a level
        ("value", "change_percent", False),
        ("value", "change", False),
        ("change_percent", "change_percent", True),
        ("change_percent", "value", False),
        ("change_percent", "ratio", False),
    ],
)
def test_measure_classes(key_measure: str, fact_measure: str, found: bool) -> None:
    assert matches(replace(KEY, measure=key_measure), replace(FACT, measure=fact_measure)) is found


def test_scenario_must_agree() -> None:
    assert match_failures(KEY, replace(FACT, scenario="forecast")) == ("scenario",)
    assert matches(replace(KEY, scenario="forecast"), replace(FACT, scenario="forecast"))


@pytest.mark.parametrize("unit", ["USD", "JPY/share", "unknown", None])
def test_unit_mismatch(unit: str | None) -> None:
    assert match_failures(KEY, replace(FACT, unit=unit)) == ("unit",)


def test_every_broken_rule_is_named() -> None:
    wrong = Fact("USD", None, D(2031, 6, 30), "forecast", "change_percent", Decimal(1))
    assert match_failures(KEY, wrong) == ("unit", "period", "scenario", "measure", "value")


def test_misses_name_the_nearest_figure_with_the_value() -> None:
    other = replace(KEY, value=Decimal("999000000"))
    wrong_period = replace(FACT, period_start=D(2031, 1, 1), line=40, label="Net sales")
    misses = find_misses([KEY, other], [wrong_period])
    assert [key for key, _ in misses] == [KEY, other]
    assert "differs in period" in misses[0][1]
    assert "line 40 'Net sales'" in misses[0][1]
    assert misses[1][1] == "value not found"
    # a raw figure that would have matched: extracted but not published
    assert "not published" in find_misses([KEY], [], [FACT])[0][1]
    assert find_misses([KEY], [wrong_period, FACT]) == []


def test_show_writes_values_plainly() -> None:
    assert show(Decimal("1.040000")) == "1.04"
    assert show(Decimal("5E+9")) == "5000000000"
    assert show(Decimal("738000000.000000")) == "738000000"
    assert show(None) == "no value"


# ---------------------------------------------------------------- key files


def write_keys(folder: Path, name: str, rows: list[str], header: str | None = None) -> Path:
    (folder / "keys").mkdir(exist_ok=True)
    path = folder / "keys" / f"{name}.csv"
    path.write_text("\n".join([header or ",".join(KEY_COLUMNS), *rows]) + "\n", encoding="utf-8")
    return path


GOOD = (
    "acme.txt,summary,Results,Net sales,value,JPY,duration,2031-04-01,2031-06-30,"
    "12345000000,-6,actual,12"
)
INSTANT = "acme.txt,position,,Total assets,value,JPY,instant,,2031-06-30,98765000000,-6,actual,20"


def test_key_rows_are_read_by_document(tmp_path: Path) -> None:
    write_keys(tmp_path, "acme", [GOOD, INSTANT])
    keys = read_keys(tmp_path / "keys", ["acme.txt", "other.txt"])
    assert list(keys) == ["acme.txt"]
    net_sales, assets = keys["acme.txt"]
    assert matches(net_sales, FACT)
    assert assets.period_start is None and assets.value == Decimal("98765000000")
    assert net_sales.where.endswith("acme.csv line 2") and net_sales.source_line == "12"


def test_a_key_naming_a_missing_document_is_an_error(tmp_path: Path) -> None:
    write_keys(tmp_path, "acme", [GOOD])
    with pytest.raises(InputError, match=r"acme\.csv: names document acme\.txt, which is not"):
        read_keys(tmp_path / "keys", ["other.txt"])


def test_a_row_naming_another_missing_document_is_an_error(tmp_path: Path) -> None:
    write_keys(tmp_path, "acme", [GOOD.replace("acme.txt", "acne.txt", 1)])
    with pytest.raises(InputError, match=r"acme\.csv line 2: file 'acne\.txt' is not a document"):
        read_keys(tmp_path / "keys", ["acme.txt"])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            GOOD.replace("2031-06-30", "2031-06-31"),
            r"line 2: period_end '2031-06-31' is not a date",
        ),
        (GOOD.replace(",-6,", ",millions,"), r"line 2: decimals 'millions' is not an integer"),
        (GOOD.replace("12345000000", "12,345"), r"line 2: expected 13 fields"),
        (GOOD.replace("12345000000", "twelve"), r"line 2: value 'twelve' is not a number"),
        (GOOD.replace(",value,", ",level,"), r"line 2: measure 'level' is not one of"),
        (GOOD.replace(",actual,", ",plan,"), r"line 2: scenario 'plan' is not one of"),
        (GOOD.replace(",duration,", ",span,"), r"line 2: period_type 'span' is not one of"),
        (GOOD.rsplit(",", 1)[0], r"line 2: expected 13 fields"),
        (INSTANT.replace(",,2031", ",2031-04-01,2031"), r"line 2: an instant has no period_start"),
        (GOOD.replace(",JPY,", ",,"), r"line 2: unit is empty"),
    ],
)
def test_malformed_rows_say_what_and_where(tmp_path: Path, row: str, message: str) -> None:
    write_keys(tmp_path, "acme", [row])
    with pytest.raises(InputError, match=message):
        read_keys(tmp_path / "keys", ["acme.txt"])


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    write_keys(tmp_path, "acme", [GOOD.replace(",-6,", ",x,"), GOOD, INSTANT.replace("JPY", "")])
    with pytest.raises(InputError, match="2 problem") as raised:
        read_keys(tmp_path / "keys", ["acme.txt"])
    assert "line 2" in str(raised.value) and "line 4" in str(raised.value)


def test_a_header_without_the_columns_is_an_error(tmp_path: Path) -> None:
    write_keys(tmp_path, "acme", [GOOD], header="file,label,value")
    with pytest.raises(InputError, match=r"acme\.csv line 1: the header lacks column\(s\) table"):
        read_keys(tmp_path / "keys", ["acme.txt"])


def test_a_missing_keys_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such keys folder"):
        read_keys(tmp_path / "keys", ["acme.txt"])


def test_a_workdir_holding_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(InputError, match="did not write"):
        prepare_workspace(tmp_path)
    assert (tmp_path / "precious.txt").exists()
    fresh = prepare_workspace(tmp_path / "new")
    (fresh.root / "old.log").write_text("a previous measurement")
    assert not (prepare_workspace(fresh.root).root / "old.log").exists()


def test_the_table_sums_keyed_documents_only() -> None:
    keyed = DocumentScore("a.txt", "published", keys=[KEY] * 4, found=3, figures=10, facts=8)
    keyed.tokens = 20
    unkeyed = DocumentScore("b.txt", "quarantined", "an identity breaks", figures=50, tokens=80)
    table = render_table([keyed, unkeyed]).splitlines()
    numbers = ["4", "3", "75.0%", "10", "8", "20", "0", "0.0%"]
    assert table[1].split() == ["a.txt", "published", *numbers]
    assert table[2].split()[:4] == ["b.txt", "quarantined", "-", "-"]
    assert table[3].startswith("overall (1 keyed document) ")
    assert table[3].split()[4:] == numbers
    assert table[4] == "  b.txt: quarantined: an identity breaks"
