"""Fictional companies and their books, quarter by quarter, consistent by construction.

A company's figures are simulated one fiscal quarter at a time, in yen, at the precision
its statements print (thousands or millions of yen): the profit-or-loss cascade, other
comprehensive income, the cash flow statement, the equity roll-forward and the statement
of financial position are derived from each other so that every accounting identity in
the domain notes holds exactly. A release then reports sums of quarters (Q1, 1H, 9M, FY)
and balances at quarter ends.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass, field

# Revenue lines whose wordings the line-item map knows, with the cost wording it maps.
SERVICE_LINES = {
    "network": ("Network services", "Cost of network services"),
    "si": ("Systems integration", "Cost of systems integration"),
    "atm": ("ATM operation business", "Cost of ATM operation business"),
}
_NAME_FIRST = (
    "Aozora", "Kestrel", "Hoshimi", "Tsubame", "Meridian", "Sakuraba", "Northgate", "Kiriya",
    "Amberline", "Shirakawa", "Bluefjord", "Tamagawa", "Orchid", "Minato", "Solace", "Kagura",
    "Larkspur", "Hinode", "Quillon", "Sazanami",
)  # fmt: skip
_NAME_SECOND = (
    "Data", "Network", "Systems", "Cloud", "Logic", "Telecom", "Digital", "Signal", "Circuit",
    "Platform",
)  # fmt: skip
_NAME_THIRD = ("Works", "Solutions", "Technologies", "Services", "Holdings", "Labs")
_SUFFIX = ("Inc.", "Corporation", "Co., Ltd.", "Holdings Inc.", "Corp.")
_SEGMENT_NAMES = (
    "Cloud Platform", "Managed Networks", "Digital Solutions", "Payment Services",
    "Data Centers", "Mobile Connectivity", "Security Services", "Field Engineering",
)  # fmt: skip
_EXCHANGES = ("TSE Prime", "TSE Standard", "TSE1", "KSX Standard", "NSE Main")
_CITIES = ("Tokyo", "Osaka", "Nagoya", "Fukuoka", "Sapporo", "Yokohama", "Kobe")


@dataclass(frozen=True, slots=True)
class FiscalYear:
    """One fiscal year of a company: its dates and how the company names it."""

    start: dt.date
    end: dt.date
    label_year: int  # "FY2021" -> 2021

    def quarter_end(self, quarter: int) -> dt.date:
        return _month_end(self.start, 3 * quarter)


def _month_end(start: dt.date, months: int) -> dt.date:
    index = start.year * 12 + start.month - 1 + months - 1
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


@dataclass(slots=True)
class Company:
    """A fictional listed company: names, calendar, what it reports and how it prints."""

    name: str
    short_name: str
    exchange: str
    code: str
    city: str
    fy_end_month: int
    label_basis: str  # "start": FY2021 starts in 2021; "end": FY2021 ends in 2021
    unit: int  # 1_000 or 1_000_000: the precision of its books and statements
    services: tuple[str, ...]  # keys of SERVICE_LINES, empty: one revenue line
    segments: tuple[str, ...]  # reportable segment names, empty: no segment note
    has_kpis: bool
    tabs: bool  # tab-separated tables, or runs of spaces
    web: str
    shares_issued: int
    quarters: list[Quarter] = field(default_factory=list)
    first_fy_label: int = 0
    sums: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)

    def fiscal_year(self, label_year: int) -> FiscalYear:
        if self.label_basis == "end":
            end_year = label_year
        else:
            end_year = label_year if self.fy_end_month == 12 else label_year + 1
        end = dt.date(
            end_year, self.fy_end_month, calendar.monthrange(end_year, self.fy_end_month)[1]
        )
        start = _month_end(end, -11) + dt.timedelta(days=1)
        start = dt.date(start.year, start.month, 1)
        return FiscalYear(start=start, end=end, label_year=label_year)

    def quarter(self, label_year: int, quarter: int) -> Quarter:
        return self.quarters[(label_year - self.first_fy_label) * 4 + quarter - 1]

    def cumulative(self, label_year: int, quarters: int) -> dict[str, int]:
        """Flows summed over the first ``quarters`` quarters of a fiscal year (a copy)."""
        key = (label_year, quarters)
        if key not in self.sums:
            total: dict[str, int] = {}
            for q in range(1, quarters + 1):
                for name, value in self.quarter(label_year, q).flows.items():
                    total[name] = total.get(name, 0) + value
            self.sums[key] = total
        return dict(self.sums[key])


@dataclass(slots=True)
class Quarter:
    """One fiscal quarter's flows and its closing balances, in yen."""

    flows: dict[str, int]
    balances: dict[str, int]
    kpis: dict[str, int]


