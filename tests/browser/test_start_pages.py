"""Each role's start page is a to-do list: signed in, the person clicks the first item and lands
on the page where it is done. axe-core checks every page on the way."""

from datetime import date
from decimal import Decimal

import pytest

from grants.services.disbursements import disbursement_request
from tests import factories
from tests.browser.helpers import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


def first_todo(page, axe, username: str, label: str):
    """Signed in as `username`, the start page's to-do and its first item's link."""
    sign_in(page, username, axe)
    axe(page, f"Übersicht {label}")
    todo = page.locator("#aufgaben")
    return todo.locator("ol.list-group li a").first, todo


def follow(page, axe, first, heading: str):
    """Click the item; the action page with `heading` opens."""
    first.click()
    page.get_by_role("heading", name=heading, level=1).wait_for()
    axe(page, heading)


def test_each_role_goes_from_the_start_page_to_its_first_todo(page, axe, on_day, programme, coordinator_a,
                                                               coordinator_b, clerk, approver, approver2):
    on_day(2026, 12, 3)
    # Werra-Meißner-Kreis: a one-year award 2025 whose final proof of use was due on 30.06.2026.
    period_2025 = factories.make_programme(code="wir-2025", start=2025, end=2025)
    overdue = factories.approved_award(period_2025, coordinator_a, clerk, approver, on=date(2025, 1, 20))
    # Hochtaunuskreis calls funds; Werra-Meißner-Kreis's application 2026–2030 is recommended.
    award_b = factories.approved_award(programme, coordinator_b, clerk, approver)
    with factories.at(date(2026, 11, 16)):
        disbursement_request(award=award_b, year=2026, amount=Decimal("20000.00"), user=coordinator_b)
    with factories.at(date(2026, 11, 20)):
        recommended = factories.recommended_application(programme, coordinator_a, clerk)

    # Koordination: the overdue proof of use comes first and opens its form.
    first, todo = first_todo(page, axe, "koordination-a", "Koordination")
    assert first.inner_text() == "Verwendungsnachweis erstellen und einreichen"
    assert "überfällig seit 156 Tagen (fällig am 30.06.2026)" in todo.inner_text()
    follow(page, axe, first, "Verwendungsnachweis")
    assert page.url.endswith(f"/antraege/{overdue.application_id}/nachweise/verwendungsnachweis/")
    sign_out(page)

    # Sachbearbeitung: the call for funds to prepare.
    first, todo = first_todo(page, axe, "sachbearbeitung", "Sachbearbeitung")
    assert first.inner_text() == "Mittelabruf prüfen und vorbereiten"
    assert "Hochtaunuskreis" in todo.inner_text() and "20.000,00 € für 2026" in todo.inner_text()
    follow(page, axe, first, "Mittelabruf prüfen und vorbereiten")
    page.goto("/?alle=vorbereiten")  # the full list of one kind
    page.get_by_role("heading", name="Mittelabrufe vorbereiten", level=1).wait_for()
    axe(page, "Alle Mittelabrufe vorbereiten")
    sign_out(page)

    # Bewilligung: the recommendation to decide.
    first, _todo = first_todo(page, axe, "bewilligung", "Bewilligung")
    assert first.inner_text() == "Empfehlung entscheiden: bewilligen oder ablehnen"
    follow(page, axe, first, "Antrag bewilligen")
    assert page.url.endswith(f"/antraege/{recommended.pk}/bewilligen/")
