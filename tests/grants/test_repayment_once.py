"""A repayment is booked once: the same amount received on the same day under the same
Buchungszeichen is refused by the service beside the field (the second line of defence behind
the form token) and by the database; instalments on other days or under another reference are
booked."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.errors import FieldErrors
from grants.models import ReclaimRepayment
from grants.services.reclaims import reclaim_book_repayment

# Shared fixtures (autouse: the clock at TODAY, 01.03.2024) and helpers.
from tests.grants.reclaim_fixtures import at, award, fixed, frozen_clock, proposed, report  # noqa: F401
from tests.grants.views import error_beside

pytestmark = pytest.mark.usefixtures("private_storage")
M = Decimal
AMOUNT = M("200.00")


def book(reclaim, clerk, *, on=date(2024, 3, 1), amount=AMOUNT, reference="RZ-2024-17"):
    return reclaim_book_repayment(reclaim=reclaim, user=clerk, received_on=on, amount=amount, reference=reference)


def test_the_same_receipt_booked_twice_is_refused_beside_the_reference(fixed, clerk):  # noqa: F811
    book(fixed, clerk)
    with pytest.raises(FieldErrors) as caught:
        book(fixed, clerk)
    assert "bereits gebucht" in caught.value.errors["reference"][0]
    assert "200,00 €" in caught.value.errors["reference"][0]
    assert ReclaimRepayment.objects.count() == 1


def test_instalments_on_other_days_or_with_another_reference_are_booked(fixed, clerk):  # noqa: F811
    book(fixed, clerk, on=date(2024, 3, 1))
    book(fixed, clerk, on=date(2024, 3, 1), reference="RZ-2024-18")
    with at(date(2024, 4, 2)):
        book(fixed, clerk, on=date(2024, 4, 2))
    assert ReclaimRepayment.objects.count() == 3


def test_the_database_refuses_a_second_identical_receipt(fixed, clerk):  # noqa: F811
    repayment = book(fixed, clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReclaimRepayment.objects.create(reclaim=fixed, received_on=repayment.received_on, amount=repayment.amount,
                                        reference=repayment.reference, booked_by=clerk)


def test_the_form_sent_again_without_token_shows_the_refusal(client, fixed, clerk):  # noqa: F811
    client.force_login(clerk)
    url = reverse("grants:reclaim_repayment", args=[fixed.pk])
    data = {"received_on": "01.03.2024", "amount": "200,00", "reference": "RZ-2024-17"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200
    assert "bereits gebucht" in error_beside(again, "id_reference")
    assert ReclaimRepayment.objects.count() == 1
