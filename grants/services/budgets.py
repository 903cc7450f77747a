"""The Programmverwaltung sets each year's Haushaltsansatz."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.roles import Capability
from audit.services import audit_log
from core.errors import BudgetExceeded, FieldErrors
from grants.models import AwardYear, Budget, FundingProgramme
from core.money import MAX_AMOUNT, ZERO, format_eur, to_money
from grants.services.guards import require_capability
from grants.plan.rules import TOO_LARGE


def budget_set(*, programme: FundingProgramme, year: int, amount: Decimal, user, note: str | None = None) -> Budget:
    """Create or change a year's budget; never below what awards already commit."""
    require_capability(user, Capability.MANAGE_PROGRAMME)
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
