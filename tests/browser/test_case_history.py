"""The case history in a real browser: the clerk opens the whole timeline of a case that went
through every step (tests/grants/test_case_history.py builds it through the services), filters
it by kind of object and by person, opens what changed since the request for changes, and
follows the link to the Änderungsantrag; the coordinator reads the same timeline on the
application page. axe-core checks every page."""

import pytest

from tests.browser.helpers import sign_in, sign_out
from tests.grants.test_case_history import journey

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerk_filters_the_timeline_and_reads_the_changes_since_the_request(
        page, axe, shot, programme, coordinator_a, clerk, approver, approver2):
    application = journey(programme, coordinator_a, clerk, approver, approver2)

    sign_in(page, "sachbearbeitung", axe)
    axe(page, "Übersicht")
    page.goto(f"/antraege/{application.pk}/")
    axe(page, "Antrag mit Verlauf")
    page.get_by_role("link", name="Ganzen Verlauf mit Filtern anzeigen").click()
    page.wait_for_url(f"**/antraege/{application.pk}/verlauf/")
    axe(page, "Verlauf")
    rows = page.locator("table.timeline tbody tr")
    assert rows.first.get_by_role("rowheader").inner_text().startswith("Zuwendung abgeschlossen")

    page.get_by_label("Objekt").select_option(label="Mittelabrufe und Auszahlungen")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**art=zahlungen**")
    axe(page, "Verlauf, Zahlungen")
    assert page.get_by_role("status").inner_text().startswith("4 Einträge")
    assert [text.split("\n")[0] for text in rows.get_by_role("rowheader").all_inner_texts()] == [
        "Auszahlung gebucht", "Auszahlung freigegeben", "Auszahlung vorbereitet", "Mittel abgerufen"]

    page.get_by_role("link", name="Filter zurücksetzen").click()
    page.get_by_label("Vorgang").select_option(label="Antrag eingereicht")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**vorgang=**")
    page.get_by_text("Änderungen seit der Nachforderung").click()
    changes = page.get_by_role("table", name="Geänderte Zellen des Finanzierungsplans")
    assert changes.is_visible()
    assert changes.locator("tbody tr").count() == 2
    axe(page, "Verlauf, Änderungen seit der Nachforderung")

    page.get_by_role("link", name="Filter zurücksetzen").click()
    page.get_by_label("Objekt").select_option(label="Änderungsanträge")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**art=aenderungen**")
    shot(page, "verlauf-aenderungen")
    page.get_by_role("link", name="Änderungsantrag 1").first.click()
    page.wait_for_url("**/aenderungsantraege/**")
    axe(page, "Änderungsantrag")
    assert page.get_by_role("heading", level=1).inner_text() == "Änderungsantrag 1"
    sign_out(page)

    sign_in(page, "koordination-a")
    axe(page, "Übersicht, Koordination")
    page.goto(f"/antraege/{application.pk}/verlauf/")
    axe(page, "Verlauf, Koordination")
    assert "Rückforderung vorgeschlagen" not in page.locator("table.timeline").inner_text()
    assert "Anhörungsschreiben versandt" in page.locator("table.timeline").inner_text()
