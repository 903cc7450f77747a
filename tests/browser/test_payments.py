"""Mittelabruf to Auszahlung in a real browser: the coordinator calls funds; the clerk checks and
prepares; an approver releases (four-eyes); the clerk books; the coordinator sees the
payment. axe-core checks every page on the way."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from core.periods import final_date, posted_notification_date
from grants.models import Disbursement
from tests import factories
from tests.browser.helpers import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)
D = Disbursement.Status


def open_queue(page, axe, tab=None):
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Auszahlungen").click()
    page.get_by_role("heading", name="Auszahlungen", level=1).wait_for()
    if tab:
        page.get_by_role("link", name=re.compile(f"^{tab}")).click()
        page.wait_for_url(re.compile(r"status="))
    axe(page, f"Auszahlungen {tab or ''}")


def test_call_prepare_release_book(page, axe, shot, programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    detail = f"/antraege/{award.application_id}/"

    # Koordination: calls 40.000,00 € for 2026
    sign_in(page, "koordination-a", axe)
    axe(page, "Übersicht Koordination")
    page.goto(detail)
    axe(page, "Antrag mit Zuwendung")
    page.get_by_role("link", name="Mittel abrufen").click()
    page.get_by_role("heading", name="Mittel abrufen", level=1).wait_for()
    axe(page, "Mittelabruf")
    page.locator("#id_year").select_option("2026")
    page.locator("#id_amount").fill("40.000,00")
    page.locator("#id_stated_need").fill("Personalkosten der Koordinationsstellen bis Januar 2027.")
    shot(page, "mittelabruf-formular")
    page.get_by_role("button", name="Mittel abrufen").click()
    page.get_by_text("Der Mittelabruf über 40.000,00 € für 2026 ist eingegangen.").wait_for()
    axe(page, "Mittelabruf eingegangen")
    disbursement = Disbursement.objects.get()
    assert (disbursement.status, disbursement.amount) == (D.REQUESTED, Decimal("40000.00"))
    sign_out(page)

    # Sachbearbeitung: checks and prepares
    sign_in(page, "sachbearbeitung")
    open_queue(page, axe)
    shot(page, "auszahlungen-angefordert")
    page.get_by_role("link", name=re.compile("Prüfen und vorbereiten")).click()
    page.get_by_role("heading", name="Mittelabruf prüfen und vorbereiten").wait_for()
    axe(page, "Prüfen und vorbereiten")
    page.get_by_role("button", name="Vorbereiten").click()
    page.get_by_text("ist vorbereitet").wait_for()
    axe(page, "vorbereitet")
    assert Disbursement.objects.get().status == D.PREPARED
    sign_out(page)

    # Bewilligung: releases (a different person: four-eyes)
    sign_in(page, "bewilligung")
    open_queue(page, axe, "Vorbereitet")
    page.get_by_role("link", name=re.compile("Freigeben")).click()
    page.get_by_role("heading", name="Auszahlung freigeben", level=1).wait_for()
    axe(page, "Freigabe bestätigen")
    page.get_by_role("button", name="Auszahlung verbindlich freigeben").click()
    page.get_by_text("ist freigegeben").wait_for()
    axe(page, "freigegeben")
    assert Disbursement.objects.get().status == D.RELEASED
    sign_out(page)

    # Sachbearbeitung: books the payment
    sign_in(page, "sachbearbeitung")
    open_queue(page, axe, "Freigegeben")
    page.get_by_role("link", name=re.compile("Buchen")).click()
    page.get_by_role("heading", name="Auszahlung buchen").wait_for()
    axe(page, "Buchen")
    page.locator("#id_payment_reference").fill("HKR-2026-000123")
    page.get_by_role("button", name="Buchen").click()
    page.get_by_text("ist gebucht").wait_for()
    axe(page, "gebucht")
    assert Disbursement.objects.get().status == D.PAID
    sign_out(page)

    # Koordination: sees the payment and the paid figure
    sign_in(page, "koordination-a")
    page.goto(detail)
    row = page.locator(f"#mittelabruf-{disbursement.pk}")
    assert "Ausgezahlt" in row.inner_text()
    assert "HKR-2026-000123" in row.inner_text()
    panel = page.get_by_role("region", name="Mittelabrufe und Auszahlungen")
    assert panel.locator('tr[data-year="2026"] [data-figure="paid"]').inner_text() == "40.000,00 €"
    assert panel.locator('tr[data-year="2026"] [data-figure="remaining"]').inner_text() == "60.000,00 €"
    shot(page, "mittelabruf-ausgezahlt")
    axe(page, "Antrag mit Auszahlung")


def test_no_money_before_the_notice(page, axe, shot, programme, coordinator_a, clerk, approver):
    """Approved but no Zuwendungsbescheid yet: the coordinator is told why, sees no "Mittel abrufen"
    button, and the typed address of the call form leads back to the notices. Once the notice is
    issued (and its Bekanntgabe recorded), the button is there and the panel shows the dates."""
    award = factories.approved_award(programme, coordinator_a, clerk, approver, notice=False)
    detail = f"/antraege/{award.application_id}/"
    sign_in(page, "koordination-a", axe)
    axe(page, "Übersicht Koordination")
    page.goto(detail)
    warning = page.locator("#keine-auszahlung-vor-bescheid")
    warning.wait_for()
    assert "Vor dem Zuwendungsbescheid wird nichts ausgezahlt" in warning.inner_text()
    assert page.get_by_role("link", name="Mittel abrufen").count() == 0
    axe(page, "Zuwendung ohne Bescheid")
    shot(page, "kein-geld-vor-dem-bescheid")
    page.goto(f"{detail}mittelabruf/")
    page.wait_for_url(re.compile(r"#bescheide$"))
    page.get_by_text("Vor dem Zuwendungsbescheid wird nichts ausgezahlt").first.wait_for()
    assert not Disbursement.objects.exists()

    factories.issue_award_notice(award, approver)
    page.goto(detail)
    page.get_by_role("link", name="Mittel abrufen").wait_for()
    assert page.locator("#keine-auszahlung-vor-bescheid").count() == 0
    assert "noch nicht erfasst" in page.locator("#bescheide").inner_text()
    axe(page, "Zuwendung mit Bescheid")
    sign_out(page)

    # Sachbearbeitung records that the notice went by post today; the panel shows both dates.
    sign_in(page, "sachbearbeitung")
    axe(page, "Übersicht Sachbearbeitung")
    page.goto(detail)
    page.get_by_text("Bekanntgabe erfassen").click()
    panel = page.locator("#bescheide")
    panel.get_by_label("Datum").fill(timezone.localdate().strftime("%d.%m.%Y"))
    panel.get_by_role("button", name="Bekanntgabe speichern").click()
    page.get_by_text("Bekanntgabe des Bescheids").wait_for()
    notified = posted_notification_date(timezone.localdate())
    assert f"bestandskräftig ab {final_date(notified):%d.%m.%Y}" in page.locator("#bescheide").inner_text()
    axe(page, "Bekanntgabe erfasst")
    shot(page, "bekanntgabe-und-bestandskraft")
