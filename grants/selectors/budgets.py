"""The programme's money per budget year: the Haushaltsansatz, what awards commit, what has been
paid, and the headroom an award or a change of an award has."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from core.money import ZERO
from grants.models import Award, AwardYear, Budget, Disbursement, FundingProgramme


@dataclass(frozen=True)
class BudgetYearFigures:
    year: int
    budget: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed


def budget_figures(programme: FundingProgramme) -> list[BudgetYearFigures]:
    """Per budget year: budget, committed by awards, paid out, remaining. Three queries."""
    budgets = list(Budget.objects.filter(programme=programme).order_by("year"))
    committed = dict(
        AwardYear.objects.filter(budget__programme=programme).values_list("budget").annotate(Sum("amount"))
    )
    paid = dict(
        Disbursement.objects.filter(award_year__budget__programme=programme, status=Disbursement.Status.PAID)
        .values_list("award_year__budget").annotate(Sum("amount"))
    )
    return [
        BudgetYearFigures(b.year, b.amount, committed.get(b.pk, ZERO), paid.get(b.pk, ZERO)) for b in budgets
    ]


@dataclass(frozen=True)
class Headroom:
    """One budget year as an award (or a change of it) sees it: the budget (None when the
    programme administration has not set one), what *other* awards commit, and what is free
    for this award."""

    year: int
    budget: Budget | None
    committed_by_others: Decimal

    @property
    def amount(self) -> Decimal | None:
        return None if self.budget is None else self.budget.amount

    @property
    def free(self) -> Decimal | None:
        return None if self.budget is None else self.budget.amount - self.committed_by_others


def budget_headroom(programme: FundingProgramme, years: Iterable[int], *, award: Award | None = None,
                    budgets: dict[int, Budget] | None = None) -> dict[int, Headroom]:
    """Per budget year: the budget and what awards other than `award` commit (all awards for a
    new one). `budgets` are the rows already loaded (and locked) by the caller. Two queries."""
    years = sorted(set(years))
    if budgets is None:
        budgets = {b.year: b for b in Budget.objects.filter(programme=programme, year__in=years)}
    others = AwardYear.objects.filter(budget__in=[budgets[y] for y in years if y in budgets])
    if award is not None:
        others = others.exclude(award=award)
    committed = dict(others.values_list("budget").annotate(Sum("amount")).order_by())
    return {year: Headroom(year, budgets.get(year), committed.get(budgets[year].pk, ZERO) if year in budgets else ZERO)
            for year in years}
