"""Check a generated release's printed figures against the accounting identities.

Reads only what the generator wrote beside the release (``<name>.truth.csv`` and
``<name>.facts.csv``), not the model it printed from, so a rendering or rounding mistake
shows. Checked, with the slack rounding allows (one unit of printed precision per term):

- the same fact printed at several precisions agrees after rounding;
- a printed YoY % agrees with the two values it compares, and a printed ratio with its
  numerator and denominator (and those with their own printings, where printed);
- profit or loss: revenue and cost lines sum to their totals, the cascade to gross
  profit, operating profit, profit before tax and profit; owners + NCI = profit;
- comprehensive income: its subtotals, profit + OCI = total, owners + NCI = total;
- financial position: every subtotal, assets = liabilities + equity, owners + NCI = equity;
- cash flows: each section, the net change, opening cash + net change = closing cash
  (the closing cash is the balance sheet's, being the same fact);
- changes in equity: opening + movements = closing per component, closing = balance sheet;
- segments: segments + adjustments = consolidated, per row and period.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from corpus.model import (
    CURRENT_ASSETS,
    CURRENT_LIABILITIES,
    EQUITY_COMPONENTS,
    FINANCING_CF,
    INVESTING_CF,
    NONCURRENT_ASSETS,
    NONCURRENT_LIABILITIES,
    OPERATING_CF,
    SERVICE_LINES,
)

# total = sum of parts, within one fact group (member, period, scenario)
SUMS: list[tuple[str, tuple[str, ...]]] = [
    ("revenue", tuple(f"rev_{s}" for s in SERVICE_LINES)),
    ("cost_of_sales", tuple(f"cost_{s}" for s in SERVICE_LINES)),
    ("gross_profit", ("revenue", "cost_of_sales")),
    ("operating_profit", ("gross_profit", "sga", "other_income", "other_expense")),
    ("pbt", ("operating_profit", "finance_income", "finance_costs", "equity_method")),
    ("profit", ("pbt", "tax")),
    ("profit", ("profit_owners", "profit_nci")),
    ("oci_not_reclassified", ("oci_equity_instruments",)),
    ("oci_reclassified", ("oci_translation", "oci_equity_method")),
    ("oci", ("oci_not_reclassified", "oci_reclassified")),
    ("tci", ("profit", "oci")),
    ("tci", ("tci_owners", "tci_nci")),
    ("current_assets", CURRENT_ASSETS),
    ("noncurrent_assets", NONCURRENT_ASSETS),
    ("assets", ("current_assets", "noncurrent_assets")),
    ("current_liabilities", CURRENT_LIABILITIES),
    ("noncurrent_liabilities", NONCURRENT_LIABILITIES),
    ("liabilities", ("current_liabilities", "noncurrent_liabilities")),
    ("owners_equity", EQUITY_COMPONENTS),
    ("equity", ("owners_equity", "nci")),
    ("liabilities_and_equity", ("liabilities", "equity")),
    ("assets", ("liabilities_and_equity",)),
    ("cfo", (*OPERATING_CF, "taxes_paid")),
    ("cfi", INVESTING_CF),
    ("cff", FINANCING_CF),
    ("net_change", ("cfo", "cfi", "cff", "fx_effect")),
    ("cie_tci", ("cie_profit", "cie_oci")),
    ("cie_owners_transactions", ("cie_buyback", "cie_dividends", "cie_sbc")),
]
_CIE_MOVEMENTS = ("cie_profit", "cie_oci", "cie_buyback", "cie_dividends", "cie_sbc")
_CIE_COMPONENTS = (*EQUITY_COMPONENTS, "owners_equity", "nci", "equity")


class Fact:
    """One printed figure: its concept and context, value and printed precision."""

    __slots__ = ("basis", "concept", "key", "measure", "precision", "raw", "value")

    def __init__(self, truth: dict[str, str], fact: dict[str, str]) -> None:
        self.concept = fact["concept"]
        start = truth["period_start"] or None
        self.key = (fact["member"], start, truth["period_end"], truth["scenario"])
        self.measure = truth["measure"]
        self.raw = truth["raw_text"]
        self.value = Decimal(truth["value"])
        places = len(self.raw.split(".")[1].rstrip(")%")) if "." in self.raw else 0
        self.precision = Decimal(10) ** (int(truth["scale"]) - places)
        self.basis = (
            (Decimal(fact["basis_current"]), Decimal(fact["basis_prior"]))
            if fact["basis_current"]
            else None
        )


def load(truth_path: Path) -> list[Fact]:
    """The facts of a release from its truth file and the facts file beside it."""
    facts_path = truth_path.with_name(truth_path.name.replace(".truth.csv", ".facts.csv"))
    with truth_path.open(newline="", encoding="utf-8") as t, facts_path.open(newline="") as f:
        truth_rows, fact_rows = list(csv.DictReader(t)), list(csv.DictReader(f))
    if len(truth_rows) != len(fact_rows):
        raise ValueError(f"{facts_path.name}: {len(fact_rows)} rows for {len(truth_rows)}")
    for truth, fact in zip(truth_rows, fact_rows, strict=True):
        if (truth["line_number"], truth["raw_text"]) != (fact["line_number"], fact["raw_text"]):
            raise ValueError(f"{facts_path.name}: out of step at line {truth['line_number']}")
    return [Fact(t, f) for t, f in zip(truth_rows, fact_rows, strict=True)]


def _pct(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator * 100 / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def check(truth_path: Path) -> list[str]:
    """Every identity the release's printed figures break, in words (empty: all hold)."""
    facts = load(truth_path)
    problems: list[str] = []
    best = _best_printings(problems, facts)
    _percentages(problems, facts, best)
    _sums(problems, best)
    _roll_forwards(problems, best)
    return problems


