"""Several payments at once: select in the queue, confirm on a page listing each payment and the
sum, each then goes through its single service; a refused one is named with its reason while the
others go through. The clock stands on 15.06.2026 (see test_payment_views)."""

import time
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.sessions import AUTHENTICATED_AT
from audit.models import AuditEntry
from core import clock
from grants.models import Disbursement
from grants.services.disbursements import disbursement_prepare, disbursement_release, disbursement_request
from tests import factories
from tests.form_tokens import form_token
from tests.grants.views import error_beside

D = Disbursement.Status
M = Decimal


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen_at(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Europe/Berlin"))):
        yield


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver)


def requested(award, coordinator, n, amount="5000.00"):
    return [disbursement_request(award=award, year=2026, amount=M(amount) + i, user=coordinator,
                                 stated_need=f"Personalkosten Monat {i + 1}") for i in range(n)]


def prepared(award, coordinator, preparer, n):
    return [disbursement_prepare(disbursement=d, user=preparer) for d in requested(award, coordinator, n)]


def released(award, coordinator, preparer, releaser, n):
    return [disbursement_release(disbursement=d, user=releaser) for d in prepared(award, coordinator, preparer, n)]


def bulk_url(action, payments=()):
    url = reverse("grants:payment_bulk", args=[action])
    return url + ("?" + "&".join(f"auswahl={d.pk}" for d in payments) if payments else "")


BOOKING = {"paid_on": "15.06.2026", "payment_reference": "KA-2026-117"}


def book_data(payments, **extra):
    return {"auswahl": [str(d.pk) for d in payments], **BOOKING, **extra}


def statuses(payments):
    return [Disbursement.objects.get(pk=d.pk).status for d in payments]


def paid_entries(payments):
    return AuditEntry.objects.filter(action="grants.disbursement.paid", object_id__in=[d.pk for d in payments])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_queue_offers_checkboxes_and_bulk_booking_on_the_released_tab(client, award, coordinator_a, clerk, approver):
    payments = released(award, coordinator_a, clerk, approver, 2)
    client.force_login(clerk)

    html = client.get(reverse("grants:payment_queue") + "?status=freigegeben").content.decode()

    assert f'action="{bulk_url("buchen")}"' in html
    for d in payments:
        assert f'name="auswahl" value="{d.pk}" form="sammelaktion"' in html


def test_confirmation_lists_each_payment_with_body_year_amount_and_the_sum(client, award, coordinator_a, clerk,
                                                                          approver):
    payments = released(award, coordinator_a, clerk, approver, 2)
    client.force_login(clerk)

    html = client.get(bulk_url("buchen", payments)).content.decode()

    assert html.count("Werra-Meißner-Kreis") >= 2
    assert "5.000,00 €" in html and "5.001,00 €" in html
    assert "10.001,00 €" in html  # the sum
    assert "Nicht alles oder nichts" in html
    assert "Buchen: 2 Zahlungen über 10.001,00 €" in html
    assert statuses(payments) == [D.RELEASED, D.RELEASED]  # looking changes nothing


def test_bulk_booking_books_each_payment_once(client, award, coordinator_a, clerk, approver):
    payments = released(award, coordinator_a, clerk, approver, 3)
    client.force_login(clerk)
    page = client.get(bulk_url("buchen", payments))

    response = client.post(bulk_url("buchen"), {**book_data(payments), "form_token": form_token(page, "")},
                           follow=True)

    assert statuses(payments) == [D.PAID] * 3
    booked = Disbursement.objects.filter(pk__in=[d.pk for d in payments])
    assert {(d.paid_on, d.payment_reference, d.booked_by) for d in booked} == {(date(2026, 6, 15), "KA-2026-117",
                                                                               clerk)}
    assert paid_entries(payments).count() == 3
    assert "3 Zahlungen gebucht, zusammen 15.003,00 €." in messages_of(response)


def test_double_submission_books_nothing_twice(client, award, coordinator_a, clerk, approver):
    payments = released(award, coordinator_a, clerk, approver, 2)
    client.force_login(clerk)
    token = form_token(client.get(bulk_url("buchen", payments)), "")

    client.post(bulk_url("buchen"), {**book_data(payments), "form_token": token})
    second = client.post(bulk_url("buchen"), {**book_data(payments), "form_token": token}, follow=True)
    # A repeat without a form token (another tab, a script) is refused by each payment's own rule.
    third = client.post(bulk_url("buchen"), book_data(payments, payment_reference="KA-2026-999"), follow=True)

    assert paid_entries(payments).count() == 2
    assert set(Disbursement.objects.filter(pk__in=[d.pk for d in payments])
               .values_list("payment_reference", flat=True)) == {"KA-2026-117"}
    assert "Dieses Formular wurde bereits abgesendet. Es wurde nicht noch einmal verarbeitet." in messages_of(second)
    assert all(message.startswith("Nicht gebucht: Werra-Meißner-Kreis, 2026") for message in messages_of(third))


def test_a_refused_payment_is_named_with_its_reason_and_the_others_are_booked(client, award, coordinator_a, clerk,
                                                                              approver):
    ok = released(award, coordinator_a, clerk, approver, 2)
    not_released = prepared(award, coordinator_a, clerk, 1)[0]
    client.force_login(clerk)

    confirmation = client.get(bulk_url("buchen", [*ok, not_released])).content.decode()
    response = client.post(bulk_url("buchen"), book_data([*ok, not_released]), follow=True)

    assert "wird nicht gebucht:" in confirmation
    assert statuses(ok) == [D.PAID, D.PAID]
    assert statuses([not_released]) == [D.PREPARED]
    shown = messages_of(response)
    assert "2 Zahlungen gebucht, zusammen 10.001,00 €." in shown
    refusal = next(message for message in shown if message.startswith("Nicht gebucht"))
    assert f"Werra-Meißner-Kreis, 2026, 5.000,00 € ({award.application.file_reference})" in refusal
    assert "Die Buchung" in refusal  # the single service's German reason


