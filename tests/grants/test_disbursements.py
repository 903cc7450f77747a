from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.selectors import audit_entries_for
from core import clock
from core.errors import BudgetExceeded, DomainError, FieldErrors, InvalidTransition, NotPermitted
from grants.models import Award, Disbursement
from grants.selectors.awards import award_year_figures
from grants.services.disbursements import (
    disbursement_book,
    disbursement_cancel,
    disbursement_prepare,
    disbursement_reject,
    disbursement_release,
    disbursement_request,
)
from tests import factories

D = Disbursement.Status


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver)


def request(award, user, amount="40000.00", year=2026):
    return disbursement_request(award=award, year=year, amount=Decimal(amount), user=user,
                                stated_need="Personalkosten Januar bis April")


def released(award, coordinator, clerk, approver, amount="40000.00"):
    disbursement = request(award, coordinator, amount)
    disbursement_prepare(disbursement=disbursement, user=clerk)
    return disbursement_release(disbursement=disbursement, user=approver)


def test_coordinator_requests_funds_of_own_award(award, coordinator_a):
    disbursement = request(award, coordinator_a)

    assert disbursement.status == D.REQUESTED
    assert disbursement.amount == Decimal("40000.00")
    assert disbursement.award_year.year == 2026
    entry = audit_entries_for(disbursement).get()
    assert (entry.actor, entry.action, entry.changes) == (coordinator_a, "grants.disbursement.requested",
                                                          {"status": [None, "angefordert"]})


def test_coordinator_of_other_body_cannot_request_funds(award, coordinator_b):
    with pytest.raises(NotPermitted, match="eigene Gebietskörperschaft"):
        request(award, coordinator_b)
    assert not Disbursement.objects.exists()


def test_clerk_cannot_request_funds_for_a_body(award, clerk):
    with pytest.raises(NotPermitted):
        request(award, clerk)


def test_request_above_what_remains_of_the_year_is_refused_with_the_remaining_amount(award, coordinator_a):
    request(award, coordinator_a, "70000.00")

    with pytest.raises(BudgetExceeded) as refusal:
        request(award, coordinator_a, "30000.01")

    assert "höchstens 30.000,00 €" in refusal.value.message
    assert Disbursement.objects.count() == 1


def test_request_of_exactly_the_remaining_amount_is_allowed(award, coordinator_a):
    request(award, coordinator_a, "70000.00")
    request(award, coordinator_a, "30000.00")

    assert award_year_figures(award)[0]["remaining"] == Decimal("0.00")


@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_request_of_zero_or_negative_amount_is_refused(award, coordinator_a, amount):
    with pytest.raises(FieldErrors) as refusal:
        request(award, coordinator_a, amount)
    assert "größer als 0,00 €" in refusal.value.errors["amount"][0]


def test_request_for_a_year_without_award_is_refused(award, coordinator_a):
    with pytest.raises(FieldErrors) as refusal:
        request(award, coordinator_a, year=2031)
    assert "2031" in refusal.value.errors["year"][0]


def test_request_on_a_closed_award_is_refused(award, coordinator_a):
    Award.objects.filter(pk=award.pk).update(status=Award.Status.CLOSED, closed_at=clock.now())
    with pytest.raises(InvalidTransition, match="abgeschlossen"):
        request(award, coordinator_a)


def test_full_payment_path_books_the_payment(award, coordinator_a, clerk, approver):
    disbursement = released(award, coordinator_a, clerk, approver)
    disbursement_book(disbursement=disbursement, user=clerk, paid_on=timezone.localdate(),
                      payment_reference="HKR-2026-000123")

    disbursement.refresh_from_db()
    assert disbursement.status == D.PAID
    assert (disbursement.prepared_by, disbursement.released_by, disbursement.booked_by) == (clerk, approver, clerk)
    figures = award_year_figures(award)[0]
    assert (figures["called"], figures["paid"], figures["remaining"]) == (
        Decimal("40000.00"), Decimal("40000.00"), Decimal("60000.00"))
    assert [e.action for e in audit_entries_for(disbursement)] == [
        "grants.disbursement.requested", "grants.disbursement.prepared", "grants.disbursement.released",
        "grants.disbursement.paid"]


def test_who_prepared_a_payment_cannot_release_it(award, coordinator_a, approver):
    disbursement = request(award, coordinator_a)
    disbursement_prepare(disbursement=disbursement, user=approver)

    with pytest.raises(NotPermitted, match="Vier-Augen"):
        disbursement_release(disbursement=disbursement, user=approver)
    disbursement.refresh_from_db()
    assert disbursement.status == D.PREPARED
    assert disbursement.released_by is None


