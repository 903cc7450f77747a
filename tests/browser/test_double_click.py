"""A double click on "Rückzahlung buchen" in a real browser books the repayment once: the browser
sends the form twice, the second request carries the same one-time form token and is answered
with "Dieses Formular wurde bereits abgesendet", and nothing else is shown as an error."""

from datetime import date
from decimal import Decimal

import pytest

from grants.models import ReclaimRepayment
from tests.browser.helpers import sign_in
from tests.grants.reclaim_fixtures import award_with_notice, ensure_base_rates, issued, pay, propose, submitted_interim

# Two requests at the same moment on the live server: real row locks, so PostgreSQL (on SQLite the
# second write meets "database table is locked").
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_double_click_books_one_repayment(page, axe, on_day, coordinator_a, clerk, approver, approver2,
                                            private_storage):
    on_day(2024, 3, 1)
    ensure_base_rates()
    award, _notice = award_with_notice(coordinator_a, clerk, approver)
    pay(award, 2023, Decimal("20000.00"), date(2023, 1, 2), coordinator=coordinator_a, clerk=clerk,
        approver=approver)
    reclaim = issued(propose(submitted_interim(award, coordinator_a), clerk), approver2)
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    sign_in(page, "sachbearbeitung", axe)
    axe(page, "Übersicht")
    page.goto(f"/rueckforderungen/{reclaim.pk}/")
    axe(page, "Rückforderung")
    page.get_by_label("Eingangsdatum").fill("01.03.2024")
    page.get_by_label("Betrag").first.fill("200,00")
    page.get_by_label("Buchungszeichen (optional)").fill("RZ-2024-17")
    posts.clear()
    page.get_by_role("button", name="Rückzahlung buchen").dblclick(delay=50)
    page.get_by_role("heading", name="Rückforderung 2023").wait_for()
    page.wait_for_load_state("networkidle")
    axe(page, "nach dem Doppelklick")

    assert len([url for url in posts if url.endswith("/rueckzahlung/")]) == 2, posts
    assert list(ReclaimRepayment.objects.values_list("amount", flat=True)) == [Decimal("200.00")]
    text = page.locator("main").inner_text()
    assert "Dieses Formular wurde bereits abgesendet" in text
    assert "bereits gebucht" not in text