# Statement lines, in print order. Balances: (key, label) with None for headings.
CURRENT_ASSETS = ("cash", "receivables", "inventories", "other_current_assets")
NONCURRENT_ASSETS = ("ppe", "rou", "goodwill", "intangibles", "equity_method", "dta", "other_nca")
CURRENT_LIABILITIES = ("payables", "borrowings_cur", "taxes_payable", "contract_liab", "other_cl")
NONCURRENT_LIABILITIES = ("borrowings_nc", "retirement", "dtl", "other_ncl")
EQUITY_COMPONENTS = ("share_capital", "share_premium", "retained", "other_components", "treasury")
OPERATING_CF = ("pbt", "depreciation", "other_adj", "d_receivables", "d_inventories", "d_payables")
INVESTING_CF = ("capex", "capex_intangible", "ppe_proceeds")
FINANCING_CF = ("borrow_proceeds", "borrow_repay", "lease_repay", "dividends_paid", "other_fin")


def _round(value: float, unit: int) -> int:
    return round(value / unit) * unit


def make_company(rng: random.Random, index: int, first_fy_label: int, years: int) -> Company:
    """A company with ``years`` fiscal years of quarters from ``first_fy_label``."""
    first = rng.choice(_NAME_FIRST)
    name = f"{first} {rng.choice(_NAME_SECOND)} {rng.choice(_NAME_THIRD)} {rng.choice(_SUFFIX)}"
    fy_end_month = rng.choice((3, 3, 12, 12, 6, 9))
    label_basis = "start" if fy_end_month in (3, 12) else rng.choice(("start", "end"))
    services = tuple(rng.sample(sorted(SERVICE_LINES), rng.choice((0, 2, 2, 3))))
    segments = tuple(rng.sample(_SEGMENT_NAMES, 2)) if rng.random() < 0.7 else ()
    company = Company(
        name=name,
        short_name=first,
        exchange=rng.choice(_EXCHANGES),
        code=f"{9000 - index * 7 % 5000:04d}"[-4:],
        city=rng.choice(_CITIES),
        fy_end_month=fy_end_month,
        label_basis=label_basis,
        unit=rng.choice((1_000, 1_000_000)),
        services=services,
        segments=segments,
        has_kpis=bool(services) and rng.random() < 0.6,
        tabs=rng.random() < 0.6,
        web=f"{first.lower()}-{index}.example",
        shares_issued=rng.randrange(20, 120) * 1_000_000 + rng.randrange(0, 999) * 100,
        first_fy_label=first_fy_label,
    )
    _simulate(company, rng, years)
    return company


_SIGNED_FLOWS = (
    "equity_method",
    "oci_equity_instruments",
    "oci_translation",
    "oci_equity_method",
    "other_adj",
    "d_receivables",
    "d_inventories",
    "d_payables",
    "fx_effect",
)


