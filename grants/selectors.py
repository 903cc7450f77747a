"""Reads of the grants domain: scoped lookups and the figures the ministry steers by."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.http import Http404

from accounts.roles import Capability
from grants.models import (
    Application,
    Award,
    AwardYear,
    Budget,
    Disbursement,
    FundingProgramme,
    Notice,
)
from core.money import ZERO


def applications_visible_to(user) -> QuerySet[Application]:
    """Coordinators see their own body's applications; ministry staff every application once
    it has been submitted (a draft is the body's own work until then); others none."""
    queryset = Application.objects.select_related("programme", "municipality")
    if user.can(Capability.VIEW_ALL):
        return queryset.filter(submitted_at__isnull=False)
    if user.can(Capability.APPLY):
        return queryset.filter(municipality_id=user.municipality_id)
    return queryset.none()


def get_application_for_user(user, pk) -> Application:
    """The application, or 404 when it does not exist *or* the user may not see it."""
    try:
        return applications_visible_to(user).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404("Antrag nicht gefunden.") from None


def get_notice_for_user(user, pk) -> Notice:
    """The notice, or 404 when it does not exist or its application is hidden from the user."""
    try:
        return Notice.objects.select_related("application").get(
            pk=pk, application__in=applications_visible_to(user))
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404("Bescheid nicht gefunden.") from None


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


def award_total(award: Award) -> Decimal:
    return award.years.aggregate(total=Sum("amount"))["total"] or ZERO


def _disbursed_by_award_year(award: Award, statuses) -> dict[int, Decimal]:
    """Sum of the award's requests in `statuses`, per award year (pk)."""
    return dict(
        Disbursement.objects.filter(award_year__award=award, status__in=statuses)
        .values_list("award_year").annotate(Sum("amount"))
    )


def awarded_by_year(award: Award) -> dict[int, Decimal]:
    """The binding grant per budget year (years dropped by an amendment are kept with 0,00 €)."""
    return {row.budget.year: row.amount for row in award.years.select_related("budget")}


def called_by_year(award: Award) -> dict[int, Decimal]:
    """What the body has called per budget year: the requests holding their amount
    (requested, prepared, released, paid)."""
    called = _disbursed_by_award_year(award, Disbursement.ACTIVE_STATUSES)
    return {row.budget.year: called[row.pk] for row in award.years.select_related("budget") if row.pk in called}


def award_year_figures(award: Award) -> list[dict]:
    """Per year of an award: awarded, called (all live requests), paid, still callable."""
    rows = []
    called = _disbursed_by_award_year(award, Disbursement.ACTIVE_STATUSES)
    paid = _disbursed_by_award_year(award, (Disbursement.Status.PAID,))
    for award_year in award.years.select_related("budget"):
        rows.append({
            "year": award_year.year,
            "awarded": award_year.amount,
            "called": called.get(award_year.pk, ZERO),
            "paid": paid.get(award_year.pk, ZERO),
            "remaining": award_year.amount - called.get(award_year.pk, ZERO),
        })
    return rows
