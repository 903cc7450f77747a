"""Änderungsantrag in a real browser: the coordinator opens the form from the award's page,
shifts money from 2027 and 2028 into an extended 2029 (the live sums follow), submits; the
clerk compares and recommends; another approver approves, which issues the Änderungsbescheid;
the coordinator finds it on the award's page. axe-core checks every page.

The clock stands on 01.03.2027 for every thread (test and live server alike).
"""

from contextvars import ContextVar
from datetime import date

import pytest

from core import clock
from grants.models import AmendmentRequest, Notice
from tests import factories
from tests.browser.helpers import sign_in, sign_out
from tests.grants.amendment_helpers import TODAY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def award(monkeypatch, programme, coordinator_a, clerk, approver):
    monkeypatch.setattr(clock, "_frozen", ContextVar("wirfunding_frozen_now", default=TODAY))
    award = factories.approved_award(programme, coordinator_a, clerk, approver, start=date(2026, 1, 1),
                                     end=date(2028, 12, 31), on=date(2026, 1, 20), notice=False)
    factories.issue_notice(award.application, approver, date(2026, 2, 1))
    return award


def test_amendment_from_request_to_aenderungsbescheid(page, axe, shot, award, coordinator_a, clerk, approver2):
    detail = f"/antraege/{award.application_id}/"

    sign_in(page, "koordination-a", axe)
    axe(page, "Übersicht")
    page.goto(detail)
    axe(page, "Antrag mit Zuwendung")
    page.get_by_role("link", name="Änderung beantragen").click()
    page.wait_for_url("**/aenderungsantrag/")
    axe(page, "Änderungsantrag, leer")
    page.get_by_label("Ende des Bewilligungszeitraums").fill("30.06.2029")
    page.get_by_label("Begründung der Änderung").fill("Die zweite Stelle war 2027 ein halbes Jahr unbesetzt.")
    for field, value in {
        "financing-2027-zuwendung": "80.000,00", "financing-2027-eigenmittel": "50.000,00",
        "financing-2028-zuwendung": "90.000,00", "financing-2028-eigenmittel": "40.000,00",
        "expenditure-2029-personal": "59.000,00", "positions-2029-personal": "1,00",
        "expenditure-2029-mikroprojekte": "5.000,00", "expenditure-2029-sachausgaben": "1.000,00",
        "financing-2029-zuwendung": "30.000,00",
    }.items():
        page.locator(f"#id_{field}").fill(value)
    page.locator("#id_financing-2029-eigenmittel").fill("30.000,00")
    assert "Nicht ausgeglichen: 2029" in page.locator("#plan-live").inner_text()
    page.get_by_role("button", name="Speichern und Änderungsantrag einreichen").click()
    page.wait_for_load_state()
    axe(page, "Änderungsantrag mit Fehlern")
    shot(page, "aenderungsantrag-fehler")
    assert "nicht ausgeglichen" in page.locator("#fehler").inner_text()
    assert page.locator("#id_financing-2029-eigenmittel").input_value() == "30.000,00"
    page.locator("#id_financing-2029-eigenmittel").fill("35.000,00")
    assert page.locator("#plan-live").inner_text() == "Alle Jahre ausgeglichen."
    shot(page, "aenderungsantrag-formular")
    page.get_by_role("button", name="Speichern und Änderungsantrag einreichen").click()
    page.wait_for_url("**/aenderungsantraege/*/")
    axe(page, "Änderungsantrag, eingereicht (Koordination)")
    request = AmendmentRequest.objects.get()
    assert request.status == AmendmentRequest.Status.SUBMITTED
    sign_out(page)

    sign_in(page, "sachbearbeitung", axe)
    axe(page, "Übersicht")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Änderungen").click()
    page.wait_for_url("**/aenderungsantraege/")
    axe(page, "Warteschlange der Änderungsanträge")
    page.get_by_role("link", name=f"Änderungsantrag {request.number}").click()
    page.wait_for_url(f"**/aenderungsantraege/{request.pk}/")
    axe(page, "Änderungsantrag, Prüfung")
    shot(page, "aenderungsantrag-pruefung")
    page.get_by_label("Vermerk zur Empfehlung (optional)").fill("Verschiebung plausibel, Haushalt 2029 gedeckt.")
    page.get_by_role("button", name="Zur Bewilligung empfehlen").click()
    page.wait_for_url(f"**/aenderungsantraege/{request.pk}/")
    axe(page, "Änderungsantrag, empfohlen")
    sign_out(page)

    sign_in(page, "bewilligung2", axe)
    axe(page, "Übersicht")
    page.goto(f"/aenderungsantraege/{request.pk}/")
    axe(page, "Änderungsantrag, Entscheidung")
    page.get_by_role("button", name="Bewilligen und Bescheid erlassen …").click()
    page.get_by_role("heading", name="Änderungsantrag bewilligen und Änderungsbescheid erlassen", level=1).wait_for()
    axe(page, "Änderungsantrag, Bestätigung")
    page.get_by_role("button", name="Verbindlich bewilligen und Bescheid erlassen").click()
    page.wait_for_url(f"**/aenderungsantraege/{request.pk}/")
    axe(page, "Änderungsantrag, bewilligt")
    shot(page, "aenderungsantrag-bewilligt")
    notice = Notice.objects.get(kind=Notice.Kind.AMENDMENT)
    assert page.get_by_role("link", name=f"Änderungsbescheid Nr. {notice.number}", exact=False).count() == 1
    sign_out(page)

    sign_in(page, "koordination-a", axe)
    axe(page, "Übersicht")
    page.goto(detail)
    axe(page, "Antrag nach der Änderung")
    shot(page, "aenderungsantrag-panel")
    assert notice.number in page.locator("#aenderungsantraege").inner_text()
