"""Daily work in a real browser: a clerk takes a case and hands it on, finds it under "Meine
Fälle"; a clerk selects two released payments and books them through the confirmation page.
axe-core checks every page on the way."""

import re
from decimal import Decimal

import pytest

from grants.models import Disbursement
from grants.services.disbursements import disbursement_prepare, disbursement_release, disbursement_request
from tests import factories
from tests.browser.helpers import nav, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
D = Disbursement.Status


def test_select_two_payments_and_book_them_through_the_confirmation(page, axe, shot, programme, coordinator_a,
                                                                      clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    payments = []
    for amount in ("12000.00", "8000.00", "5000.00"):
        requested = disbursement_request(award=award, year=2026, amount=Decimal(amount), user=coordinator_a,
                                         stated_need="Personalkosten")
        disbursement_prepare(disbursement=requested, user=clerk)
        payments.append(disbursement_release(disbursement=requested, user=approver))
    first, second, third = payments

    sign_in(page, "sachbearbeitung", axe)
    axe(page, "Übersicht")
    nav(page, "Auszahlungen")
    page.get_by_role("link", name=re.compile("^Freigegeben")).click()
    page.wait_for_url(re.compile(r"status=freigegeben"))
    axe(page, "Auszahlungen freigegeben")
    page.locator(f"#auswahl-{first.pk}").check()
    page.locator(f"#auswahl-{second.pk}").check()
    shot(page, "zahlungen-auswaehlen")
    page.get_by_role("button", name=re.compile("Ausgewählte buchen")).click()

    page.get_by_role("heading", name=re.compile("Zahlungen buchen")).wait_for()
    axe(page, "Zahlungen buchen: Bestätigung")
    summary = page.locator("#summe")
    assert summary.inner_text().startswith("2 Zahlungen werden gebucht")
    assert "20.000,00 €" in page.locator("tfoot").inner_text()
    page.locator("#id_payment_reference").fill("KA-2026-117")
    shot(page, "zahlungen-buchen-bestaetigung")
    page.get_by_role("button", name="Buchen: 2 Zahlungen über 20.000,00 €").click()

    page.get_by_text("2 Zahlungen gebucht, zusammen 20.000,00 €.").wait_for()
    axe(page, "Zahlungen gebucht")
    statuses = {d.pk: d.status for d in Disbursement.objects.all()}
    assert statuses == {first.pk: D.PAID, second.pk: D.PAID, third.pk: D.RELEASED}


def test_select_all_and_prepare_both_requests(page, axe, programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    for amount in ("1000.00", "2000.00"):
        disbursement_request(award=award, year=2026, amount=Decimal(amount), user=coordinator_a,
                             stated_need="Personalkosten")

    sign_in(page, "sachbearbeitung", axe)
    axe(page, "Übersicht")
    page.goto("/auszahlungen/")
    axe(page, "Auszahlungen angefordert")
    page.get_by_label("Alle Zeilen dieser Seite auswählen").check()

    assert page.locator('input[name="auswahl"]:checked').count() == 2
    page.get_by_role("button", name=re.compile("Ausgewählte vorbereiten")).click()
    page.get_by_role("heading", name=re.compile("Mittelabrufe vorbereiten")).wait_for()
    axe(page, "Mittelabrufe vorbereiten: Bestätigung")
    page.get_by_role("button", name="Vorbereiten: 2 Zahlungen über 3.000,00 €").click()
    page.get_by_text("2 Zahlungen vorbereitet, zusammen 3.000,00 €.").wait_for()
    axe(page, "vorbereitet")
    assert set(Disbursement.objects.values_list("status", flat=True)) == {D.PREPARED}


def test_take_a_case_hand_it_on_and_find_it_under_my_cases(page, axe, shot, programme, coordinator_a, clerk, clerk2):
    application = factories.submitted_application(programme, coordinator_a)

    sign_in(page, "sachbearbeitung", axe)
    axe(page, "Übersicht")
    page.goto(f"/antraege/{application.pk}/")
    axe(page, "Antrag")
    page.get_by_role("button", name="Übernehmen").click()
    page.get_by_text(f"Sie sind jetzt für {application.file_reference} zuständig.").wait_for()
    axe(page, "übernommen")
    assert page.locator("#zustaendig").inner_text() == str(clerk)
    shot(page, "zustaendigkeit")

    page.goto("/pruefung/?zustaendig=ich")
    axe(page, "Meine Fälle")
    assert page.get_by_role("link", name=application.file_reference).count() == 1

    page.goto(f"/antraege/{application.pk}/")
    axe(page, "Antrag, zuständig")
    page.get_by_role("link", name="Weitergeben").click()
    page.get_by_role("heading", name="Fall weitergeben").wait_for()
    axe(page, "Fall weitergeben")
    page.get_by_label("Weitergeben an").select_option(label=f"{clerk2} (Sachbearbeitung)")
    page.get_by_label("Notiz für die Übergabe (optional)").fill("Urlaubsvertretung bis 15.12.")
    page.get_by_role("button", name="Weitergeben").click()
    page.get_by_text(f"{application.file_reference} ist an {clerk2} weitergegeben.").wait_for()
    axe(page, "weitergegeben")
    assert page.locator("#zustaendig").inner_text() == str(clerk2)
    assert page.get_by_text(f"{clerk} → {clerk2} · Urlaubsvertretung bis 15.12.").count() == 1

    page.goto("/pruefung/?zustaendig=ich")
    axe(page, "Meine Fälle leer")
    assert page.get_by_role("link", name=application.file_reference).count() == 0
