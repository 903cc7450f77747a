"""A closed award's pages offer no action: no form that issues or changes anything, for any
person who could otherwise act on it (the services refuse anyway: tests/grants/test_closed_award.py).

The ministry's comment on the application (an Aktenvermerk) stays possible after closing: a
note to the file changes nothing of the grant. So does taking or handing on the case (who in the
ministry is responsible for the file; grants/policies/assignments.py), and exporting the file as an
xdomea message for the e-file system (a copy handed over; grants/policies/xdomea.py)."""

import re

import pytest
from django.urls import reverse

from grants.models import Notice
from tests.grants.reclaim_fixtures import award, frozen_clock, proposed, report  # noqa: F401 – fixtures
from tests.grants.test_closed_award import world  # noqa: F401 – fixture

# Forms every page has (the navigation's logout) are not actions on the award.
NOT_AN_ACTION = ("/abmelden/", "/logout/", "/i18n/", "/kommentar/", "/zustaendigkeit/", "/xdomea/")
FORM = re.compile(r"<form\b[^>]*>", re.S)


def _action_forms(html: str) -> list[str]:
    forms = []
    for tag in FORM.findall(html):
        if 'method="post"' not in tag.lower():
            continue
        action = re.search(r'action="([^"]*)"', tag)
        if action is None or not any(part in action.group(1) for part in NOT_AN_ACTION):
            forms.append(tag)
    return forms


def _pages(w):
    application = w["award"].application.pk
    return [
        reverse("grants:application_detail", args=[application]),
        reverse("grants:usage_report_check", args=[w["submitted"].pk]),
        reverse("grants:usage_report_interim", args=[application, 2021]),
        reverse("grants:reclaim_detail", args=[w["reclaim"].pk]),
        reverse("grants:amendment_detail", args=[w["amendment"].pk]),
        reverse("grants:amendment_edit", args=[application]),
        reverse("grants:payment_queue"),
        reverse("grants:payment_request", args=[application]),
        reverse("grants:notice_issue", args=[application]) + f"?art={Notice.Kind.AMENDMENT}",
    ]


@pytest.mark.parametrize("person", ["coordinator", "clerk", "approver", "approver2"])
def test_closed_award_pages_offer_no_action(client, world, person):
    client.force_login(world[person])
    offered, shown = {}, []
    for url in _pages(world):
        response = client.get(url)
        if response.status_code != 200:
            continue
        shown.append(url)
        html = response.content.decode()
        if forms := _action_forms(html):
            offered[url] = forms
    assert offered == {}
    # The pages were really looked at: the application's page for everyone, the rest for the ministry.
    assert reverse("grants:application_detail", args=[world["award"].application.pk]) in shown
    if person != "coordinator":
        assert len(shown) >= 5, shown


def test_the_issue_page_names_the_reason_instead_of_the_form(client, world):
    client.force_login(world["approver2"])
    response = client.get(reverse("grants:notice_issue", args=[world["award"].application.pk])
                          + f"?art={Notice.Kind.AMENDMENT}")
    html = response.content.decode()
    assert "Änderungsbescheid kann nicht erlassen werden: Die Zuwendung ist abgeschlossen" in html
    assert 'id="bescheid_issued_on"' not in html


def test_the_same_pages_of_a_running_award_offer_the_actions(client, proposed, approver2):
    """The check above can fail: on the running award the second person is offered to fix the reclaim."""
    client.force_login(approver2)
    html = client.get(reverse("grants:reclaim_detail", args=[proposed.pk])).content.decode()
    assert any(reverse("grants:reclaim_issue", args=[proposed.pk]) in form for form in _action_forms(html))
