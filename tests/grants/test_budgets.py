from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.selectors import audit_entries_for
from core.errors import BudgetExceeded, FieldErrors, NotPermitted
from grants.models import Budget
from grants.services.budgets import budget_set
from tests import factories


def amount_of(programme, year):
    return Budget.objects.get(programme=programme, year=year).amount


def test_programme_admin_changes_a_years_budget(programme, programme_admin):
    budget = budget_set(programme=programme, year=2027, amount=Decimal("1250000.00"), user=programme_admin,
                        note="Nachtragshaushalt")

    assert amount_of(programme, 2027) == Decimal("1250000.00")
    assert budget.note == "Nachtragshaushalt"
    entry = audit_entries_for(budget).get(action="grants.budget.set")
    assert (entry.actor, entry.changes) == (programme_admin, {"amount": ["1000000.00", "1250000.00"]})


def test_programme_admin_creates_a_missing_years_budget(programme, programme_admin):
    Budget.objects.filter(programme=programme, year=2030).delete()

    budget = budget_set(programme=programme, year=2030, amount="900000", user=programme_admin)

    assert budget.amount == Decimal("900000.00")
    entry = audit_entries_for(budget).get(action="grants.budget.set")
    assert entry.changes == {"amount": [None, "900000.00"]}


@pytest.mark.parametrize("user", ["approver", "clerk", "coordinator_a"])
def test_only_programme_administration_may_set_a_budget(programme, user, request):
    with pytest.raises(NotPermitted, match="Nur die Programmverwaltung"):
        budget_set(programme=programme, year=2027, amount=Decimal("1.00"), user=request.getfixturevalue(user))

    assert amount_of(programme, 2027) == Decimal("1000000.00")


@pytest.mark.parametrize("year", [2025, 2031])
def test_budget_for_a_year_outside_the_period_is_refused(programme, programme_admin, year):
    with pytest.raises(FieldErrors) as caught:
        budget_set(programme=programme, year=year, amount=Decimal("1.00"), user=programme_admin)

    assert caught.value.errors == {"year": [f"{year} liegt außerhalb der Förderperiode 2026–2030."]}
    assert not Budget.objects.filter(programme=programme, year=year).exists()


def test_negative_budget_is_refused(programme, programme_admin):
    with pytest.raises(FieldErrors) as caught:
        budget_set(programme=programme, year=2027, amount=Decimal("-1.00"), user=programme_admin)

    assert caught.value.errors == {"amount": ["Der Haushaltsansatz darf nicht negativ sein."]}
    assert amount_of(programme, 2027) == Decimal("1000000.00")


def test_budget_cannot_sink_below_what_awards_commit(programme, coordinator_a, clerk, approver, programme_admin):
    factories.approved_award(programme, coordinator_a, clerk, approver)

    with pytest.raises(BudgetExceeded) as caught:
        budget_set(programme=programme, year=2026, amount=Decimal("99999.99"), user=programme_admin)

    assert str(caught.value) == ("Haushaltsjahr 2026: Bewilligungen binden bereits 100.000,00 €; "
                                 "der Ansatz kann nicht auf 99.999,99 € sinken.")
    assert amount_of(programme, 2026) == Decimal("1000000.00")
    assert not audit_entries_for(Budget.objects.get(programme=programme, year=2026)).exists()


def test_budget_may_sink_to_exactly_what_awards_commit(programme, coordinator_a, clerk, approver, programme_admin):
    factories.approved_award(programme, coordinator_a, clerk, approver)

    budget_set(programme=programme, year=2026, amount=Decimal("100000.00"), user=programme_admin)

    assert amount_of(programme, 2026) == Decimal("100000.00")


def test_float_budget_is_refused(programme, programme_admin):
    with pytest.raises(TypeError):
        budget_set(programme=programme, year=2027, amount=1.5, user=programme_admin)

    assert amount_of(programme, 2027) == Decimal("1000000.00")


def test_database_refuses_a_negative_budget(programme):
    Budget.objects.filter(programme=programme, year=2030).delete()

    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.create(programme=programme, year=2030, amount=Decimal("-0.01"))

    assert not Budget.objects.filter(programme=programme, year=2030).exists()


def test_database_refuses_a_second_budget_for_the_same_year(programme):
    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.create(programme=programme, year=2026, amount=Decimal("1.00"))

    assert Budget.objects.filter(programme=programme, year=2026).count() == 1


def test_budget_validation_refuses_a_year_outside_the_period(programme):
    budget = Budget(programme=programme, year=2031, amount=Decimal("1.00"))

    with pytest.raises(ValidationError) as caught:
        budget.full_clean()

    assert caught.value.message_dict["year"] == ["Das Haushaltsjahr liegt außerhalb der Förderperiode."]