def test_clerk_cannot_release_a_payment(award, coordinator_a, clerk, clerk2):
    disbursement = request(award, coordinator_a)
    disbursement_prepare(disbursement=disbursement, user=clerk)

    with pytest.raises(NotPermitted, match="Bewilligungsbefugnis"):
        disbursement_release(disbursement=disbursement, user=clerk2)


def test_unprepared_request_cannot_be_released(award, coordinator_a, approver):
    disbursement = request(award, coordinator_a)
    with pytest.raises(InvalidTransition):
        disbursement_release(disbursement=disbursement, user=approver)


def test_releasing_twice_is_refused_so_money_moves_once(award, coordinator_a, clerk, approver, approver2):
    disbursement = released(award, coordinator_a, clerk, approver)

    with pytest.raises(InvalidTransition, match="bereits freigegeben"):
        disbursement_release(disbursement=disbursement, user=approver2)
    disbursement.refresh_from_db()
    assert disbursement.released_by == approver


def test_booking_needs_reference_and_a_date_not_in_the_future(award, coordinator_a, clerk, approver):
    disbursement = released(award, coordinator_a, clerk, approver)

    with pytest.raises(FieldErrors) as refusal:
        disbursement_book(disbursement=disbursement, user=clerk,
                          paid_on=timezone.localdate() + timedelta(days=1), payment_reference=" ")
    assert set(refusal.value.errors) == {"paid_on", "payment_reference"}
    disbursement.refresh_from_db()
    assert disbursement.status == D.RELEASED


def test_booking_before_release_date_is_refused(award, coordinator_a, clerk, approver):
    disbursement = released(award, coordinator_a, clerk, approver)
    with pytest.raises(FieldErrors, match="vor der Freigabe"):
        disbursement_book(disbursement=disbursement, user=clerk, paid_on=date(2020, 1, 1),
                          payment_reference="HKR-1")


def test_booked_payment_cannot_be_booked_again(award, coordinator_a, clerk, approver):
    disbursement = released(award, coordinator_a, clerk, approver)
    disbursement_book(disbursement=disbursement, user=clerk, paid_on=timezone.localdate(), payment_reference="A")
    with pytest.raises(InvalidTransition):
        disbursement_book(disbursement=disbursement, user=clerk, paid_on=timezone.localdate(), payment_reference="B")


def test_rejected_request_frees_its_amount(award, coordinator_a, clerk):
    disbursement = request(award, coordinator_a, "100000.00")
    disbursement_reject(disbursement=disbursement, user=clerk, reason="Bedarf nicht nachgewiesen")

    assert request(award, coordinator_a, "100000.00").status == D.REQUESTED
    disbursement.refresh_from_db()
    assert disbursement.rejection_reason == "Bedarf nicht nachgewiesen"


def test_rejection_needs_a_reason_and_is_impossible_after_release(award, coordinator_a, clerk, approver):
    disbursement = request(award, coordinator_a)
    with pytest.raises(FieldErrors):
        disbursement_reject(disbursement=disbursement, user=clerk, reason="")
    disbursement_prepare(disbursement=disbursement, user=clerk)
    disbursement_release(disbursement=disbursement, user=approver)
    with pytest.raises(InvalidTransition):
        disbursement_reject(disbursement=disbursement, user=clerk, reason="zu spät")


def test_coordinator_cancels_an_unprocessed_request_but_not_a_prepared_one(award, coordinator_a, coordinator_b, clerk):
    first = request(award, coordinator_a)
    with pytest.raises(NotPermitted):
        disbursement_cancel(disbursement=first, user=coordinator_b)
    assert disbursement_cancel(disbursement=first, user=coordinator_a).status == D.CANCELLED

    second = request(award, coordinator_a)
    disbursement_prepare(disbursement=second, user=clerk)
    with pytest.raises(DomainError, match="nicht bearbeiteter"):
        disbursement_cancel(disbursement=second, user=coordinator_a)


def test_database_refuses_a_payment_released_by_its_preparer(award, coordinator_a, approver):
    disbursement = request(award, coordinator_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.filter(pk=disbursement.pk).update(
            status=D.RELEASED, prepared_by=approver, released_by=approver)


def test_database_refuses_a_non_positive_payment(award, coordinator_a):
    disbursement = request(award, coordinator_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.filter(pk=disbursement.pk).update(amount=Decimal("0.00"))
