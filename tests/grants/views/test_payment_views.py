"""Mittelabruf and Auszahlung views: the coordinator calls funds; the ministry prepares,
releases (four-eyes), books or rejects from its queue; both sides see the figures per year.

The clock stands on 15.06.2026 (funds_use_months = 2): of 2026 eight months are needed by
15.08.2026 → 8/12 of 100.000,00 € = 66.666,66 € may be called; 2027 not before 01.11.2026.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.selectors import audit_entries_for
from core import clock
from grants.models import Disbursement
from grants.selectors.awards import award_year_figures
from grants.services.disbursements import disbursement_prepare, disbursement_release, disbursement_request
from municipalities.models import Municipality
from tests import factories
from tests.grants.views import error_beside, page_elements

D = Disbursement.Status
M = Decimal
LOGIN = "/konto/login/?next="
TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen_at(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Europe/Berlin"))):
        yield


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver)


@pytest.fixture
def requested(award, coordinator_a):
    return disbursement_request(award=award, year=2026, amount=M("40000.00"), user=coordinator_a,
                                stated_need="Personalkosten Januar bis Juli")


@pytest.fixture
def prepared(requested, clerk):
    return disbursement_prepare(disbursement=requested, user=clerk)


@pytest.fixture
def released(prepared, approver):
    return disbursement_release(disbursement=prepared, user=approver)


def request_url(award):
    return reverse("grants:payment_request", args=[award.application_id])


def detail_url(award):
    return reverse("grants:application_detail", args=[award.application_id])


def action_url(name, disbursement):
    return reverse(f"grants:{name}", args=[disbursement.pk])


def status_of(disbursement):
    disbursement.refresh_from_db()
    return disbursement.status


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


CALL = {"year": "2026", "amount": "40.000,00", "stated_need": "Personalkosten Januar bis Juli 2026"}


# --- Koordination: Mittelabruf -------------------------------------------------------------------


def test_anonymous_is_sent_to_login_from_the_request_page(client, award):
    response = client.get(request_url(award))

    assert response.status_code == 302 and response.url == LOGIN + request_url(award)


def test_request_page_shows_per_year_what_may_be_called_now_and_why(client, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.get(request_url(award))

    html = response.content.decode()
    assert response.status_code == 200
    row = page_elements(response)
    cells = [e for e in row.elements if e.tag == "td" and e.attrs.get("data-figure") == "callable"]
    assert [" ".join(c.text.split()) for c in cells] == ["66.666,66 €", "0,00 €", "0,00 €", "0,00 €", "0,00 €"]
    assert ("Abrufbar sind derzeit höchstens 66.666,66 €: Mittel dürfen nur angefordert werden, soweit sie "
            "innerhalb von 2 Monaten nach der Auszahlung benötigt werden; für 2026 sind das bis Ende August 8/12 "
            "der bewilligten 100.000,00 €, abzüglich bereits abgerufener 0,00 €.") in html
    assert "Für 2027 sind Mittel erst ab 01.11.2026 abrufbar" in html
    assert [o for o in ("2026", "2027", "2030") if f'<option value="{o}"' in html] == ["2026", "2027", "2030"]


def test_coordinator_calls_funds_with_a_german_amount(client, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(request_url(award), CALL, follow=True)

    disbursement = Disbursement.objects.get()
    assert (disbursement.amount, disbursement.award_year.year, disbursement.status, disbursement.stated_need) == (
        M("40000.00"), 2026, D.REQUESTED, "Personalkosten Januar bis Juli 2026")
    assert response.redirect_chain[-1][0] == detail_url(award)
    assert "Der Mittelabruf über 40.000,00 € für 2026 ist eingegangen." in " ".join(messages_of(response))


def test_calling_more_than_remains_of_the_year_is_refused_beside_the_amount_and_nothing_stored(
        client, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(request_url(award), {**CALL, "amount": "100.000,01"})

    assert response.status_code == 200
    assert error_beside(response, "id_amount") == (
        "Für 2026 sind 100.000,00 € bewilligt, davon sind bereits 0,00 € abgerufen; höchstens 100.000,00 € "
        "können noch abgerufen werden.")
    assert not Disbursement.objects.exists()


def test_calling_more_than_needed_within_the_period_is_refused_with_the_explanation_and_input_kept(
        client, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(request_url(award), {**CALL, "amount": "70.000,00"})

    assert error_beside(response, "id_amount") == (
        "Abrufbar sind derzeit höchstens 66.666,66 €: Mittel dürfen nur angefordert werden, soweit sie innerhalb "
        "von 2 Monaten nach der Auszahlung benötigt werden; für 2026 sind das bis Ende August 8/12 der bewilligten "
        "100.000,00 €, abzüglich bereits abgerufener 0,00 €.")
    assert not Disbursement.objects.exists()
    page = page_elements(response)
    assert page.by_id["id_amount"].attrs["value"] == "70.000,00"
    assert page.by_id["id_stated_need"].text.strip() == CALL["stated_need"]
    assert page.by_id["id_year"].attrs  # the select is still there …
    assert 'value="2026" selected' in response.content.decode()  # … with the chosen year


def test_a_year_not_yet_due_is_refused_saying_from_when(client, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(request_url(award), {**CALL, "year": "2027", "amount": "1.000,00"})

    assert "Für 2027 sind Mittel erst ab 01.11.2026 abrufbar" in error_beside(response, "id_amount")
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("field, data, message", [
    ("id_stated_need", {"stated_need": ""}, "Bitte begründen Sie, wofür die Mittel benötigt werden."),
    ("id_amount", {"amount": "vierzig"}, "„vierzig“ ist kein gültiger Betrag. Beispiel: 100.000,00"),
    ("id_amount", {"amount": "0,00"}, "Der Betrag muss größer als 0,00 € sein."),
    ("id_year", {"year": "2031"}, "Bitte ein Jahr der Zuwendung wählen."),
])
def test_invalid_input_is_shown_beside_its_field(client, award, coordinator_a, field, data, message):
    client.force_login(coordinator_a)

    response = client.post(request_url(award), {**CALL, **data})

    assert error_beside(response, field) == message
    assert not Disbursement.objects.exists()


def test_coordinator_of_another_body_gets_404_on_the_request_page(client, award, coordinator_b):
    client.force_login(coordinator_b)

    assert client.get(request_url(award)).status_code == 404
    assert client.post(request_url(award), CALL).status_code == 404
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("user", ["clerk", "approver", "programme_admin"])
def test_ministry_staff_cannot_call_funds(client, award, user, request):
    client.force_login(request.getfixturevalue(user))

    assert client.get(request_url(award)).status_code == 403
    assert client.post(request_url(award), CALL).status_code == 403
    assert not Disbursement.objects.exists()


def test_request_page_without_an_award_sends_back_to_the_application(client, programme, coordinator_a):
    application = factories.submitted_application(programme, coordinator_a)
    client.force_login(coordinator_a)

    response = client.get(reverse("grants:payment_request", args=[application.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("grants:application_detail", args=[application.pk])
    assert "keine laufende Zuwendung" in " ".join(messages_of(response))


def test_coordinator_cancels_a_request_not_yet_prepared(client, requested, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(action_url("payment_cancel", requested), follow=True)

    assert status_of(requested) == D.CANCELLED
    assert "ist zurückgezogen" in " ".join(messages_of(response))


def test_a_prepared_request_cannot_be_cancelled(client, prepared, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(action_url("payment_cancel", prepared), follow=True)

    assert status_of(prepared) == D.PREPARED
    assert "Nur ein noch nicht bearbeiteter Mittelabruf kann zurückgezogen werden." in messages_of(response)


def test_cancel_is_refused_to_other_body_and_ministry(client, requested, coordinator_b, clerk):
    client.force_login(coordinator_b)
    assert client.post(action_url("payment_cancel", requested)).status_code == 404
    client.force_login(clerk)
    assert client.post(action_url("payment_cancel", requested)).status_code == 403
    assert client.get(action_url("payment_cancel", requested)).status_code == 405
    assert status_of(requested) == D.REQUESTED


# --- the panel on the application page ------------------------------------------------------------


def test_coordinator_sees_figures_calls_and_the_request_link_on_the_award(client, requested, award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.get(detail_url(award))

    html = response.content.decode()
    assert "Mittelabrufe und Auszahlungen" in html
    assert request_url(award) in html
    row = page_elements(response).by_id[f"mittelabruf-{requested.pk}"]
    assert "40.000,00 €" in row.text and "Angefordert" in row.text and "Zurückziehen" in row.text
    # 66.666,66 € needed by August, 40.000,00 € called → 26.666,66 € callable now
    assert "26.666,66 €" in html
    assert action_url("payment_prepare", requested) not in html


def test_ministry_sees_the_same_figures_and_the_action_buttons_on_the_award(client, requested, award, clerk):
    client.force_login(clerk)

    html = client.get(detail_url(award)).content.decode()

    assert "26.666,66 €" in html
    assert action_url("payment_prepare", requested) in html
    assert action_url("payment_reject", requested) in html
    assert request_url(award) not in html


# --- Ministerium: the queue ---------------------------------------------------------------------------


def queue_url(**params):
    from urllib.parse import urlencode
    return reverse("grants:payment_queue") + (f"?{urlencode(params)}" if params else "")


def test_anonymous_is_sent_to_login_from_the_queue(client, db):
    response = client.get(queue_url())

    assert response.status_code == 302 and response.url == LOGIN + "/auszahlungen/"


@pytest.mark.parametrize("user", ["coordinator_a", "programme_admin"])
def test_queue_is_refused_to_people_who_handle_no_payments(client, user, request):
    client.force_login(request.getfixturevalue(user))

    response = client.get(queue_url())

    assert response.status_code == 403
    assert "Nur die Sachbearbeitung oder Bewilligung kann Auszahlungen vorbereiten" in response.content.decode()


@pytest.mark.parametrize("user", ["clerk", "approver"])
def test_queue_lists_requests_with_their_columns(client, requested, award, user, request):
    client.force_login(request.getfixturevalue(user))

    response = client.get(queue_url())

    assert response.status_code == 200
    row = page_elements(response).by_id[f"mittelabruf-{requested.pk}"]
    for text in ("Werra-Meißner-Kreis", award.application.file_reference, "2026", "40.000,00 €", "15.06.2026",
                 "Angefordert", "Prüfen und vorbereiten"):
        assert text in row.text
    assert detail_url(award) in response.content.decode()


def test_queue_tabs_filter_by_status_and_count(client, requested, prepared_other, clerk):
    client.force_login(clerk)

    requested_tab = client.get(queue_url())
    prepared_tab = client.get(queue_url(status="vorbereitet"))

    assert f"mittelabruf-{requested.pk}" in requested_tab.content.decode()
    assert f"mittelabruf-{prepared_other.pk}" not in requested_tab.content.decode()
    assert f"mittelabruf-{prepared_other.pk}" in prepared_tab.content.decode()
    assert f"mittelabruf-{requested.pk}" not in prepared_tab.content.decode()
    tabs = {tab["value"]: tab["count"] for tab in requested_tab.context["tabs"]}
    assert tabs == {"angefordert": 1, "vorbereitet": 1, "freigegeben": 0, "ausgezahlt": 0, "abgelehnt": 0}


@pytest.fixture
def prepared_other(programme, coordinator_b, clerk, approver):
    """Hochtaunuskreis: a request prepared by the clerk."""
    award_b = factories.approved_award(programme, coordinator_b, clerk, approver)
    disbursement = disbursement_request(award=award_b, year=2026, amount=M("30000.00"), user=coordinator_b)
    return disbursement_prepare(disbursement=disbursement, user=clerk)


def test_queue_filters_by_body_and_programme(client, requested, prepared_other, body_b, programme, clerk):
    client.force_login(clerk)
    factories.make_programme(code="wir-2031", start=2031, end=2035)

    by_body = client.get(queue_url(status="vorbereitet", municipality=body_b.pk)).content.decode()
    other_body = client.get(queue_url(status="angefordert", municipality=body_b.pk)).content.decode()
    by_programme = client.get(queue_url(programme="wir-2026")).content.decode()
    other_programme = client.get(queue_url(programme="wir-2031")).content.decode()

    assert f"mittelabruf-{prepared_other.pk}" in by_body
    assert f"mittelabruf-{requested.pk}" not in other_body
    assert f"mittelabruf-{requested.pk}" in by_programme
    assert f"mittelabruf-{requested.pk}" not in other_programme


def _many_prepared(count, calls, clerk):
    """`count` prepared requests spread over (award year, coordinator) pairs, written in one go."""
    Disbursement.objects.bulk_create([
        Disbursement(award_year=calls[i % len(calls)][0], requested_by=calls[i % len(calls)][1], amount=M("10.00"),
                     status=D.PREPARED, prepared_by=clerk, prepared_at=clock.now(), stated_need="Bedarf")
        for i in range(count)])


def test_queue_needs_the_same_number_of_queries_for_5_and_50_requests(client, award, programme, coordinator_a,
                                                                      coordinator_b, clerk, approver):
    award_b = factories.approved_award(programme, coordinator_b, clerk, approver)
    calls = [(award.years.get(budget__year=2026), coordinator_a), (award_b.years.get(budget__year=2026), coordinator_b)]
    client.force_login(approver)
    counts = []
    for total in (5, 50):
        _many_prepared(total - Disbursement.objects.count(), calls, clerk)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(queue_url(status="vorbereitet"))
        assert response.status_code == 200
        assert response.content.decode().count('id="mittelabruf-') == min(total, 25)  # the queue pages by 25
        counts.append(len(queries))

    assert counts[0] == counts[1]


# --- Ministerium: actions ------------------------------------------------------------------------


@pytest.mark.parametrize("name, method", [
    ("payment_prepare", "get"), ("payment_prepare", "post"), ("payment_release", "get"), ("payment_release", "post"),
    ("payment_book", "get"), ("payment_book", "post"), ("payment_reject", "get"), ("payment_reject", "post"),
])
def test_coordinator_is_refused_every_ministry_action(client, requested, coordinator_a, name, method):
    client.force_login(coordinator_a)

    response = getattr(client, method)(action_url(name, requested), {"reason": "x", "payment_reference": "x"})

    assert response.status_code == 403
    assert status_of(requested) == D.REQUESTED


@pytest.mark.parametrize("name", ["payment_prepare", "payment_release", "payment_book", "payment_reject"])
def test_anonymous_is_sent_to_login_from_every_action(client, requested, name):
    response = client.post(action_url(name, requested))

    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert status_of(requested) == D.REQUESTED


def test_unknown_request_gives_404(client, clerk, db):
    client.force_login(clerk)

    assert client.get(reverse("grants:payment_prepare", args=[999999])).status_code == 404


def test_clerk_checks_and_prepares_and_returns_to_the_filtered_queue(client, requested, award, clerk, body_a):
    client.force_login(clerk)
    back = queue_url(status="angefordert", municipality=body_a.pk)

    page = client.get(action_url("payment_prepare", requested) + "?"
                      + f"next={back.replace('?', '%3F').replace('&', '%26')}")
    assert page.status_code == 200
    assert "Personalkosten Januar bis Juli" in page.content.decode()
    assert "26.666,66 €" in page.content.decode()  # the award's figures, callable now included
    response = client.post(action_url("payment_prepare", requested), {"next": back})

    assert response.status_code == 302 and response.url == back
    requested.refresh_from_db()
    assert (requested.status, requested.prepared_by) == (D.PREPARED, clerk)


def test_prepare_page_shows_missing_bank_details_and_the_post_is_refused(client, requested, clerk, body_a):
    Municipality.objects.filter(pk=body_a.pk).update(iban="DE00123456780063600000")
    client.force_login(clerk)

    page = " ".join(client.get(action_url("payment_prepare", requested)).content.decode().split())
    response = client.post(action_url("payment_prepare", requested), {"next": ""}, follow=True)

    reason = ("Für die Zahlungsanordnung fehlt eine gültige Bankverbindung des Zahlungsempfängers – Kreisausschuss des "
              "Werra-Meißner-Kreises: Die Prüfziffern der IBAN stimmen nicht")
    assert reason in page and 'disabled aria-describedby="vorbereitung-gesperrt"' in page
    assert reason in " ".join(response.content.decode().split())
    requested.refresh_from_db()
    assert requested.status == D.REQUESTED


def test_an_outside_next_address_is_ignored(client, requested, clerk):
    client.force_login(clerk)

    response = client.post(action_url("payment_prepare", requested), {"next": "https://example.com/"})

    assert response.url == reverse("grants:payment_queue")


def test_clerk_cannot_release(client, prepared, clerk2):
    client.force_login(clerk2)

    assert client.post(action_url("payment_release", prepared)).status_code == 403
    assert status_of(prepared) == D.PREPARED


def test_who_prepared_sees_release_disabled_with_the_reason(client, requested, approver):
    disbursement_prepare(disbursement=requested, user=approver)
    client.force_login(approver)

    response = client.get(queue_url(status="vorbereitet"))

    page = page_elements(response)
    reason = page.by_id[f"vier-augen-{requested.pk}"].text
    assert "Vier-Augen-Prinzip: Sie haben diese Auszahlung vorbereitet" in reason
    button = next(e for e in page.elements if e.tag == "button" and
                  e.attrs.get("aria-describedby") == f"vier-augen-{requested.pk}")
    assert "disabled" in button.attrs
    assert action_url("payment_release", requested) not in response.content.decode()


def test_release_posted_by_the_preparer_is_refused_and_the_status_unchanged(client, requested, approver):
    disbursement_prepare(disbursement=requested, user=approver)
    client.force_login(approver)

    response = client.post(action_url("payment_release", requested), follow=True)

    assert status_of(requested) == D.PREPARED
    assert ("Vier-Augen-Prinzip: Sie haben diese Auszahlung vorbereitet und dürfen sie nicht selbst freigeben."
            in messages_of(response))


def test_a_second_release_post_leaves_one_release(client, prepared, approver, approver2):
    client.force_login(approver)
    first = client.post(action_url("payment_release", prepared), follow=True)
    client.force_login(approver2)
    second = client.post(action_url("payment_release", prepared), follow=True)

    prepared.refresh_from_db()
    assert (prepared.status, prepared.released_by) == (D.RELEASED, approver)
    assert any("ist freigegeben" in m for m in messages_of(first))
    assert "Diese Auszahlung ist bereits freigegeben." in messages_of(second)
    assert [e.action for e in audit_entries_for(prepared)].count("grants.disbursement.released") == 1


def test_release_button_in_the_queue_leads_to_the_confirmation(client, prepared, approver):
    client.force_login(approver)

    page = client.get(queue_url(status="vorbereitet")).content.decode()

    assert f'href="{action_url("payment_release", prepared)}?next=' in page
    assert f'action="{action_url("payment_release", prepared)}"' not in page  # no one-click release


def test_release_confirmation_shows_the_summary_and_releases_nothing(client, prepared, approver, body_a):
    client.force_login(approver)

    response = client.get(action_url("payment_release", prepared))

    page = " ".join(response.content.decode().split())
    summary = page[page.index('id="bestaetigung"'):]
    assert body_a.display_name in summary and prepared.award_year.award.application.file_reference in summary
    assert "40.000,00 €" in summary and "2026" in summary
    assert "geht in die nächste Zahlungsanordnung an die Landeskasse" in summary
    assert "Auszahlung verbindlich freigeben" in page
    assert status_of(prepared) == D.PREPARED


def test_release_confirmation_for_the_preparer_shows_four_eyes_and_no_form(client, requested, approver):
    disbursement_prepare(disbursement=requested, user=approver)
    client.force_login(approver)

    page = client.get(action_url("payment_release", requested)).content.decode()

    assert "Vier-Augen-Prinzip: Sie haben diese Auszahlung vorbereitet" in page
    assert f'action="{action_url("payment_release", requested)}"' not in page


def test_release_sent_twice_from_the_confirmation_releases_once(client, prepared, approver):
    client.force_login(approver)
    form = {"form_token": "freigabe-einmal-0123456789", "next": queue_url(status="vorbereitet")}

    first = client.post(action_url("payment_release", prepared), form)
    second = client.post(action_url("payment_release", prepared), form, follow=True)

    assert first.status_code == 302
    assert "Dieses Formular wurde bereits abgesendet. Es wurde nicht noch einmal verarbeitet." in messages_of(second)
    prepared.refresh_from_db()
    assert (prepared.status, prepared.released_by) == (D.RELEASED, approver)
    assert [e.action for e in audit_entries_for(prepared)].count("grants.disbursement.released") == 1


def test_other_body_cannot_open_the_release_confirmation(client, prepared, coordinator_b):
    client.force_login(coordinator_b)

    assert client.get(action_url("payment_release", prepared)).status_code in (403, 404)


def test_booking_page_says_what_booking_does(client, released, clerk):
    client.force_login(clerk)

    page = " ".join(client.get(action_url("payment_book", released)).content.decode().split())

    assert "Die Zahlung über 40.000,00 € wird mit Datum und Buchungszeichen als ausgezahlt gebucht" in page
    assert "Zahlung verbindlich buchen" in page
    assert status_of(released) == D.RELEASED


def test_reject_page_says_what_rejecting_does(client, requested, clerk):
    client.force_login(clerk)

    page = " ".join(client.get(action_url("payment_reject", requested)).content.decode().split())

    assert "Der Mittelabruf über 40.000,00 € für 2026 wird mit der unten eingetragenen Begründung abgelehnt" in page
    assert status_of(requested) == D.REQUESTED


def test_booking_form_defaults_to_today_and_needs_a_reference(client, released, clerk):
    client.force_login(clerk)

    page = client.get(action_url("payment_book", released))
    assert page_elements(page).by_id["id_paid_on"].attrs["value"] == "15.06.2026"
    response = client.post(action_url("payment_book", released), {"paid_on": "15.06.2026", "payment_reference": ""})

    assert error_beside(response, "id_payment_reference") == "Bitte das Buchungszeichen angeben."
    assert status_of(released) == D.RELEASED


def test_booking_in_the_future_is_refused_beside_the_date(client, released, clerk):
    client.force_login(clerk)

    response = client.post(action_url("payment_book", released),
                           {"paid_on": "16.06.2026", "payment_reference": "HKR-2026-1"})

    assert error_beside(response, "id_paid_on") == "Das Auszahlungsdatum darf nicht in der Zukunft liegen."
    assert status_of(released) == D.RELEASED


def test_booking_a_request_not_released_is_refused_with_a_message(client, prepared, clerk):
    client.force_login(clerk)

    response = client.post(action_url("payment_book", prepared),
                           {"paid_on": "15.06.2026", "payment_reference": "HKR-2026-1"})

    assert response.status_code == 200
    assert "Die Buchung ist im Status „Vorbereitet“ nicht möglich." in response.content.decode()
    assert status_of(prepared) == D.PREPARED


def test_reject_needs_a_reason_and_frees_the_amount(client, prepared, award, clerk):
    client.force_login(clerk)

    empty = client.post(action_url("payment_reject", prepared), {"reason": ""})
    assert error_beside(empty, "id_reason") == "Bitte begründen Sie die Ablehnung."
    response = client.post(action_url("payment_reject", prepared), {"reason": "Bedarf nicht belegt."}, follow=True)

    prepared.refresh_from_db()
    assert (prepared.status, prepared.rejection_reason) == (D.REJECTED, "Bedarf nicht belegt.")
    assert award_year_figures(award)[0]["called"] == M("0.00")
    assert response.redirect_chain[-1][0] == reverse("grants:payment_queue")


def test_full_path_through_the_views_changes_status_and_figures(client, award, coordinator_a, clerk, approver):
    client.force_login(coordinator_a)
    client.post(request_url(award), CALL)
    disbursement = Disbursement.objects.get()

    client.force_login(clerk)
    client.post(action_url("payment_prepare", disbursement))
    assert status_of(disbursement) == D.PREPARED
    client.force_login(approver)
    client.post(action_url("payment_release", disbursement))
    assert status_of(disbursement) == D.RELEASED
    client.force_login(clerk)
    client.post(action_url("payment_book", disbursement), {"paid_on": "15.06.2026",
                                                          "payment_reference": "HKR-2026-000123"})
    disbursement.refresh_from_db()
    assert (disbursement.status, disbursement.paid_on, disbursement.payment_reference) == (
        D.PAID, TODAY, "HKR-2026-000123")
    assert (disbursement.prepared_by, disbursement.released_by, disbursement.booked_by) == (clerk, approver, clerk)

    client.force_login(coordinator_a)
    page = page_elements(client.get(detail_url(award)))
    year_2026 = next(e for e in page.elements if e.tag == "tr" and e.attrs.get("data-year") == "2026")
    assert " ".join(year_2026.text.split()) == "2026 100.000,00 € 40.000,00 € 40.000,00 € 60.000,00 € 26.666,66 €"
    assert "Ausgezahlt" in page.by_id[f"mittelabruf-{disbursement.pk}"].text


def test_payments_appear_in_the_navigation_of_ministry_staff_only(client, coordinator_a, clerk, approver):
    for user, shown in ((coordinator_a, False), (clerk, True), (approver, True)):
        client.force_login(user)
        html = client.get(reverse("dashboard")).content.decode()
        assert (f'href="{reverse("grants:payment_queue")}"' in html) is shown


def test_no_request_button_once_every_year_is_fully_called(client, award, coordinator_a):
    Disbursement.objects.bulk_create([
        Disbursement(award_year=award_year, requested_by=coordinator_a, amount=award_year.amount)
        for award_year in award.years.all()])
    client.force_login(coordinator_a)

    html = client.get(detail_url(award)).content.decode()

    assert "Mittelabrufe und Auszahlungen" in html
    assert request_url(award) not in html
    assert "Für 2026 ist der bewilligte Betrag von 100.000,00 € vollständig abgerufen." in html
