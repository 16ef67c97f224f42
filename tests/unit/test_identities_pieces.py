"""The pieces of the corpus identity check: printings of one value agree, percentages agree
with their bases, totals are the sums of their parts. Invented facts only."""

from __future__ import annotations

from corpus.identities import Fact, _best_printings, _percentages, _sums

YEAR = ("", "2030-01-01", "2030-12-31", "actual")


def _fact(
    concept: str,
    raw: str,
    value: str,
    scale: int = 6,
    measure: str = "value",
    basis: tuple[str, str] | None = None,
    member: str = "",
) -> Fact:
    truth = {
        "period_start": "2030-01-01",
        "period_end": "2030-12-31",
        "scenario": "actual",
        "measure": measure,
        "raw_text": raw,
        "value": value,
        "scale": str(scale),
    }
    fact = {
        "concept": concept,
        "member": member,
        "basis_current": basis[0] if basis else "",
        "basis_prior": basis[1] if basis else "",
    }
    return Fact(truth, fact)


def test_best_printings_keep_the_most_precise_and_report_disagreements() -> None:
    millions = _fact("revenue", "1,234", "1234000000")
    billions = _fact("revenue", "1.2", "1200000000", scale=9)
    wrong = _fact("revenue", "1.3", "1300000000", scale=9)
    problems: list[str] = []
    best = _best_printings(problems, [billions, millions])
    assert best == {("revenue", *YEAR): millions}
    assert problems == []
    _best_printings(problems, [millions, wrong])
    assert problems == [f"{('revenue', *YEAR)}: printed 1.3 disagrees with 1,234"]


def test_percentages_agree_with_their_bases_and_the_printed_value() -> None:
    revenue = _fact("revenue", "1,100", "1100000000")
    up = _fact("revenue", "10.0", "10.0", 0, "change_percent", ("1100000000", "1000000000"))
    off = _fact("revenue", "12.0", "12.0", 0, "change_percent", ("1100000000", "1000000000"))
    stale = _fact("revenue", "20.0", "20.0", 0, "change_percent", ("1200000000", "1000000000"))
    problems: list[str] = []
    best = {("revenue", *YEAR): revenue}
    _percentages(problems, [revenue, up], best)
    assert problems == []
    _percentages(problems, [off, stale], best)
    assert problems == [
        f"revenue {YEAR}: 12.0% but the values give 10.0",
        f"revenue {YEAR}: YoY basis 1200000000 != printed 1,100",
    ]


def test_sums_compare_totals_with_their_parts() -> None:
    def best(*facts: Fact) -> dict:
        return {(f.concept, *f.key): f for f in facts}

    gross = _fact("gross_profit", "400", "400000000")
    revenue = _fact("revenue", "1,000", "1000000000")
    cost = _fact("cost_of_sales", "(600)", "-600000000")
    problems: list[str] = []
    _sums(problems, best(gross, revenue, cost))
    assert problems == []
    _sums(problems, best(_fact("gross_profit", "450", "450000000"), revenue, cost))
    assert len(problems) == 1
    assert problems[0].startswith(f"gross_profit {YEAR}: 450 != sum of ['1,000', '(600)']")
    problems = []
    _sums(problems, best(gross, revenue))  # a part missing: not compared
    assert problems == []
