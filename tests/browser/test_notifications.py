"""Benachrichtigungen in a real browser: a submission reaches the clerk; the badge in the
navigation opens the list, the entry opens the application and counts as read; the e-mail
choice is made on "Mein Konto". axe-core checks every page on the way."""

import re

import pytest

from grants.services.applications import application_submit
from inbox.models import Delivery, NotificationSetting
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_badge_list_entry_and_choice(page, axe, shot, programme, coordinator_a, clerk):
    application = application_submit(application=factories.draft_application(programme, coordinator_a),
                                     user=coordinator_a)

    sign_in(page, "sachbearbeitung", axe)
    axe(page, "Übersicht Sachbearbeitung")
    account_nav = page.get_by_role("navigation", name="Konto")
    badge_link = account_nav.get_by_role("link", name=re.compile(r"^Benachrichtigungen 1 ungelesen$"))
    badge_link.click()
    page.get_by_role("heading", name="Benachrichtigungen", level=1).wait_for()
    page.get_by_text("1 ungelesene Benachrichtigung").wait_for()
    axe(page, "Benachrichtigungen, ungelesen")

    title = f"Neuer Antrag zur Prüfung: {application.file_reference}, Werra-Meißner-Kreis"
    page.get_by_role("link", name=title).click()
    page.wait_for_url(f"**/antraege/{application.pk}/")
    axe(page, "Antrag aus der Benachrichtigung")
    assert account_nav.get_by_role("link", name="Benachrichtigungen", exact=True).is_visible()  # no badge any more

    account_nav.get_by_role("link", name="Benachrichtigungen", exact=True).click()
    page.get_by_role("heading", name="Benachrichtigungen", level=1).wait_for()
    axe(page, "Benachrichtigungen, alle gelesen")
    assert page.get_by_role("button", name="Alle als gelesen markieren").count() == 0

    page.get_by_role("link", name="Ändern unter „Mein Konto“").click()
    page.get_by_role("heading", name="Mein Konto", level=1).wait_for()
    axe(page, "Mein Konto")
    page.get_by_label("Täglich: eine Zusammenfassung am Morgen").check()
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Gespeichert: Täglich: eine Zusammenfassung am Morgen").wait_for()
    axe(page, "Mein Konto gespeichert")
    assert NotificationSetting.objects.get(user=clerk).delivery == Delivery.DIGEST
