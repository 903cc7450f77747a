"""An award called in small amounts over years has many payment requests: the application page
shows the newest twenty with their buttons and pages the rest; the year table still sums them all."""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse

from grants.views.detail import PAYMENT_REQUESTS_PER_PAGE
from tests import factories
from tests.grants.reclaim_fixtures import pay

CALLS = PAYMENT_REQUESTS_PER_PAGE + 3


def test_the_newest_twenty_requests_on_page_one_the_rest_on_page_two(client, programme, coordinator_a, clerk,
                                                                       approver, approver2):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 2, 2))
    paid = [pay(award, 2026, Decimal("100.00"), date(2026, 3, 2) + timedelta(days=index),
                coordinator=coordinator_a, clerk=clerk, approver=approver2) for index in range(CALLS)]
    url = reverse("grants:application_detail", args=[award.application.pk])
    client.force_login(coordinator_a)

    first = client.get(url).content.decode()
    second = client.get(url, {"abrufe": 2}).content.decode()

    def shown(html):
        return [int(pk) for pk in re.findall(r'<tr id="mittelabruf-(\d+)"', html)]
    newest_first = [d.pk for d in sorted(paid, key=lambda d: (d.requested_at, d.pk), reverse=True)]
    assert shown(first) == newest_first[:PAYMENT_REQUESTS_PER_PAGE]
    assert shown(second) == newest_first[PAYMENT_REQUESTS_PER_PAGE:]
    assert 'aria-label="Seiten der Mittelabrufe"' in first
    assert "2.300,00" in first  # the year table sums all 23 payments, not the page's twenty
