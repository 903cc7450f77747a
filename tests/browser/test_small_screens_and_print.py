"""Phones and paper: at 390 × 844 px no main page is wider than the screen (wide tables scroll
inside their own labelled box); printed, the application page fits the page width and leaves
out the navigation. The legal pages and the feedback form work signed out. axe-core checks
every page on the way."""

import pytest

from background.models import OutboxMail
from legal.models import AccessibilityFeedback
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
# A4 less 12 mm margins on either side, in CSS pixels (96 per inch): the width a printout has.
A4_PRINT_WIDTH = 703

WIDER_THAN_THE_PAGE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")].filter((element) => {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) { return false; }
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== "visible") { return false; }
    }
    return true;
  }).map((element) => `${element.tagName}.${element.className} ${Math.round(element.getBoundingClientRect().right)}`);
}"""


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def fits(page, axe, path: str, label: str, width: int = PHONE["width"]):
    page.goto(path)
    axe(page, f"{label} ({width} px)")
    assert page_width(page) <= width, f"{label}: {page_width(page)} px breit, {page.evaluate(WIDER_THAN_THE_PAGE)}"


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver)


def test_main_pages_fit_a_phone_screen(page, axe, shot, award, coordinator_a, clerk, approver):
    page.set_viewport_size(PHONE)
    other = factories.make_programme(code="wir-2031", start=2031, end=2035)
    draft = factories.draft_application(other, coordinator_a)
    application = award.application

    sign_in(page, "koordination-a", axe)
    fits(page, axe, "/", "Übersicht Koordination")
    fits(page, axe, "/antraege/", "Antragsliste")
    fits(page, axe, f"/antraege/{application.pk}/", "Antrag mit Zuwendung")
    # The plan table is wider than a phone: it scrolls in its own box, which takes the focus.
    boxes = page.locator("main .table-scroll[role=region], main .table-responsive[role=region]")
    assert boxes.count() >= 1
    assert boxes.first.get_attribute("tabindex") == "0" and boxes.first.get_attribute("aria-label")
    shot(page, "mobil-antrag")
    fits(page, axe, f"/antraege/{draft.pk}/bearbeiten/", "Antragsformular mit Finanzierungsplan")
    fits(page, axe, "/fristen/", "Fristen Koordination")
    page.get_by_role("button", name="Abmelden").click()

    sign_in(page, "sachbearbeitung", axe)
    for path, label in (("/", "Übersicht Sachbearbeitung"), ("/pruefung/", "Arbeitsvorrat"),
                        ("/auszahlungen/", "Auszahlungen"), ("/verwendungsnachweise/", "Nachweise"),
                        ("/rueckforderungen/", "Rückforderungen"), ("/programm/bericht/", "Programmbericht"),
                        (f"/antraege/{application.pk}/", "Antrag (Sachbearbeitung)")):
        fits(page, axe, path, label)


def test_printed_application_page_fits_the_paper_without_navigation(page, axe, award):
    application = award.application
    page.set_viewport_size({"width": A4_PRINT_WIDTH, "height": 1000})
    sign_in(page, "sachbearbeitung", axe)
    axe(page, "Übersicht")
    page.goto(f"/antraege/{application.pk}/")
    axe(page, "Antrag")
    page.emulate_media(media="print")
    assert page.evaluate(WIDER_THAN_THE_PAGE) == []
    assert page_width(page) <= A4_PRINT_WIDTH
    assert not page.get_by_role("navigation", name="Hauptnavigation").is_visible()
    assert not page.get_by_role("button", name="Abmelden").is_visible()
    assert not page.locator(".footer-nav").is_visible()
    header = page.locator(".print-header")
    assert header.is_visible()
    assert application.file_reference in header.inner_text() and "Ausdruck vom" in header.inner_text()
    page.emulate_media(media="screen")
    assert not header.is_visible()


def test_legal_pages_and_feedback_form_signed_out(page, axe, programme_admin):
    page.goto("/konto/login/")
    axe(page, "Anmeldung")
    footer = page.get_by_role("navigation", name="Rechtliche Hinweise")
    footer.get_by_role("link", name="Impressum").click()
    page.get_by_role("heading", name="Impressum", level=1).wait_for()
    axe(page, "Impressum")
    page.get_by_role("navigation", name="Rechtliche Hinweise").get_by_role("link", name="Datenschutz").click()
    page.get_by_role("heading", name="Datenschutzerklärung", level=1).wait_for()
    axe(page, "Datenschutzerklärung")
    page.get_by_role("navigation", name="Rechtliche Hinweise").get_by_role("link", name="Barrierefreiheit").click()
    page.get_by_role("heading", name="Erklärung zur Barrierefreiheit", level=1).wait_for()
    axe(page, "Erklärung zur Barrierefreiheit")

    page.get_by_role("main").get_by_role("link", name="Barriere melden").click()
    axe(page, "Barriere melden")
    page.get_by_label("Ihr Name (optional)").fill("Erika Muster")
    page.get_by_label("Ihre E-Mail-Adresse (optional)").fill("erika@")
    page.get_by_role("button", name="Rückmeldung senden").click()
    assert "Bitte beschreiben Sie die Barriere oder Ihr Anliegen." in page.get_by_role("main").inner_text()
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in page.get_by_role("main").inner_text()
    assert page.get_by_label("Ihr Name (optional)").input_value() == "Erika Muster"
    axe(page, "Barriere melden mit Fehlern")
    page.get_by_label("Ihre Nachricht").fill("Die Tabelle der Fristen ist mit der Lupe schwer lesbar.")
    page.get_by_label("Ihre E-Mail-Adresse (optional)").fill("erika@example.org")
    page.get_by_role("button", name="Rückmeldung senden").click()
    page.get_by_text("Ihre Rückmeldung ist bei der Programmverwaltung eingegangen").wait_for()
    axe(page, "Erklärung zur Barrierefreiheit nach der Rückmeldung")
    assert AccessibilityFeedback.objects.get().email == "erika@example.org"
    assert OutboxMail.objects.get(event="accessibility_feedback").to == [programme_admin.email]


def test_programme_administration_edits_a_legal_text(page, axe, programme_admin):
    sign_in(page, "programmverwaltung", axe)
    axe(page, "Übersicht Programmverwaltung")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Rechtstexte").click()
    axe(page, "Rechtstexte")
    page.get_by_role("link", name="Impressum bearbeiten").click()
    axe(page, "Impressum bearbeiten")
    page.locator("#id_body").fill("## Herausgeber\n\nMinisterium\nNeue Straße 1")
    page.get_by_label("Anlass der Änderung").fill("Umzug")
    page.get_by_role("button", name="Als neue Fassung veröffentlichen").click()
    page.get_by_text("Fassung 1 von „Impressum“ ist veröffentlicht.").wait_for()
    axe(page, "Impressum bearbeitet")
    page.get_by_role("navigation", name="Rechtliche Hinweise").get_by_role("link", name="Impressum").click()
    assert "Neue Straße 1" in page.get_by_role("main").inner_text()
    axe(page, "Impressum neu")
