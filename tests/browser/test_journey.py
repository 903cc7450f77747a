"""The whole journey in a real browser: the coordinator applies with a five-year plan; the
clerk requests changes; the coordinator answers and resubmits; the clerk recommends with a
cut; the same clerk cannot approve; an approver approves; the coordinator sees the award.
axe-core checks every page on the way for WCAG 2.1 A/AA violations."""

import re
from decimal import Decimal

import pytest
from django.core import mail

from grants.models import Application, ApplicationStatus, Award
from grants.selectors.awards import award_total
from tests.browser.helpers import follow, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

YEARS = range(2026, 2031)


def fill_plan(page):
    page.locator("#id_title").fill("WIR-Vielfaltszentrum Werra-Meißner-Kreis 2026–2030")
    page.locator("#id_purpose").fill("Betrieb des WIR-Vielfaltszentrums: Koordination der Integrationsarbeit.")
    page.locator("#id_contact_name").fill("Jana Keller")
    page.locator("#id_contact_email").fill("jana.keller@example.org")
    for year in YEARS:
        page.get_by_label(f"Personalausgaben WIR-Koordination {year}", exact=True).fill("118.000,00")
        page.get_by_label(f"Stellen (VZÄ) Personalausgaben WIR-Koordination {year}", exact=True).fill("2,00")
        page.get_by_label(f"Mikroprojekte {year}", exact=True).fill("5.000,00")
        page.get_by_label(f"Sachausgaben {year}", exact=True).fill("7.000,00")
        page.get_by_label(f"beantragte Zuwendung {year}", exact=True).fill("100.000,00")
        page.get_by_label(f"Eigenmittel {year}", exact=True).fill("30.000,00")


def open_application(page, axe, file_reference):
    page.get_by_role("link", name="Arbeitsvorrat").click()
    axe(page, "Arbeitsvorrat")
    page.get_by_role("link", name=file_reference).click()


def test_apply_review_recommend_approve(page, axe, shot, programme, coordinator_a, clerk, approver):
    # Koordination: a new application with a five-year plan, submitted
    sign_in(page, "koordination-a", axe)
    page.get_by_role("link", name=re.compile("Neuer Antrag")).click()
    fill_plan(page)
    assert page.locator('[data-sum="financing"][data-year="all"]').inner_text() == "650.000,00 €"
    shot(page, "01-antragsformular")
    axe(page, "Antragsformular ausgefüllt")
    page.get_by_role("button", name="Speichern und weiter zum Einreichen").click()
    page.get_by_role("heading", name="Antrag einreichen", level=1).wait_for()
    axe(page, "Einreichen bestätigen")
    assert page.locator("#bestaetigung-summe").inner_text() == "500.000,00 €"  # the grant applied for
    page.get_by_role("button", name="Antrag verbindlich einreichen").click()
    page.get_by_text("Der Antrag ist eingereicht. Aktenzeichen: WIR-26-0001").wait_for()
    axe(page, "Antrag eingereicht")
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    sign_out(page)

    # Sachbearbeitung: takes it into review and requests changes
    sign_in(page, "sachbearbeitung", axe)
    axe(page, "Übersicht Sachbearbeitung")
    open_application(page, axe, "WIR-26-0001")
    axe(page, "Antrag eingereicht (Sachbearbeitung)")
    page.get_by_role("button", name="Prüfung beginnen").click()
    page.get_by_role("link", name="Nachforderung senden").click()
    axe(page, "Nachforderung")
    page.get_by_label("Nachricht an die Koordination").fill(
        "Bitte die Stellenbeschreibungen der beiden Koordinationsstellen erläutern.")
    page.get_by_role("button", name="Nachforderung senden").click()
    page.get_by_text("Nachforderung", exact=False).first.wait_for()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CHANGES_REQUESTED
    sign_out(page)

    # Koordination: answers and resubmits
    sign_in(page, "koordination-a")
    page.get_by_role("link", name="WIR-26-0001").first.click()
    axe(page, "Antrag mit Nachforderung")
    follow(page, page.get_by_role("link", name="Nachforderung beantworten"))
    assert "Stellenbeschreibungen der beiden Koordinationsstellen" in page.content()
    page.get_by_label("Ihre Antwort (nötig zum erneuten Einreichen)").fill(
        "Stelle 1 koordiniert das Netzwerk, Stelle 2 das Fallmanagement.")
    axe(page, "Antwort auf Nachforderung")
    page.get_by_role("button", name="Speichern und weiter zum erneuten Einreichen").click()
    page.get_by_role("heading", name="Antrag erneut einreichen", level=1).wait_for()
    axe(page, "Erneut einreichen bestätigen")
    assert page.get_by_label("Ihre Antwort auf die Nachforderung").input_value().startswith("Stelle 1 koordiniert")
    page.get_by_role("button", name="Antrag verbindlich einreichen").click()
    page.get_by_text("Der Antrag ist eingereicht").wait_for()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    sign_out(page)

    # Sachbearbeitung: recommends with a cut in 2026
    sign_in(page, "sachbearbeitung")
    open_application(page, axe, "WIR-26-0001")
    page.get_by_role("button", name="Prüfung beginnen").click()
    page.get_by_role("link", name="Zur Bewilligung empfehlen").click()
    axe(page, "Empfehlung")
    page.get_by_label("Empfohlene Zuwendung 2026").fill("80.000,00")
    follow(page, page.get_by_role("button", name="Zur Bewilligung empfehlen"))
    assert "Bitte begründen Sie die Kürzung" in page.content()
    assert page.get_by_label("Empfohlene Zuwendung 2026").input_value() == "80.000,00"
    axe(page, "Empfehlung mit Fehler")
    page.get_by_label("Begründung").fill("Die zweite Stelle wird erst zum 01.04.2026 besetzt.")
    page.get_by_role("button", name="Zur Bewilligung empfehlen").click()
    page.get_by_text("Zur Bewilligung empfohlen").first.wait_for()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RECOMMENDED

    # The same clerk cannot approve: the page says why
    response = page.goto(f"/antraege/{application.pk}/bewilligen/")
    assert response.status == 403
    assert "Nur Personen mit Bewilligungsbefugnis können Anträge bewilligen oder ablehnen." in page.content()
    axe(page, "Bewilligung verweigert")
    sign_out(page)

    # Bewilligung: approves with the budget panel in view
    sign_in(page, "bewilligung", axe)
    page.get_by_role("link", name="Zur Bewilligung", exact=True).click()
    axe(page, "Liste zur Bewilligung")
    follow(page, page.get_by_role("link", name="WIR-26-0001").first)
    if page.get_by_role("link", name=re.compile("ewilligen")).count():
        follow(page, page.get_by_role("link", name=re.compile("ewilligen")).first)
    assert "verbleibend danach" in page.content()
    shot(page, "02-bewilligung")
    axe(page, "Bewilligung mit Haushaltsblick")
    page.get_by_role("button", name="Bewilligen").click()
    page.get_by_text("Bewilligt").first.wait_for()
    award = Award.objects.get()
    assert award_total(award) == Decimal("480000.00")
    sign_out(page)

    # Koordination: sees the award
    sign_in(page, "koordination-a")
    page.get_by_role("link", name="WIR-26-0001").first.click()
    content = page.content()
    assert "Bewilligt" in content and "480.000,00 €" in content
    axe(page, "Zuwendung aus Sicht der Koordination")
    shot(page, "03-zuwendung")

    subjects = [message.subject for message in mail.outbox]
    assert "Ihr Antrag WIR-26-0001 ist bewilligt" in subjects