def _simulate(company: Company, rng: random.Random, years: int) -> None:
    """Fill ``company.quarters`` for ``years`` fiscal years: flows, then balances."""
    u = company.unit
    scale = rng.choice((8e9, 2e10, 5e10, 1.2e11))  # quarterly revenue in yen
    lines = company.services or ("total",)
    weights = [rng.uniform(0.2, 1.0) for _ in lines]
    weights = [w / sum(weights) for w in weights]
    cost_ratio = {line: rng.uniform(0.55, 0.8) for line in lines}
    growth = rng.uniform(-0.01, 0.03)
    seg_share = rng.uniform(0.55, 0.8)
    shares = company.shares_issued
    treasury_shares = rng.randrange(1, 30) * 100_000
    dps = rng.randrange(10, 60)  # yen per share, paid twice a year
    balances = _opening_balances(rng, scale, u, shares)
    contracts = {
        "ip_large": rng.randrange(300, 2000),
        "ip_small": rng.randrange(500, 3000),
        "mobile": rng.randrange(100_000, 3_000_000),
        "ent_other": rng.randrange(10_000, 200_000),
        "consumer_mobile": rng.randrange(200_000, 2_000_000),
        "consumer_other": rng.randrange(50_000, 500_000),
        "bandwidth": rng.randrange(20_000, 90_000),  # tenths of Gbps
    }
    previous_tax = _round(scale * 0.02, u)
    # Flows that may be of either sign keep one sign per company and a magnitude away from
    # zero. Drawn around zero, some period's amount lands near zero and the next year's change
    # on it is tens of thousands of percent, which fct_kpis' blocking check
    # (fct_kpis.value.percent_range, +-10000 %) rejects for the whole run: real releases can do
    # that (see docs/benchmarks.md), but a corpus for measuring the pipeline must publish.
    sign = {name: rng.choice((-1, 1)) for name in _SIGNED_FLOWS}
    # OCI is then positive, so the accumulated other components of equity (a balance that
    # starts positive) never pass through zero either
    sign["oci_equity_instruments"] = 1
    for n in range(years * 4):
        level = scale * (1 + growth) ** n * rng.uniform(0.93, 1.07)
        flows: dict[str, int] = {}
        for line, weight in zip(lines, weights, strict=True):
            flows[f"rev_{line}"] = _round(level * weight * rng.uniform(0.94, 1.06), u)
            ratio = cost_ratio[line] * rng.uniform(0.97, 1.03)
            flows[f"cost_{line}"] = -_round(level * weight * ratio, u)
        flows["revenue"] = sum(flows[f"rev_{line}"] for line in lines)
        flows["cost_of_sales"] = sum(flows[f"cost_{line}"] for line in lines)
        flows["gross_profit"] = flows["revenue"] + flows["cost_of_sales"]
        flows["sga"] = -_round(flows["gross_profit"] * rng.uniform(0.45, 0.75), u)
        flows["other_income"] = _round(level * rng.uniform(0.0005, 0.004), u)
        flows["other_expense"] = -_round(level * rng.uniform(0.0005, 0.004), u)
        flows["operating_profit"] = (
            flows["gross_profit"] + flows["sga"] + flows["other_income"] + flows["other_expense"]
        )
        flows["finance_income"] = _round(level * rng.uniform(0.0003, 0.01), u)
        flows["finance_costs"] = -_round(level * rng.uniform(0.001, 0.006), u)
        flows["equity_method"] = _round(
            level * sign["equity_method"] * rng.uniform(0.001, 0.004), u
        )
        flows["pbt"] = (
            flows["operating_profit"]
            + flows["finance_income"]
            + flows["finance_costs"]
            + flows["equity_method"]
        )
        flows["tax"] = -_round(max(flows["pbt"], 0) * rng.uniform(0.28, 0.34), u)
        flows["profit"] = flows["pbt"] + flows["tax"]
        flows["profit_nci"] = _round(flows["profit"] * rng.uniform(0.005, 0.03), u)
        flows["profit_owners"] = flows["profit"] - flows["profit_nci"]
        # other comprehensive income, all attributable to owners
        # |instruments| > |translation| + |equity method| and |translation| > |equity method|,
        # so no sum of them comes near zero either
        flows["oci_equity_instruments"] = _round(
            level * sign["oci_equity_instruments"] * rng.uniform(0.008, 0.03), u
        )
        flows["oci_translation"] = _round(
            level * sign["oci_translation"] * rng.uniform(0.001, 0.002), u
        )
        flows["oci_equity_method"] = _round(
            level * sign["oci_equity_method"] * rng.uniform(0.0001, 0.0005), u
        )
        flows["oci_not_reclassified"] = flows["oci_equity_instruments"]
        flows["oci_reclassified"] = flows["oci_translation"] + flows["oci_equity_method"]
        flows["oci"] = flows["oci_not_reclassified"] + flows["oci_reclassified"]
        flows["tci"] = flows["profit"] + flows["oci"]
        flows["tci_owners"] = flows["profit_owners"] + flows["oci"]
        flows["tci_nci"] = flows["profit_nci"]
        # equity movements: dividends paid in the first and third quarters
        outstanding = shares - treasury_shares
        pays = n % 4 in (0, 2)
        flows["div_owners"] = -_round(dps * outstanding, u) if pays else 0
        flows["div_nci"] = -_round(flows["profit_nci"] * 2, u) if n % 4 == 0 else 0
        flows["sbc"] = _round(level * rng.uniform(0.0002, 0.001), u)
        buyback = rng.random() < 0.25
        flows["buyback"] = -_round(level * rng.uniform(0.001, 0.01), u) if buyback else 0
        flows["owners_transactions"] = flows["div_owners"] + flows["sbc"] + flows["buyback"]
        flows["eps"] = flows["profit_owners"]  # summed, then divided by the shares below
        flows["weighted_shares"] = outstanding
        # segments: revenue, intersegment revenue, segment profit; the rest is adjustments
        if company.segments:
            ext_a = _round(flows["revenue"] * seg_share * rng.uniform(0.98, 1.02), u)
            flows["seg0_external"] = ext_a
            flows["seg1_external"] = flows["revenue"] - ext_a
            flows["seg0_intersegment"] = _round(level * rng.uniform(0.002, 0.01), u)
            flows["seg1_intersegment"] = _round(level * rng.uniform(0.001, 0.006), u)
            flows["adj_intersegment"] = -(flows["seg0_intersegment"] + flows["seg1_intersegment"])
            for s in ("seg0", "seg1"):
                flows[f"{s}_revenue"] = flows[f"{s}_external"] + flows[f"{s}_intersegment"]
            flows["adj_revenue"] = flows["adj_intersegment"]
            flows["adj_profit"] = -_round(level * rng.uniform(0.001, 0.006), u)
            rest = flows["operating_profit"] - flows["adj_profit"]
            flows["seg0_profit"] = _round(rest * rng.uniform(0.6, 0.85), u)
            flows["seg1_profit"] = rest - flows["seg0_profit"]
        # cash flows
        flows["depreciation"] = _round(level * rng.uniform(0.04, 0.1), u)
        flows["other_adj"] = flows["sbc"] + _round(
            level * sign["other_adj"] * rng.uniform(0.002, 0.004), u
        )
        flows["d_receivables"] = _round(level * sign["d_receivables"] * rng.uniform(0.01, 0.04), u)
        flows["d_inventories"] = _round(level * sign["d_inventories"] * rng.uniform(0.003, 0.01), u)
        flows["d_payables"] = _round(level * sign["d_payables"] * rng.uniform(0.008, 0.03), u)
        flows["taxes_paid"] = -previous_tax
        previous_tax = -flows["tax"]
        flows["cfo"] = sum(flows[k] for k in OPERATING_CF) + flows["taxes_paid"]
        flows["capex"] = -_round(level * rng.uniform(0.03, 0.07), u)
        flows["capex_intangible"] = -_round(level * rng.uniform(0.01, 0.03), u)
        flows["ppe_proceeds"] = _round(level * rng.uniform(0.002, 0.01), u)
        flows["cfi"] = sum(flows[k] for k in INVESTING_CF)
        flows["lease_repay"] = -_round(level * rng.uniform(0.01, 0.03), u)
        flows["dividends_paid"] = flows["div_owners"] + flows["div_nci"]
        flows["other_fin"] = flows["buyback"]
        flows["fx_effect"] = _round(level * sign["fx_effect"] * rng.uniform(0.0005, 0.002), u)
        # borrowing steers cash towards a tenth to a fifth of total assets
        target = _round(balances["assets"] * rng.uniform(0.1, 0.2), u)
        # ... and cash grows every quarter, so that the net change is never near zero
        target = max(target, balances["cash"] + _round(level * 0.01, u))
        known = (
            flows["cfo"]
            + flows["cfi"]
            + flows["lease_repay"]
            + flows["dividends_paid"]
            + flows["other_fin"]
            + flows["fx_effect"]
        )
        need = target - balances["cash"] - known
        repay = -_round(level * rng.uniform(0.005, 0.02), u)
        flows["borrow_repay"] = repay
        # some borrowing every quarter: a quarter of none next to one of a little is a change
        # of thousands of percent, too
        flows["borrow_proceeds"] = max(need - repay, _round(level * 0.02, u))
        flows["cff"] = sum(flows[k] for k in FINANCING_CF)
        flows["net_change"] = flows["cfo"] + flows["cfi"] + flows["cff"] + flows["fx_effect"]
        balances = _next_balances(balances, flows, rng, level, u)
        kpis = _next_kpis(contracts, rng)
        company.quarters.append(Quarter(flows=flows, balances=balances, kpis=kpis))
        treasury_shares += rng.randrange(0, 3) * 10_000 if flows["buyback"] else 0


