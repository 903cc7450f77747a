"""Several payments at once (grants/services/bulk_payments.py): each through its single service;
on PostgreSQL with real threads, two clerks booking overlapping selections book each payment once."""

from decimal import Decimal

import pytest

from audit.models import AuditEntry
from audit.services import audit_log
from core import clock
from grants.models import Disbursement
from grants.services.bulk_payments import BULK_ACTIONS, bulk_total, disbursements_bulk
from grants.services.disbursements import disbursement_prepare, disbursement_release, disbursement_request
from tests import factories
from tests.concurrency import run_together, slowed

D = Disbursement.Status
BOOK = BULK_ACTIONS["buchen"]


def released_payments(award, coordinator, clerk, approver, n):
    payments = []
    for i in range(n):
        d = disbursement_request(award=award, year=award.years.order_by("budget__year").first().budget.year,
                                 amount=Decimal("1000.00") + i, user=coordinator, stated_need="Personalkosten")
        disbursement_prepare(disbursement=d, user=clerk)
        payments.append(disbursement_release(disbursement=d, user=approver))
    return payments


def book(payments, user, reference):
    return disbursements_bulk(action=BOOK, disbursements=payments, user=user, paid_on=clock.today(),
                              payment_reference=reference)


@pytest.mark.django_db
def test_bulk_booking_reports_each_refusal_and_books_the_rest(programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    first, second = released_payments(award, coordinator_a, clerk, approver, 2)
    book([first], clerk, "KA-1")

    outcomes = book([second, first], clerk, "KA-2")

    assert [(o.disbursement.pk, o.done) for o in outcomes] == [(first.pk, False), (second.pk, True)]
    assert "Die Buchung" in outcomes[0].refusal
    assert bulk_total(outcomes) == second.amount
    first.refresh_from_db()
    assert first.payment_reference == "KA-1"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_bulk_booking_overlapping_selections_book_each_payment_once(
        monkeypatch, programme, coordinator_a, clerk, clerk2, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    p1, p2, p3, p4 = released_payments(award, coordinator_a, clerk, approver, 4)
    # Each booking holds its transaction open after its checks: without the row lock both would book.
    monkeypatch.setattr("grants.services.disbursements.audit_log", slowed(audit_log, 0.2))

    results = run_together(lambda: book([p1, p2, p3], clerk, "KA-A"), lambda: book([p4, p3, p2], clerk2, "KA-B"))

    assert [kind for kind, _value in results] == ["ok", "ok"]
    done = [o.disbursement.pk for _kind, outcomes in results for o in outcomes if o.done]
    refused = [o.disbursement.pk for _kind, outcomes in results for o in outcomes if not o.done]
    assert sorted(done) == sorted([p1.pk, p2.pk, p3.pk, p4.pk])  # each booked by exactly one of them
    assert sorted(refused) == sorted([p2.pk, p3.pk])
    assert Disbursement.objects.filter(status=D.PAID).count() == 4
    paid = AuditEntry.objects.filter(action="grants.disbursement.paid")
    assert sorted(paid.values_list("object_id", flat=True)) == sorted([p1.pk, p2.pk, p3.pk, p4.pk])
