"""A ministry person's first sign-in with the second factor required: password, then the
enrolment (the code computed from the key shown on the page, as an authenticator app would),
the backup codes, and on to the work queue. axe-core checks every page on the way."""

import re

import pytest

from tests import factories
from tests.accounts.conftest import code_from_manual_key

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerk_enrols_a_second_factor_and_reaches_the_work_queue(page, axe, shot, settings, clerk):
    settings.TWO_FACTOR_REQUIRED = True

    page.goto("/konto/login/")
    axe(page, "Anmeldung")
    page.get_by_label("Benutzername").fill(clerk.username)
    page.get_by_label("Passwort").fill(factories.PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    page.wait_for_url(re.compile(r"/konto/zweiter-faktor/einrichten/"))
    page.get_by_role("heading", name="Zweiten Faktor einrichten", level=1).wait_for()
    assert page.get_by_role("img", name="QR-Code zum Einrichten der Authenticator-App").evaluate(
        "img => img.complete && img.naturalWidth > 0")
    axe(page, "Zweiten Faktor einrichten")
    shot(page, "zweiter-faktor-einrichten")
    manual_key = page.get_by_test_id("manual-key").inner_text()

    # Every other page leads back here until the enrolment is done.
    page.goto("/pruefung/")
    page.wait_for_url(re.compile(r"/konto/zweiter-faktor/einrichten/"))
    axe(page, "Zweiten Faktor einrichten (umgeleitet)")

    page.get_by_label("Erster Code aus der App").fill(code_from_manual_key(manual_key))
    page.get_by_role("button", name="Einrichten").click()
    page.get_by_role("heading", name="Ihre Backup-Codes", level=1).wait_for()
    assert page.get_by_test_id("backup-codes").get_by_role("listitem").count() == 10
    axe(page, "Backup-Codes")
    shot(page, "zweiter-faktor-backup-codes")

    page.get_by_role("link", name="Ich habe die Codes gesichert – weiter").click()
    page.wait_for_url(re.compile(r"/pruefung/$"))
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Arbeitsvorrat").wait_for()
    axe(page, "Arbeitsvorrat")