def test_bulk_release_refuses_what_the_person_prepared_four_eyes(client, award, coordinator_a, clerk, approver,
                                                                 approver2):
    own = prepared(award, coordinator_a, approver, 1)
    others = prepared(award, coordinator_a, clerk, 2)
    client.force_login(approver)

    confirmation = client.get(bulk_url("freigeben", [*own, *others])).content.decode()
    response = client.post(bulk_url("freigeben"), {"auswahl": [str(d.pk) for d in [*own, *others]]}, follow=True)

    assert "Vier-Augen-Prinzip" in confirmation
    assert statuses(own) == [D.PREPARED]
    assert statuses(others) == [D.RELEASED, D.RELEASED]
    assert any("Vier-Augen-Prinzip" in message and message.startswith("Nicht freigegeben")
               for message in messages_of(response))


def test_bulk_release_asks_for_reauthentication_like_the_single_release(client, settings, award, coordinator_a,
                                                                        clerk, approver):
    settings.REAUTH_MAX_AGE_MINUTES = 15
    payments = prepared(award, coordinator_a, clerk, 2)
    client.force_login(approver)
    session = client.session
    session[AUTHENTICATED_AT] = int(time.time()) - 3600  # the last full sign-in an hour ago
    session.save()

    looked = client.get(bulk_url("freigeben", payments))
    sent = client.post(bulk_url("freigeben"), {"auswahl": [str(d.pk) for d in payments]})

    assert looked.status_code == 302 and looked.url.startswith(reverse("accounts:reauthenticate"))
    assert sent.status_code == 302 and sent.url.startswith(reverse("accounts:reauthenticate"))
    assert statuses(payments) == [D.PREPARED, D.PREPARED]


def test_clerk_prepares_several_requests_at_once(client, award, coordinator_a, clerk):
    payments = requested(award, coordinator_a, 2)
    client.force_login(clerk)

    confirmation = client.get(bulk_url("vorbereiten", payments)).content.decode()
    assert "Personalkosten Monat 1" in confirmation and "Personalkosten Monat 2" in confirmation  # the stated need
    response = client.post(bulk_url("vorbereiten"), {"auswahl": [str(d.pk) for d in payments]}, follow=True)

    assert statuses(payments) == [D.PREPARED, D.PREPARED]
    assert Disbursement.objects.filter(pk__in=[d.pk for d in payments], prepared_by=clerk).count() == 2
    assert "2 Zahlungen vorbereitet, zusammen 10.001,00 €." in messages_of(response)


def test_clerk_cannot_release_several(client, award, coordinator_a, clerk, approver):
    payments = prepared(award, coordinator_a, approver, 1)
    client.force_login(clerk)

    assert client.post(bulk_url("freigeben"), {"auswahl": [str(payments[0].pk)]}).status_code == 403
    assert statuses(payments) == [D.PREPARED]


def test_booking_date_in_the_future_is_shown_beside_the_field_and_nothing_is_booked(client, award, coordinator_a,
                                                                                    clerk, approver):
    payments = released(award, coordinator_a, clerk, approver, 2)
    client.force_login(clerk)

    response = client.post(bulk_url("buchen"), book_data(payments, paid_on="16.06.2026"))

    assert response.status_code == 400
    assert error_beside(response, "id_paid_on") == "Das Auszahlungsdatum darf nicht in der Zukunft liegen."
    assert 'value="KA-2026-117"' in response.content.decode()  # nothing typed is lost
    assert statuses(payments) == [D.RELEASED, D.RELEASED]


def test_coordinator_cannot_use_bulk_actions(client, award, coordinator_a, clerk, approver):
    payments = released(award, coordinator_a, clerk, approver, 1)
    client.force_login(coordinator_a)

    assert client.get(bulk_url("buchen", payments)).status_code == 403
    assert client.post(bulk_url("buchen"), book_data(payments)).status_code == 403
    assert statuses(payments) == [D.RELEASED]


def test_unknown_action_is_404_and_an_empty_selection_is_explained(client, clerk):
    client.force_login(clerk)

    assert client.get(bulk_url("loeschen")).status_code == 404
    response = client.get(bulk_url("buchen") + "?auswahl=abc", follow=True)
    assert "Bitte wählen Sie mindestens einen Mittelabruf aus." in messages_of(response)


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_confirmation_page_costs_the_same_queries_for_2_and_6_payments(client, award, coordinator_a, clerk,
                                                                       approver):
    payments = released(award, coordinator_a, clerk, approver, 6)
    client.force_login(clerk)
    client.get(bulk_url("buchen", payments[:1]))  # warm caches

    two = _queries(lambda: client.get(bulk_url("buchen", payments[:2])))
    six = _queries(lambda: client.get(bulk_url("buchen", payments)))

    assert six == two


def test_bulk_booking_costs_a_few_queries_per_payment_no_page_render_each(client, award, coordinator_a, clerk,
                                                                          approver):
    payments = released(award, coordinator_a, clerk, approver, 6)
    client.force_login(clerk)
    client.get(bulk_url("buchen", payments[:1]))  # warm caches

    two = _queries(lambda: client.post(bulk_url("buchen"), book_data(payments[:2])))
    six = _queries(lambda: client.post(bulk_url("buchen"), book_data(payments[2:])))

    assert statuses(payments) == [D.PAID] * 6
    per_payment = (six - two) / 4
    # lock, update, audit entry, and the body's notification "Auszahlung gebucht" (its recipients, the entry,
    # the outbox mail); plus the savepoints of the test transaction – never a page render per payment
    assert per_payment <= 10
