"""The application page guides: an open request for changes stands at the top until it is
answered, and no page says "no actions" while it offers one."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from grants.services.applications import application_submit, application_withdraw
from grants.services.awards import application_reject
from grants.services.reviews import application_request_changes
from tests import factories
from tests.grants.test_todo import proof_with_questions

pytestmark = pytest.mark.django_db
NO_ACTIONS = "Für diesen Antrag sind keine Aktionen mehr möglich."


def page(client, user, application) -> str:
    client.force_login(user)
    response = client.get(reverse("grants:application_detail", args=[application.pk]))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    return html[html.index("<main"):html.index("</main>")]


def buttons(main: str) -> list[str]:
    """The labels of the buttons and button-styled links on the page (not the header's)."""
    return [re.sub(r"<[^>]+>", "", label).strip() for label in
            re.findall(r'<(?:a|button)[^>]*class="btn[^"]*"[^>]*>(.*?)</(?:a|button)>', main, flags=re.S)]


@pytest.fixture
def changes_requested(programme, coordinator_a, clerk):
    application = factories.in_review_application(programme, coordinator_a, clerk)
    application_request_changes(application=application, user=clerk,
                                message="Bitte erläutern Sie die zweite Stelle im Jahr 2027.")
    application.refresh_from_db()
    return application


@pytest.mark.parametrize("who", ["coordinator_a", "clerk"])
def test_open_request_for_changes_stands_at_the_top(request, client, changes_requested, who):
    main = page(client, request.getfixturevalue(who), changes_requested)
    top = main.index('id="offene-nachforderung"')
    assert "Bitte erläutern Sie die zweite Stelle im Jahr 2027." in main[top:top + 1500]
    assert top < main.index('id="h-plan"') and top < main.index('id="h-verlauf"')
    if who == "coordinator_a":
        assert top < main.index('id="h-aktionen"')
        assert f'href="{reverse("grants:application_edit", args=[changes_requested.pk])}">Nachforderung beantworten' \
            in main[top:]


def test_answered_request_for_changes_leaves_the_top(client, changes_requested, coordinator_a, clerk):
    application_submit(application=changes_requested, user=coordinator_a, answer="Die zweite Stelle beginnt 2027.")
    main = page(client, clerk, changes_requested)
    assert 'id="offene-nachforderung"' not in main
    answered = main.index('id="h-nachforderungen"')
    assert "Die zweite Stelle beginnt 2027." in main[answered:]


def _states(programme, coordinator_a, coordinator_b, clerk, approver):
    """Applications of the coordinator's body in every state the page has (one per programme period)."""
    periods = iter(range(2031, 2060, 2))

    def fresh():
        year = next(periods)
        return factories.make_programme(code=f"wir-{year}", start=year, end=year + 1)

    draft = factories.draft_application(fresh(), coordinator_a)
    submitted = factories.submitted_application(fresh(), coordinator_a)
    withdrawn = application_withdraw(application=factories.submitted_application(fresh(), coordinator_a),
                                     user=coordinator_a)
    rejected = factories.in_review_application(fresh(), coordinator_a, clerk)
    application_reject(application=rejected, user=approver, reason="Nicht förderfähig.")
    factories.issue_notice(rejected, approver, date.today(), kind="ablehnung")
    before_notice = factories.approved_award(programme, coordinator_a, clerk, approver, notice=False).application
    with_notice = factories.approved_award(fresh(), coordinator_a, clerk, approver).application
    return [draft, submitted, withdrawn, rejected, before_notice, with_notice]


def test_no_page_says_no_actions_while_it_offers_one(client, programme, coordinator_a, coordinator_b, clerk,
                                                    approver):
    offered_money = False
    for application in _states(programme, coordinator_a, coordinator_b, clerk, approver):
        application.refresh_from_db()
        main = page(client, coordinator_a, application)
        labels = buttons(main)
        if NO_ACTIONS in main:
            assert labels == [], (application.status, labels)
        offered_money = offered_money or "Mittel abrufen" in labels
    assert offered_money  # the approved award with its notice offers the call for funds


def test_questions_on_a_proof_stand_at_the_top_with_the_link_to_answer(client, coordinator_a, clerk, approver):
    report = proof_with_questions(coordinator_a, clerk, approver)
    application = report.award.application
    main = page(client, coordinator_a, application)
    top = main.index('id="offene-nachforderung"')
    assert top < main.index('id="h-aktionen"')
    box = main[top:main.index("</section>", top)]
    assert "Rückfragen zum Zwischennachweis 2023" in box and "Belege fehlen." in box
    assert f'href="{reverse("grants:usage_report_interim", args=[application.pk, 2023])}"' in box
    clerk_box = page(client, clerk, application)
    assert "Belege fehlen." in clerk_box and "Rückfragen beantworten" not in clerk_box  # shown, not offered