def _opening_balances(rng: random.Random, scale: float, u: int, shares: int) -> dict[str, int]:
    """A balanced statement of financial position to start the simulation from."""
    assets = scale * rng.uniform(1.6, 3.0)
    equity = assets * rng.uniform(0.35, 0.55)
    b = {
        "share_capital": _round(equity * 0.22, u),
        "share_premium": _round(equity * 0.3, u),
        "other_components": _round(equity * 0.06, u),
        "treasury": -_round(equity * 0.02, u),
        "nci": _round(equity * 0.015, u),
    }
    b["retained"] = _round(equity, u) - sum(b.values())
    b["cash"] = _round(assets * 0.15, u)
    b["assets"] = _round(assets, u)
    return _balance_sheet(b, rng, u)


def _next_balances(
    prev: dict[str, int], flows: dict[str, int], rng: random.Random, level: float, u: int
) -> dict[str, int]:
    b = {
        "share_capital": prev["share_capital"],
        "share_premium": prev["share_premium"] + flows["sbc"],
        "retained": prev["retained"] + flows["profit_owners"] + flows["div_owners"],
        "other_components": prev["other_components"] + flows["oci"],
        "treasury": prev["treasury"] + flows["buyback"],
        "nci": prev["nci"] + flows["profit_nci"] + flows["div_nci"],
        "cash": prev["cash"] + flows["net_change"],
    }
    equity = sum(b[k] for k in (*EQUITY_COMPONENTS, "nci"))
    b["assets"] = _round(max(prev["assets"] * rng.uniform(0.98, 1.04), equity * 1.6), u)
    b["assets"] = max(b["assets"], _round(b["cash"] * 2.5, u))
    return _balance_sheet(b, rng, u)


