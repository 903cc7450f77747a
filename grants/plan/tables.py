"""A financing plan as a table for people: one row per cost category and per financing source,
one amount per budget year, and the totals."""

from decimal import Decimal
from typing import TypedDict

from core.money import ZERO
from grants.plan.lines import ExpenditureLine, FinancingLine, FinancingSource


class _CategoryAmounts(TypedDict):
    label: str
    position: int
    amounts: dict[int, Decimal]
    positions: dict[int, Decimal]


def plan_rows(years: list[int], expenditures: list[ExpenditureLine], financings: list[FinancingLine]) -> dict:
    """Plan lines as rows with one amount per year and the totals."""
    categories: dict[int, _CategoryAmounts] = {}
    for line in expenditures:
        categories.setdefault(line.category.pk, {"label": line.category.name, "position": line.category.position,
                                                 "amounts": {}, "positions": {}})
        categories[line.category.pk]["amounts"][line.year] = line.amount
        if line.positions is not None:
            categories[line.category.pk]["positions"][line.year] = line.positions
    sources: dict[str, dict[int, Decimal]] = {}
    for financing in financings:
        sources.setdefault(financing.source, {})[financing.year] = financing.amount
    zero = ZERO
    expenditure_rows = [
        {"label": row["label"], "amounts": [row["amounts"].get(y) for y in years],
         "total": sum(row["amounts"].values(), zero),
         "positions": [row["positions"].get(y) for y in years] if row["positions"] else None}
        for row in sorted(categories.values(), key=lambda r: r["position"])
    ]
    financing_rows = [
        {"label": label, "amounts": [sources.get(source, {}).get(y) for y in years],
         "total": sum(sources[source].values(), zero)}
        for source, label in FinancingSource.choices if source in sources
    ]
    expenditure_totals = [sum((line.amount for line in expenditures if line.year == y), zero) for y in years]
    financing_totals = [sum((line.amount for line in financings if line.year == y), zero) for y in years]
    return {
        "years": years, "expenditure_rows": expenditure_rows, "financing_rows": financing_rows,
        "expenditure_totals": expenditure_totals, "financing_totals": financing_totals,
        "expenditure_total": sum(expenditure_totals, zero), "financing_total": sum(financing_totals, zero),
    }
