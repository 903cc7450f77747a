"""No lost work in a real browser: an upload on the application form keeps (and saves) what was
typed, leaving a form with unsaved changes asks first, and last period's application is copied
instead of typed again."""

import pytest

from grants.models import Application
from grants.services.plans import plan_lines
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pdf_file(tmp_path):
    path = tmp_path / "Stellenbeschreibung.pdf"
    path.write_bytes(factories.PDF)
    return path


def test_upload_keeps_and_saves_what_was_typed(page, axe, shot, programme, coordinator_a, pdf_file,
                                               private_storage):
    sign_in(page, "koordination-a", axe)
    axe(page, "Übersicht")
    page.goto(f"/antraege/neu/{programme.code}/")
    axe(page, "Neuer Antrag")

    page.locator("#id_title").fill("WIR-Vielfaltszentrum Werra-Meißner-Kreis")
    page.locator("#id_purpose").fill("Betrieb des WIR-Vielfaltszentrums in Eschwege")
    page.locator("#id_period_start").fill("01.01.2026")
    page.locator("#id_period_end").fill("31.12.2030")
    page.get_by_label("Personalausgaben WIR-Koordination 2026", exact=True).fill("118.000,00")
    page.get_by_label("Stellen (VZÄ) Personalausgaben WIR-Koordination 2026", exact=True).fill("2")
    page.get_by_label("beantragte Zuwendung 2026", exact=True).fill("100.000,00")
    page.get_by_label("Eigenmittel 2026", exact=True).fill("18.000,00")
    page.get_by_label("PDF-Datei").set_input_files(pdf_file)
    page.get_by_label("Beschreibung (optional)").fill("Stellenbeschreibung der Koordination")
    page.get_by_role("button", name="Speichern und hochladen").click()

    page.get_by_text("Die Anlage „Stellenbeschreibung.pdf“ ist hochgeladen.").wait_for()
    axe(page, "Antrag bearbeiten nach dem Hochladen")
    shot(page, "drafts-upload-keeps-values")
    assert "/bearbeiten/" in page.url
    assert page.locator("#id_title").input_value() == "WIR-Vielfaltszentrum Werra-Meißner-Kreis"
    assert page.locator("#id_purpose").input_value() == "Betrieb des WIR-Vielfaltszentrums in Eschwege"
    assert page.get_by_label("Personalausgaben WIR-Koordination 2026", exact=True).input_value() == "118.000,00"
    assert page.get_by_label("Eigenmittel 2026", exact=True).input_value() == "18.000,00"
    assert page.get_by_role("link", name="Stellenbeschreibung.pdf").is_visible()

    application = Application.objects.get()
    assert application.purpose == "Betrieb des WIR-Vielfaltszentrums in Eschwege"
    assert {(line.year, line.category.code, str(line.amount)) for line in plan_lines(application)[0]} == {
        (2026, "personal", "118000.00")}
    assert application.attachments.get().description == "Stellenbeschreibung der Koordination"

    # A later upload on the stored draft keeps a change typed just before it.
    page.get_by_label("Sachausgaben 2027", exact=True).fill("7.000,00")
    page.get_by_label("PDF-Datei").set_input_files(pdf_file)
    page.get_by_role("button", name="Speichern und hochladen").click()
    page.get_by_text("Die Anlage „Stellenbeschreibung.pdf“ ist hochgeladen.").wait_for()
    axe(page, "Antrag bearbeiten nach dem zweiten Hochladen")
    assert page.get_by_label("Sachausgaben 2027", exact=True).input_value() == "7.000,00"
    assert application.attachments.count() == 2


def _leave(page, link_name: str) -> list[str]:
    """Click a link away from the page; the dialogs the browser opened on the way (dismissed)."""
    dialogs: list[str] = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("link", name=link_name, exact=True).first.click(no_wait_after=True)
    page.wait_for_timeout(500)
    page.remove_listener("dialog", answer)
    return dialogs


def test_leaving_a_form_with_unsaved_changes_asks_first(page, axe, programme, coordinator_a):
    draft = factories.draft_application(programme, coordinator_a)
    edit = f"/antraege/{draft.pk}/bearbeiten/"
    sign_in(page, "koordination-a", axe)
    axe(page, "Übersicht")

    # Unchanged: leaving asks nothing.
    page.goto(edit)
    axe(page, "Antrag bearbeiten")
    assert _leave(page, "Abbrechen") == []
    page.wait_for_url(f"**/antraege/{draft.pk}/")
    axe(page, "Antrag")

    # Changed (a plan cell): the browser asks before leaving; staying keeps the value.
    page.goto(edit)
    axe(page, "Antrag bearbeiten")
    page.get_by_label("Sachausgaben 2028", exact=True).fill("8.500,00")
    assert _leave(page, "Abbrechen") == ["beforeunload"]
    assert page.url.endswith(edit)
    assert page.get_by_label("Sachausgaben 2028", exact=True).input_value() == "8.500,00"

    # Saving is no leaving: no question, and afterwards the page is clean again.
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("button", name="Entwurf speichern").click()
    page.get_by_text("Der Entwurf ist gespeichert.").wait_for()
    axe(page, "Antrag bearbeiten, gespeichert")
    assert dialogs == []
    page.get_by_role("link", name="Abbrechen", exact=True).click()
    page.wait_for_url(f"**/antraege/{draft.pk}/")
    axe(page, "Antrag nach dem Speichern")
    assert dialogs == []


def test_the_body_copies_last_periods_application_instead_of_typing_it_again(page, axe, shot, programme,
                                                                            coordinator_a):
    old = factories.make_programme(code="wir-2021", start=2021, end=2025)
    source = factories.submitted_application(old, coordinator_a)
    old.accepts_applications = False
    old.save(update_fields=["accepts_applications"])

    sign_in(page, "koordination-a", axe)
    axe(page, "Übersicht")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Anträge", exact=True).click()
    axe(page, "Antragsliste")
    page.get_by_role("link", name="Neuer Antrag").click()
    page.get_by_role("heading", name="Neuer Antrag").wait_for()
    axe(page, "Neuer Antrag: Förderperiode wählen")
    shot(page, "drafts-new-application-copy")
    page.get_by_role("button", name="Antrag aus 2021–2025 als Entwurf übernehmen").click()

    page.get_by_text("ist als Entwurf für 2026–2030 übernommen").wait_for()
    axe(page, "übernommener Entwurf")
    assert page.locator("#id_title").input_value() == source.title
    assert page.locator("#id_period_start").input_value() == "01.01.2026"
    assert page.get_by_label("Personalausgaben WIR-Koordination 2030", exact=True).input_value() == "118.000,00"

    # The period has its application now: the list says so instead of offering "Neuer Antrag".
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Anträge", exact=True).click()
    axe(page, "Antragsliste mit Entwurf")
    assert page.get_by_role("link", name="Neuer Antrag").count() == 0
    assert "besteht in der Förderperiode 2026–2030 bereits ein Antragsentwurf" in page.locator("main").inner_text()
    shot(page, "drafts-list-reason")
