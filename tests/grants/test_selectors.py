from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from grants.selectors.awards import award_total
from grants.selectors.budgets import budget_figures
from grants.selectors.scoping import applications_visible_to, get_application_for_user
from grants.services.disbursements import (
    disbursement_book,
    disbursement_prepare,
    disbursement_release,
    disbursement_request,
)
from tests import factories


@pytest.fixture
def application_a(programme, coordinator_a):
    return factories.submitted_application(programme, coordinator_a)


@pytest.fixture
def application_b(programme, coordinator_b):
    return factories.submitted_application(programme, coordinator_b)


def pay(award, year, amount, coordinator, clerk, approver):
    disbursement = disbursement_request(award=award, year=year, amount=amount, user=coordinator)
    disbursement_prepare(disbursement=disbursement, user=clerk)
    disbursement_release(disbursement=disbursement, user=approver)
    return disbursement_book(disbursement=disbursement, user=clerk, paid_on=timezone.localdate(),
                             payment_reference="HKR-2026-0001")


# --- visibility --------------------------------------------------------------------------

def test_coordinator_sees_only_her_bodies_applications(application_a, application_b, coordinator_a):
    assert list(applications_visible_to(coordinator_a)) == [application_a]


def test_coordinator_gets_404_for_other_bodies_application(application_a, coordinator_b):
    with pytest.raises(Http404):
        get_application_for_user(coordinator_b, application_a.pk)


def test_coordinator_gets_her_own_application(application_a, coordinator_a):
    assert get_application_for_user(coordinator_a, application_a.pk) == application_a


@pytest.mark.parametrize("user", ["clerk", "approver", "programme_admin"])
def test_ministry_staff_see_every_bodies_applications(application_a, application_b, user, request):
    staff = request.getfixturevalue(user)

    assert set(applications_visible_to(staff)) == {application_a, application_b}
    assert get_application_for_user(staff, application_b.pk) == application_b


@pytest.mark.parametrize("user", ["clerk", "approver", "programme_admin"])
def test_ministry_staff_do_not_see_drafts_or_drafts_withdrawn_unsubmitted(programme, coordinator_a, coordinator_b,
                                                                          user, request):
    from grants.services.applications import application_withdraw
    draft = factories.draft_application(programme, coordinator_a)
    withdrawn = factories.draft_application(programme, coordinator_b)
    application_withdraw(application=withdrawn, user=coordinator_b)
    staff = request.getfixturevalue(user)

    assert not applications_visible_to(staff).exists()
    for application in (draft, withdrawn):
        with pytest.raises(Http404):
            get_application_for_user(staff, application.pk)


def test_inactive_user_sees_no_application(application_a, coordinator_a, clerk):
    coordinator_a.is_active = False
    clerk.is_active = False

    assert not applications_visible_to(coordinator_a).exists()
    assert not applications_visible_to(clerk).exists()
    with pytest.raises(Http404):
        get_application_for_user(clerk, application_a.pk)


@pytest.mark.parametrize("pk", [999999, "abc", None])
def test_unknown_or_malformed_application_id_gives_404(application_a, clerk, pk):
    with pytest.raises(Http404):
        get_application_for_user(clerk, pk)


# --- budget figures ----------------------------------------------------------------------

def test_budget_figures_without_awards_show_the_whole_budget_remaining(programme):
    figures = budget_figures(programme)

    assert [row.year for row in figures] == [2026, 2027, 2028, 2029, 2030]
    assert all((row.budget, row.committed, row.paid, row.remaining) ==
               (Decimal("1000000.00"), Decimal("0.00"), Decimal("0.00"), Decimal("1000000.00"))
               for row in figures)


def test_budget_figures_show_committed_paid_and_remaining_per_year(programme, coordinator_a, coordinator_b, clerk,
                                                                     approver, approver2):
    award_a = factories.approved_award(programme, coordinator_a, clerk, approver)
    factories.approved_award(programme, coordinator_b, clerk, approver, grant=Decimal("120000.00"))
    pay(award_a, 2026, Decimal("25000.00"), coordinator_a, clerk, approver2)
    pay(award_a, 2026, Decimal("5000.50"), coordinator_a, clerk, approver2)
    pay(award_a, 2027, Decimal("8000.00"), coordinator_a, clerk, approver2)  # 2027: at most 1/12 callable yet
    disbursement_request(award=award_a, year=2026, amount=Decimal("7000.00"), user=coordinator_a)  # not paid

    figures = {row.year: row for row in budget_figures(programme)}

    assert (figures[2026].committed, figures[2026].paid, figures[2026].remaining) == (
        Decimal("220000.00"), Decimal("30000.50"), Decimal("780000.00"))
    assert (figures[2027].committed, figures[2027].paid) == (Decimal("220000.00"), Decimal("8000.00"))
    assert (figures[2028].committed, figures[2028].paid) == (Decimal("220000.00"), Decimal("0.00"))


def test_budget_figures_ignore_other_programmes(programme, coordinator_a, clerk, approver):
    factories.approved_award(programme, coordinator_a, clerk, approver)
    other = factories.make_programme(code="wir-2031", start=2031, end=2035)

    figures = budget_figures(other)

    assert [row.year for row in figures] == [2031, 2032, 2033, 2034, 2035]
    assert all(row.committed == Decimal("0.00") for row in figures)


def test_award_total_sums_its_years(programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver,
                                     amounts={year: Decimal("90000.00") for year in range(2026, 2031)},
                                     justification="Kürzung")

    assert award_total(award) == Decimal("450000.00")
