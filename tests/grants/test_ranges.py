"""Amounts and position counts beyond what the columns hold are refused as field errors
before they reach the database, so PostgreSQL never raises a DataError."""

from datetime import date
from decimal import Decimal

import pytest

from core.errors import FieldErrors
from grants.models import Budget, Recommendation
from grants.plan.lines import ExpenditureLine, FinancingLine, FinancingSource
from grants.services.budgets import budget_set
from grants.services.plans import financing_plan_replace
from grants.services.reviews import application_recommend
from tests import factories

TOO_MUCH = Decimal("1000000000000.00")  # 1.000.000.000.000,00 €: one cent above the largest amount


@pytest.fixture
def categories(programme):
    return {c.code: c for c in programme.cost_categories.all()}


@pytest.fixture
def draft_2026(programme, coordinator_a):
    return factories.draft_application(programme, coordinator_a, start=date(2026, 1, 1), end=date(2026, 12, 31),
                                       with_plan=False)


def plan_rows(application):
    return (
        sorted(application.expenditures.values_list("year", "category__code", "amount", "positions")),
        sorted(application.financings.values_list("year", "source", "amount")),
    )


def test_expenditure_too_large_for_the_column_is_refused_under_its_key(draft_2026, categories, coordinator_a):
    with pytest.raises(FieldErrors) as caught:
        financing_plan_replace(application=draft_2026, user=coordinator_a,
                               expenditures=[ExpenditureLine(2026, categories["mikroprojekte"], TOO_MUCH)],
                               financings=[])

    assert list(caught.value.errors) == ["expenditure-2026-mikroprojekte"]
    assert "zu groß" in caught.value.errors["expenditure-2026-mikroprojekte"][0]
    assert plan_rows(draft_2026) == ([], [])


def test_financing_too_large_for_the_column_is_refused_under_its_key(draft_2026, coordinator_a):
    with pytest.raises(FieldErrors) as caught:
        financing_plan_replace(application=draft_2026, user=coordinator_a, expenditures=[],
                               financings=[FinancingLine(2026, FinancingSource.GRANT, TOO_MUCH)])

    assert list(caught.value.errors) == [f"financing-2026-{FinancingSource.GRANT}"]
    assert "zu groß" in caught.value.errors[f"financing-2026-{FinancingSource.GRANT}"][0]
    assert plan_rows(draft_2026) == ([], [])


def test_too_large_line_leaves_the_saved_plan_as_it_was(programme, coordinator_a, categories):
    draft = factories.draft_application(programme, coordinator_a)
    before = plan_rows(draft)
    expenditures, financings = factories.balanced_plan(programme, draft.years)

    expenditures.append(ExpenditureLine(2027, categories["weitere-stelle"], TOO_MUCH))

    with pytest.raises(FieldErrors) as caught:
        financing_plan_replace(application=draft, user=coordinator_a, expenditures=expenditures,
                               financings=financings)

    assert list(caught.value.errors) == ["expenditure-2027-weitere-stelle"]
    assert plan_rows(draft) == before


def test_positions_of_1000_are_refused_under_the_positions_key(draft_2026, categories, coordinator_a):
    with pytest.raises(FieldErrors) as caught:
        financing_plan_replace(
            application=draft_2026, user=coordinator_a,
            expenditures=[ExpenditureLine(2026, categories["personal"], Decimal("60000.00"), Decimal("1000.00"))],
            financings=[])

    assert caught.value.errors == {"positions-2026-personal": ["Stellenanteile über 999,99 sind nicht möglich."]}
    assert plan_rows(draft_2026) == ([], [])


def test_recommendation_above_the_largest_amount_is_refused_under_its_year(programme, coordinator_a, clerk):
    application = factories.in_review_application(programme, coordinator_a, clerk, start=date(2026, 1, 1),
                                                   end=date(2027, 12, 31))

    with pytest.raises(FieldErrors) as caught:
        application_recommend(application=application, user=clerk,
                              amounts={2026: TOO_MUCH, 2027: Decimal("100000.00")})

    assert list(caught.value.errors) == ["amount-2026"]
    assert "zu groß" in caught.value.errors["amount-2026"][0]
    assert not Recommendation.objects.filter(application=application).exists()


def test_budget_above_the_largest_amount_is_refused(programme, programme_admin):
    with pytest.raises(FieldErrors) as caught:
        budget_set(programme=programme, year=2027, amount=TOO_MUCH, user=programme_admin)

    assert list(caught.value.errors) == ["amount"]
    assert "zu groß" in caught.value.errors["amount"][0]
    assert Budget.objects.get(programme=programme, year=2027).amount == Decimal("1000000.00")
