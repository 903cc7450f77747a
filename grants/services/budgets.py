"""The Programmverwaltung sets each year's Haushaltsansatz."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from accounts.roles import Capability
from audit.services import audit_log
from grants.errors import BudgetExceeded, FieldErrors
from grants.models import AwardYear, Budget, FundingProgramme
from grants.money import MAX_AMOUNT, ZERO, format_eur, to_money
from grants.services.guards import require_capability


def budget_set(*, programme: FundingProgramme, year: int, amount: Decimal, user, note: str | None = None) -> Budget:
    """Create or change a year's budget; never below what awards already commit."""
    require_capability(user, Capability.MANAGE_PROGRAMME)
    try:
        amount = to_money(amount)
    except ValueError:
        raise FieldErrors({"amount": ["Bitte einen gültigen Betrag angeben."]}) from None
    if amount > MAX_AMOUNT:
        raise FieldErrors({"amount": [f"Der Betrag ist zu groß (höchstens {format_eur(MAX_AMOUNT)})."]})
    if year not in programme.years:
        raise FieldErrors({"year": [f"{year} liegt außerhalb der Förderperiode {programme.years[0]}–{programme.years[-1]}."]})
    if amount < 0:
        raise FieldErrors({"amount": ["Der Haushaltsansatz darf nicht negativ sein."]})
    with transaction.atomic():
        budget, created = Budget.objects.get_or_create(programme=programme, year=year,
                                                       defaults={"amount": amount, "note": note or ""})
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        before = None if created else budget.amount
        committed = AwardYear.objects.filter(budget=budget).aggregate(total=Sum("amount"))["total"] or ZERO
        if amount < committed:
            raise BudgetExceeded(
                f"Haushaltsjahr {year}: Bewilligungen binden bereits {format_eur(committed)}; "
                f"der Ansatz kann nicht auf {format_eur(amount)} sinken."
            )
        budget.amount = amount
        if note is not None:
            budget.note = note
        budget.save(update_fields=["amount", "note"])
        audit_log(actor=user, action="grants.budget.set", target=budget,
                  changes={"amount": [before and str(before), str(amount)]})
    return budget
