"""The stored financing plan (`Award.plan_snapshot`, `AwardRevision.plan_snapshot`,
`AmendmentRequest.plan`, the plan a notice prints) and its one JSON codec.

The JSON::

    {"years": [{"year": 2026,
                "expenditures": [{"category": "personal", "category_name": "Personalausgaben",
                                  "amount": "120000.00", "positions": "2.00"}, …],
                "financing": {"eigenmittel": "…", "drittmittel": "…", "zuwendung": "…"},
                "requested_grant": "…",   # the grant applied for
                "reduction": "…"},        # requested_grant − the grant awarded
               …]}

Amounts are strings with two decimals; `positions` is null where the category counts none.
`decode` reads what `encode` writes; every other module reads the plan through `Plan`.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.money import ZERO, to_money
from grants.plan.lines import GRANT, Category, ExpenditureLine, FinancingLine, FinancingSource


@dataclass(frozen=True)
class StoredExpenditure:
    category: str  # the cost category's code
    category_name: str
    amount: Decimal
    positions: Decimal | None


@dataclass(frozen=True)
class PlanYear:
    year: int
    expenditures: tuple[StoredExpenditure, ...]
    financing: Mapping[str, Decimal]  # source → amount, every source
    requested_grant: Decimal
    reduction: Decimal

    @property
    def grant(self) -> Decimal:
        return self.financing.get(GRANT, ZERO)

    @property
    def expenditure_total(self) -> Decimal:
        return sum((line.amount for line in self.expenditures), ZERO)

    @property
    def financing_total(self) -> Decimal:
        return sum(self.financing.values(), ZERO)

    def expenditure(self, code: str) -> StoredExpenditure | None:
        return next((line for line in self.expenditures if line.category == code), None)


@dataclass(frozen=True)
class Plan:
    years: tuple[PlanYear, ...]

    @property
    def year_numbers(self) -> list[int]:
        return [row.year for row in self.years]

    def grant_by_year(self) -> dict[int, Decimal]:
        return {row.year: row.grant for row in self.years}

    @property
    def has_reduction(self) -> bool:
        return any(row.reduction for row in self.years)

    def expenditure_amounts(self) -> dict[tuple[int, str], Decimal]:
        """{(year, category code): amount}."""
        amounts: dict[tuple[int, str], Decimal] = {}
        for row in self.years:
            for line in row.expenditures:
                key = (row.year, line.category)
                amounts[key] = amounts.get(key, ZERO) + line.amount
        return amounts

    def financing_amounts(self) -> dict[tuple[int, str], Decimal]:
        """{(year, source): amount}."""
        return {(row.year, source): amount for row in self.years for source, amount in row.financing.items()}

    def category_names(self) -> dict[str, str]:
        """{category code: name} in the order the plan lists them."""
        names: dict[str, str] = {}
        for row in self.years:
            for line in row.expenditures:
                names.setdefault(line.category, line.category_name or line.category)
        return names

    def expenditure_by_category(self, year: int | None = None) -> dict[str, Decimal]:
        """{category code: amount} of one budget year, or summed over all years."""
        totals: dict[str, Decimal] = {}
        for row in self.years:
            if year is None or row.year == year:
                for line in row.expenditures:
                    totals[line.category] = totals.get(line.category, ZERO) + line.amount
        return totals

    def financing_by_source(self, year: int | None = None) -> dict[str, Decimal]:
        """{source: amount} of one budget year, or summed over all years."""
        totals: dict[str, Decimal] = {}
        for row in self.years:
            if year is None or row.year == year:
                for source, amount in row.financing.items():
                    totals[source] = totals.get(source, ZERO) + amount
        return totals

    def binding_lines(self) -> list[tuple[int, list, list]]:
        """The plan reduced to what binds – per year the non-zero lines – for comparing two plans."""
        result = []
        for row in self.years:
            lines = sorted((line.category, str(line.amount), "" if line.positions is None
                            else str(line.positions.normalize()))
                           for line in row.expenditures if line.amount or line.positions is not None)
            financing = sorted((source, str(amount)) for source, amount in row.financing.items() if amount)
            if lines or financing:
                result.append((row.year, lines, financing))
        return result

    def lines(self, categories: Mapping[str, Category]) -> tuple[list[ExpenditureLine], list[FinancingLine]]:
        """The plan as plan lines, with the programme's categories (by code). A line of a category
        the programme no longer has is left out: there is nothing to edit it with."""
        expenditures, financings = [], []
        for row in self.years:
            for line in row.expenditures:
                category = categories.get(line.category)
                if category is not None:
                    expenditures.append(ExpenditureLine(row.year, category, line.amount, line.positions))
            for source, amount in row.financing.items():
                financings.append(FinancingLine(row.year, source, amount))
        return expenditures, financings


def _decimal_or_none(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def decode(data: Mapping | None) -> Plan:
    """The stored JSON as a `Plan`."""
    years = []
    for row in (data or {}).get("years", []):
        financing = {source: to_money(amount) for source, amount in row.get("financing", {}).items()}
        years.append(PlanYear(
            year=int(row["year"]),
            expenditures=tuple(
                StoredExpenditure(category=line["category"], category_name=line.get("category_name") or "",
                                  amount=to_money(line["amount"]), positions=_decimal_or_none(line.get("positions")))
                for line in row.get("expenditures", [])),
            financing=financing,
            requested_grant=to_money(row.get("requested_grant") or financing.get(GRANT, ZERO)),
            reduction=to_money(row.get("reduction") or "0"),
        ))
    return Plan(years=tuple(years))


def encode(plan: Plan) -> dict:
    """The `Plan` as the stored JSON."""
    return {"years": [
        {
            "year": row.year,
            "expenditures": [
                {"category": line.category, "category_name": line.category_name, "amount": str(line.amount),
                 "positions": None if line.positions is None else str(line.positions)}
                for line in row.expenditures
            ],
            "financing": {source: str(amount) for source, amount in row.financing.items()},
            "requested_grant": str(row.requested_grant),
            "reduction": str(row.reduction),
        }
        for row in plan.years
    ]}


def from_lines(years: Iterable[int], expenditures: list[ExpenditureLine], financings: list[FinancingLine], *,
               approved: Mapping[int, Decimal] | None = None) -> Plan:
    """The plan of the given budget years from plan lines. With `approved` (grant per year as
    awarded) a cut grant is carried by the recipient's own funds, so each year stays balanced
    (the binding plan of an award); without it the grant is as requested."""
    rows = []
    for year in years:
        financing = dict.fromkeys(FinancingSource.values, ZERO)
        for line in financings:
            if line.year == year:
                financing[line.source] += to_money(line.amount)
        requested = financing[GRANT]
        reduction = ZERO
        if approved is not None:
            reduction = requested - approved.get(year, ZERO)
            financing[GRANT] = to_money(approved.get(year, ZERO))
            financing[FinancingSource.OWN_FUNDS] += reduction
        lines = sorted((e for e in expenditures if e.year == year),
                       key=lambda e: (e.category.position, e.category.name))
        rows.append(PlanYear(
            year=year,
            expenditures=tuple(StoredExpenditure(e.category.code, e.category.name, to_money(e.amount), e.positions)
                               for e in lines),
            financing=financing, requested_grant=requested, reduction=reduction,
        ))
    return Plan(years=tuple(rows))
