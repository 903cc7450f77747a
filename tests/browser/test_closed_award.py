"""A closed award in the browser: the second person with signing authority, who could fix the
open reclaim and issue notices on a running award, is offered nothing – the application page
shows no notice form, the issue page names the reason."""

import pytest

from tests.browser.helpers import sign_in
from tests.grants.reclaim_fixtures import award, frozen_clock, proposed, report  # noqa: F401 – fixtures
from tests.grants.test_closed_award import world  # noqa: F401 – fixture

pytestmark = pytest.mark.django_db(transaction=True)


def test_closed_award_offers_no_notice_and_says_why(page, axe, shot, world):
    application = world["award"].application_id
    sign_in(page, "bewilligung2", axe)
    axe(page, "Übersicht")

    page.goto(f"/antraege/{application}/")
    axe(page, "Abgeschlossene Zuwendung")
    shot(page, "abgeschlossen-antrag")
    assert page.get_by_role("button", name="Änderungsbescheid erlassen").count() == 0

    page.goto(f"/antraege/{application}/bescheid-erlassen/?art=aenderung")
    axe(page, "Bescheid erlassen, abgeschlossen")
    shot(page, "abgeschlossen-bescheid-erlassen")
    reason = "Änderungsbescheid kann nicht erlassen werden: Die Zuwendung ist abgeschlossen"
    assert page.get_by_text(reason).count() == 1
    assert page.get_by_label("Bescheiddatum").count() == 0
