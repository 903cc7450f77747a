"""Vorzeitiger Maßnahmebeginn in a real browser: the approver opens the issue page of an award
whose period began before today, sees why the Zuwendungsbescheid is held back, follows the link,
records the consent and can then issue the notice, which prints it. axe-core checks every page."""

import io

import pdfplumber
import pytest

from grants.models import EarlyStartConsent, Notice
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_consent_recorded_from_the_refused_issue_page_unlocks_the_award_notice(page, axe, shot, programme,
                                                                               coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, early_start=False, notice=False)
    sign_in(page, "bewilligung", axe)
    axe(page, "Übersicht")
    page.goto(f"/antraege/{award.application_id}/bescheid-erlassen/?art=zuwendung")
    axe(page, "Bescheid erlassen, ohne Zustimmung")
    shot(page, "bescheid-ohne-vorzeitigen-beginn")
    alert = page.locator("#bescheid-vier-augen").inner_text()
    assert "Zustimmung zum vorzeitigen Maßnahmebeginn (Datum und zustimmende Stelle)" in alert
    assert page.get_by_role("button", name="Zuwendungsbescheid verbindlich erlassen").is_disabled()

    page.get_by_role("link", name="Zustimmung zum vorzeitigen Maßnahmebeginn erfassen").click()
    page.wait_for_url("**/vorzeitiger-beginn/")
    axe(page, "Zustimmung erfassen")
    page.get_by_label("Zustimmung erteilt am").fill("15.12.2025")
    page.get_by_label("Zustimmung erteilt durch").fill("Hessisches Ministerium für Arbeit, Integration, Jugend "
                                                       "und Soziales, Referat II 5")
    page.get_by_role("button", name="Zustimmung erfassen").click()
    page.wait_for_url(f"**/antraege/{award.application_id}/")
    axe(page, "Antrag nach der Zustimmung")
    assert EarlyStartConsent.objects.filter(application=award.application).exists()

    page.goto(f"/antraege/{award.application_id}/bescheid-erlassen/?art=zuwendung")
    axe(page, "Bescheid erlassen, mit Zustimmung")
    page.get_by_role("button", name="Zuwendungsbescheid verbindlich erlassen").click()
    page.wait_for_url(f"**/antraege/{award.application_id}/")
    axe(page, "Antrag mit Bescheid")
    notice = Notice.objects.get(application=award.application, kind=Notice.Kind.AWARD)
    with pdfplumber.open(io.BytesIO(bytes(notice.pdf))) as document:
        text = " ".join(" ".join(p.extract_text().split()) for p in document.pages)
    assert "wurde am 15.12.2025 zugestimmt" in text