def _best_printings(problems: list[str], facts: list[Fact]) -> dict[tuple, Fact]:
    """The most precise printing of each value (by concept and context); a printing that
    disagrees with it beyond its own precision is a problem."""
    printings: dict[tuple, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.measure == "value":
            printings[(fact.concept, *fact.key)].append(fact)
    best: dict[tuple, Fact] = {}
    for key, group in printings.items():
        top = min(group, key=lambda f: f.precision)
        best[key] = top
        for other in group:
            if abs(other.value - top.value) > other.precision / 2:
                problems.append(f"{key}: printed {other.raw} disagrees with {top.raw}")
    return best


def _percentages(problems: list[str], facts: list[Fact], best: dict[tuple, Fact]) -> None:
    """A percentage printed with its basis is that basis's ratio or change, and a YoY
    change's current basis is the value printed for it."""
    for fact in facts:
        if fact.basis is None:
            continue
        current, prior = fact.basis
        if fact.measure == "change_percent":
            expected = _pct(abs(current) - abs(prior), abs(prior))
        else:
            expected = _pct(current, prior)
        if expected != fact.value:
            problems.append(
                f"{fact.concept} {fact.key}: {fact.raw}% but the values give {expected}"
            )
        same = best.get((fact.concept, *fact.key))
        if fact.measure == "change_percent" and same and abs(same.value - current) > same.precision:
            problems.append(f"{fact.concept} {fact.key}: YoY basis {current} != printed {same.raw}")


def _sums(problems: list[str], best: dict[tuple, Fact]) -> None:
    """Each total of :data:`SUMS` is the sum of its parts in every context, and the
    consolidated segment figures are the sums of the segments'."""
    groups: dict[tuple, dict[str, Fact]] = defaultdict(dict)
    for (concept, *key), fact in best.items():
        groups[tuple(key)][concept] = fact
    for key, group in groups.items():
        for total, parts in SUMS:
            present = [group[p] for p in parts if p in group]
            # service lines: a company prints the ones it has; other sums need every part
            optional = parts[0].startswith(("rev_", "cost_"))
            if total not in group or not present or (not optional and len(present) < len(parts)):
                continue
            _compare(problems, f"{total} {key}", group[total], present)
        if key[0] == "Consolidated":
            _segments(problems, key, groups)


def _compare(problems: list[str], what: str, total: Fact, parts: list[Fact]) -> None:
    slack = total.precision + sum(p.precision for p in parts)
    difference = total.value - sum(p.value for p in parts)
    if abs(difference) > slack:
        problems.append(f"{what}: {total.raw} != sum of {[p.raw for p in parts]} ({difference})")


def _segments(problems: list[str], key: tuple, groups: dict[tuple, dict[str, Fact]]) -> None:
    _, start, end, scenario = key
    members = [k for k in groups if k[1:] == (start, end, scenario) and k[0] != "Consolidated"]
    for concept, total in groups[key].items():
        if not concept.startswith("segment_"):
            continue
        parts = [groups[m][concept] for m in members if concept in groups[m]]
        _compare(problems, f"{concept} segments {key}", total, parts)
        statement = {"segment_revenue": "revenue", "segment_operating_profit": "operating_profit"}
        same = groups.get(("", start, end, scenario), {}).get(statement.get(concept, ""))
        if same is not None:
            _compare(problems, f"{concept} = statement {key}", same, [total])


def _roll_forwards(problems: list[str], best: dict[tuple, Fact]) -> None:
    """Opening balance + flows of a period = closing balance (cash, equity components)."""
    for (concept, member, start, end, scenario), flow in best.items():
        if start is None or member not in ("", *_CIE_COMPONENTS):
            continue
        opening = (dt.date.fromisoformat(start) - dt.timedelta(days=1)).isoformat()
        if concept == "net_change":
            rolls = [("cash", [flow])]
        elif concept == "cie_profit":
            rolls = [(member, [best[(m, member, start, end, scenario)] for m in _CIE_MOVEMENTS])]
        else:
            continue
        for balance, flows in rolls:
            before = best.get((balance, "", None, opening, scenario))
            after = best.get((balance, "", None, end, scenario))
            if before and after:
                _compare(problems, f"{balance} roll-forward to {end}", after, [before, *flows])
