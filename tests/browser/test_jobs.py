"""Background jobs in the browser: the ceremony's bundle started with a button, its page, the
download; a waiting job's page reloads itself (static/js/job_refresh.js, under the CSP) until
the job has ended."""

from datetime import date

import pytest

from background.models import Job
from grants.models import HandoverCeremony, Notice
from grants.services.notices import notice_attach_ceremony
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ceremony(programme, coordinator_a, clerk, approver, private_storage):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 10, 29), notice=False)
    notice = factories.issue_notice(award.application, approver, date(2026, 10, 29), kind=Notice.Kind.AWARD)
    ceremony = HandoverCeremony.objects.create(date=date(2026, 10, 29), place="Eschwege",
                                               official_title="Staatssekretärin", official_name="Anne Janz")
    notice_attach_ceremony(notice=notice, ceremony=ceremony, user=approver)
    return ceremony


def test_the_bundle_is_made_in_the_background_and_downloaded_from_its_page(page, axe, ceremony, approver):
    sign_in(page, "bewilligung", axe)
    axe(page, "Übersicht")
    page.goto(f"/uebergaben/{ceremony.pk}/")
    axe(page, "Bescheidübergabe")

    page.get_by_role("button", name="Übergabemappe: Übergabeexemplare und Bescheide (PDF)").click()
    page.wait_for_url("**/auftraege/*/")
    axe(page, "Auftrag")

    assert page.get_by_role("status").inner_text() == "Der Auftrag ist fertig."
    with page.expect_download() as download:
        page.get_by_role("link", name="Uebergabemappe_2026-10-29_Eschwege.pdf herunterladen").click()
    assert download.value.suggested_filename == "Uebergabemappe_2026-10-29_Eschwege.pdf"

    page.get_by_role("link", name="Meine Aufträge").click()
    axe(page, "Meine Aufträge")
    assert "Übergabemappe" in page.get_by_role("table").inner_text()


def test_a_waiting_job_page_reloads_itself_until_the_job_has_ended(page, axe, ceremony, approver):
    job = Job.objects.create(kind=Job.Kind.CEREMONY_BUNDLE, user=approver, object_ref=f"grants.handoverceremony:"
                             f"{ceremony.pk}", object_label="Eschwege", progress=40,
                             step="Bescheid 1 von 1 wird angefügt: Werra-Meißner-Kreis.")
    sign_in(page, "bewilligung", axe)
    axe(page, "Übersicht")
    page.goto(f"/auftraege/{job.uuid}/")
    axe(page, "Auftrag, läuft")
    assert page.locator("#job-step").inner_text() == "Bescheid 1 von 1 wird angefügt: Werra-Meißner-Kreis."

    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error="Der Worker meldet einen Fehler.")

    page.locator("#job-error").wait_for(timeout=10_000)  # no click: the page reloaded itself
    axe(page, "Auftrag, fehlgeschlagen")
    assert page.locator("#job-error").inner_text() == "Der Worker meldet einen Fehler."
