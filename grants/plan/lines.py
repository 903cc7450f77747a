"""The lines of a financing plan: per budget year one expenditure line per cost category and one
financing line per source – as typed into the grid, as stored for an application, or as read
back from a stored plan."""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from django.db import models
from django.utils.translation import pgettext_lazy

from core.money import to_money

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class FinancingSource(models.TextChoices):
    OWN_FUNDS = "eigenmittel", pgettext_lazy("Finanzierungsquelle", "Eigenmittel")
    THIRD_PARTY = "drittmittel", pgettext_lazy("Finanzierungsquelle", "Drittmittel")
    GRANT = "zuwendung", pgettext_lazy("Finanzierungsquelle", "beantragte Zuwendung")


GRANT = FinancingSource.GRANT

# How the sources read where money was received or granted (a proof of use, an Änderungsbescheid)
# rather than applied for. Keyed by the plain source strings the plan lines carry.
RECEIVED_LABELS: "dict[str, StrPromise]" = {
    FinancingSource.OWN_FUNDS: pgettext_lazy("Finanzierung im Nachweis", "Eigenmittel"),
    FinancingSource.THIRD_PARTY: pgettext_lazy("Finanzierung im Nachweis", "Drittmittel"),
    FinancingSource.GRANT: pgettext_lazy("Finanzierung im Nachweis", "Zuwendung des Landes"),
}


class Category(Protocol):
    """What the plan needs of a cost category (`grants.models.CostCategory`)."""

    pk: int
    programme_id: int
    code: str
    name: str
    position: int
    is_fundable: bool
    counts_positions: bool
    max_positions: Decimal | None
    cap_per_position: Decimal | None
    cap_per_year: Decimal | None
    first_year: int | None


@dataclass(frozen=True)
class ExpenditureLine:
    year: int
    category: Category
    amount: Decimal
    positions: Decimal | None = None


@dataclass(frozen=True)
class FinancingLine:
    year: int
    source: str
    amount: Decimal


def rounded(expenditures: list[ExpenditureLine], financings: list[FinancingLine]
            ) -> tuple[list[ExpenditureLine], list[FinancingLine]]:
    """The same lines with every amount rounded to cents (what a service stores)."""
    return ([ExpenditureLine(e.year, e.category, to_money(e.amount), e.positions) for e in expenditures],
            [FinancingLine(f.year, f.source, to_money(f.amount)) for f in financings])


def grant_by_year(financings: list[FinancingLine], years: list[int]) -> dict[int, Decimal]:
    """The grant asked for per budget year (every year of `years`, 0,00 € where none)."""
    result = {year: Decimal("0.00") for year in years}
    for line in financings:
        if line.source == GRANT:
            result[line.year] = result.get(line.year, Decimal("0.00")) + line.amount
    return result