def _balance_sheet(b: dict[str, int], rng: random.Random, u: int) -> dict[str, int]:
    """Complete a balance sheet from equity, cash and total assets: lines and subtotals."""
    total = b["assets"]
    rest = total - b["cash"]
    shares = {"receivables": 0.2, "inventories": 0.04, "other_current_assets": 0.03}
    shares |= {"rou": 0.18, "goodwill": 0.05, "intangibles": 0.12, "equity_method": 0.05}
    shares |= {"dta": 0.01, "other_nca": 0.04}
    for key, share in shares.items():
        b[key] = _round(rest * share * rng.uniform(0.9, 1.1), u)
    b["ppe"] = rest - sum(b[k] for k in shares)
    b["current_assets"] = sum(b[k] for k in CURRENT_ASSETS)
    b["noncurrent_assets"] = sum(b[k] for k in NONCURRENT_ASSETS)
    b["owners_equity"] = sum(b[k] for k in EQUITY_COMPONENTS)
    b["equity"] = b["owners_equity"] + b["nci"]
    liabilities = total - b["equity"]
    split = {"payables": 0.22, "borrowings_cur": 0.12, "taxes_payable": 0.03}
    split |= {"contract_liab": 0.08, "borrowings_nc": 0.1, "retirement": 0.05, "dtl": 0.01}
    split |= {"other_ncl": 0.12}
    for key, share in split.items():
        b[key] = _round(liabilities * share * rng.uniform(0.9, 1.1), u)
    b["other_cl"] = liabilities - sum(b[k] for k in split)
    b["current_liabilities"] = sum(b[k] for k in CURRENT_LIABILITIES)
    b["noncurrent_liabilities"] = sum(b[k] for k in NONCURRENT_LIABILITIES)
    b["liabilities"] = liabilities
    b["liabilities_and_equity"] = liabilities + b["equity"]
    return b


def _next_kpis(contracts: dict[str, int], rng: random.Random) -> dict[str, int]:
    for key in contracts:
        contracts[key] = max(1, int(contracts[key] * rng.uniform(0.97, 1.05)))
    k = dict(contracts)
    k["enterprise"] = k["ip_large"] + k["ip_small"] + k["mobile"] + k["ent_other"]
    k["consumer"] = k["consumer_mobile"] + k["consumer_other"]
    return k
