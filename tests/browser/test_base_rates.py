"""The Basiszinssatz in a real browser: the programme administration sees the table from
01.01.2002 on; a reclaim whose interest period the table does not cover shows why its interest
cannot be computed (instead of an error page). axe-core checks every page."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import BaseRate
from grants.services.reclaims import reclaim_propose
from tests.browser.helpers import sign_in, sign_out
from tests.grants.reclaim_fixtures import award_with_notice, ensure_base_rates, pay, submitted_interim

pytestmark = pytest.mark.django_db(transaction=True)


def test_table_from_2002_and_a_reclaim_before_the_table(page, axe, shot, on_day, coordinator_a, clerk, approver,
                                                        approver2, programme_admin, private_storage, live_server):
    on_day(2024, 3, 1)
    ensure_base_rates()
    sign_in(page, "programmverwaltung", axe)
    axe(page, "Übersicht")
    page.goto(reverse("grants:base_rate_list"))
    page.get_by_role("heading", name="Basiszinssatz (§ 247 BGB)", level=1).wait_for()
    axe(page, "Basiszinssatz")
    table = page.locator("#basiszinssaetze").inner_text()
    assert "01.01.2002" in table and "2,57" in table and "01.01.2026" in table
    shot(page, "basiszinssatz-tabelle")
    sign_out(page)

    award, _notice = award_with_notice(coordinator_a, clerk, approver)
    pay(award, 2023, Decimal("20000.00"), date(2023, 1, 2), coordinator=coordinator_a, clerk=clerk,
        approver=approver)
    report = submitted_interim(award, coordinator_a)
    reclaim = reclaim_propose(report=report, user=clerk, award_year=award.years.get(budget__year=2023),
                              ground="nicht_verwendet", principal=Decimal("10000.00"), reason="Stelle unbesetzt.",
                              interest_from=date(2023, 1, 2))
    BaseRate.objects.filter(valid_from__lt=date(2024, 1, 1)).delete()  # e.g. deleted in the admin

    sign_in(page, "bewilligung2", axe)

    axe(page, "Übersicht")
    page.goto(reverse("grants:reclaim_detail", args=[reclaim.pk]))
    alert = page.locator("#basiszins-fehlt")
    alert.wait_for()
    axe(page, "Rückforderung ohne Basiszinssatz")
    assert "Für den 02.01.2023 ist kein Basiszinssatz erfasst" in alert.inner_text()
    shot(page, "rueckforderung-ohne-basiszinssatz")
