"""The programme's budgets: the Programmverwaltung sets each year's Haushaltsansatz, and the one
rule every commitment of a budget follows (`budget_lock_and_check`), used by the approval of an
application and of an Änderungsantrag."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import BudgetExceeded, FieldErrors
from core.money import MAX_AMOUNT, ZERO, format_eur, to_money
from grants.models import Award, AwardYear, Budget, FundingProgramme
from grants.plan.rules import TOO_LARGE
from grants.policies import check, may_budget_set
from grants.selectors.budgets import budget_headroom


def budget_lock_and_check(*, programme: FundingProgramme, amounts: dict[int, Decimal],
                          lock_years: Iterable[int] | None = None, award: Award | None = None) -> dict[int, Budget]:
    """Lock the budget rows of `lock_years` (default: the years of `amounts`) in year order – the one
    lock order of everything that commits budgets, so two approvals never deadlock and never both
    take the last euro – then check that every year of `amounts` has a budget whose headroom holds
    its amount. The headroom is the budget less what *other* awards commit: `award` is the award
    being changed (None for a new one). Returns the locked rows by year."""
    years = sorted(set(amounts if lock_years is None else lock_years) | set(amounts))
    budgets = {budget.year: budget for budget in
               Budget.objects.select_for_update().filter(programme=programme, year__in=years).order_by("year")}
    missing = [year for year in sorted(amounts) if year not in budgets]
    if missing:
        if award is None:
            message = _("Für %(years)s ist kein Haushaltsansatz angelegt; bitte zuerst die Programmverwaltung "
                        "informieren.")
        else:
            message = _("Für %(years)s ist kein Haushaltsansatz angelegt; die Änderung kann erst bewilligt werden, "
                        "wenn die Programmverwaltung ihn angelegt hat.")
        raise BudgetExceeded(message % {"years": ", ".join(map(str, missing))})
    headroom = budget_headroom(programme, amounts, award=award, budgets=budgets)
    for year in sorted(amounts):
        free = headroom[year].free
        assert free is not None  # every year has a budget: missing ones are refused above
        if amounts[year] <= free:
            continue
        figures = {"year": year, "amount": format_eur(amounts[year]), "free": format_eur(max(free, ZERO)),
                   "budget": format_eur(budgets[year].amount)}
        if award is None:
            raise BudgetExceeded(_("Haushaltsjahr %(year)s: Die Bewilligung von %(amount)s übersteigt den verfügbaren "
                                   "Haushaltsansatz (noch %(free)s von %(budget)s frei).") % figures)
        raise BudgetExceeded(_("Haushaltsjahr %(year)s: Die geänderte Zuwendung von %(amount)s übersteigt den "
                               "verfügbaren Haushaltsansatz (für diese Zuwendung höchstens %(free)s von %(budget)s).")
                             % figures)
    return budgets


def budget_set(*, programme: FundingProgramme, year: int, amount: Decimal, user, note: str | None = None) -> Budget:
    """Create or change a year's budget; never below what awards already commit."""
    check(may_budget_set(user))
    try:
        amount = to_money(amount)
    except ValueError:
        raise FieldErrors({"amount": [_("Bitte einen gültigen Betrag angeben.")]}) from None
    if amount > MAX_AMOUNT:
        raise FieldErrors({"amount": [str(TOO_LARGE)]})
    if year not in programme.years:
        raise FieldErrors({"year": [
            _("%(year)s liegt außerhalb der Förderperiode %(first)s–%(last)s.")
            % {"year": year, "first": programme.years[0], "last": programme.years[-1]}]})
    if amount < 0:
        raise FieldErrors({"amount": [_("Der Haushaltsansatz darf nicht negativ sein.")]})
    with transaction.atomic():
        budget, created = Budget.objects.get_or_create(programme=programme, year=year,
                                                       defaults={"amount": amount, "note": note or ""})
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        before = None if created else budget.amount
        committed = AwardYear.objects.filter(budget=budget).aggregate(total=Sum("amount"))["total"] or ZERO
        if amount < committed:
            raise BudgetExceeded(
                _("Haushaltsjahr %(year)s: Bewilligungen binden bereits %(committed)s; der Ansatz kann nicht "
                  "auf %(amount)s sinken.")
                % {"year": year, "committed": format_eur(committed), "amount": format_eur(amount)}
            )
        budget.amount = amount
        if note is not None:
            budget.note = note
        budget.save(update_fields=["amount", "note"])
        audit_log(actor=user, action="grants.budget.set", target=budget,
                  changes={"amount": [before and str(before), str(amount)]})
    return budget
