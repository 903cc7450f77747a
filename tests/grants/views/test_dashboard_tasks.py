"""The start page is a to-do list: each item links straight to its action page, overdue work
says since when, many items show the oldest few with a link to all of them."""

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from accounts.roles import Role
from grants.selectors.todo import todo_for
from grants.services.disbursements import disbursement_prepare, disbursement_request
from grants.services.reviews import application_request_changes
from municipalities.models import Municipality
from tests import factories
from tests.grants.test_todo import frozen_clock  # noqa: F401 – the clock on 03.12.2026 (autouse fixture)

pytestmark = pytest.mark.django_db


def todo_section(client, user, query: str = "") -> str:
    client.force_login(user)
    response = client.get(reverse("dashboard") + query)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    start = html.index('id="h-aufgaben"') if 'id="h-aufgaben"' in html else html.index("<main")
    return html[start:html.index("</main>")]


@pytest.fixture
def work(programme, coordinator_a, clerk, approver):
    """One payment request waiting for preparation, one waiting for release."""
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    waiting = disbursement_request(award=award, year=2026, amount=Decimal("10000.00"), user=coordinator_a)
    second = disbursement_request(award=award, year=2026, amount=Decimal("5000.00"), user=coordinator_a)
    disbursement_prepare(disbursement=second, user=clerk)
    return waiting, second


def test_clerk_start_page_links_straight_to_preparing_the_call(client, work, clerk):
    waiting, _prepared = work
    section = todo_section(client, clerk)
    assert f'href="{reverse("grants:payment_prepare", args=[waiting.pk])}">Mittelabruf prüfen und vorbereiten' \
        in section
    assert "10.000,00 € für 2026" in section and "Werra-Meißner-Kreis" in section
    assert "Auszahlung freigeben" not in section  # needs signing authority


def test_approver_start_page_offers_the_release(client, work, approver2):
    _waiting, prepared = work
    section = todo_section(client, approver2)
    assert f'{reverse("grants:payment_release", args=[prepared.pk])}">Auszahlung freigeben' in section
    assert "Mittelabruf prüfen und vorbereiten" not in section


def test_coordinator_start_page_shows_the_overdue_final_proof(client, coordinator_a, coordinator_b, clerk, approver):
    programme = factories.make_programme(code="wir-2025", start=2025, end=2025)
    award = factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2025, 1, 20))
    section = todo_section(client, coordinator_a)
    assert f'href="{reverse("grants:usage_report_final", args=[award.application_id])}">' \
           "Verwendungsnachweis erstellen und einreichen" in section
    assert "überfällig seit 156 Tagen (fällig am 30.06.2026)" in section
    assert "Zurzeit wartet nichts auf Sie" in todo_section(client, coordinator_b)


def test_many_items_show_the_oldest_five_and_a_link_to_all(client, programme, clerk):
    names = ["Kassel", "Darmstadt", "Fulda", "Hanau", "Wetteraukreis", "Wiesbaden", "Hochtaunuskreis"]
    for day, name in enumerate(names, start=1):
        coordinator = factories.make_user(f"k-{day}", Role.KOORDINATION, Municipality.objects.get(name=name))
        with factories.at(date(2026, 11, day)):
            factories.submitted_application(programme, coordinator)
    section = todo_section(client, clerk)
    assert section.count(">Antrag prüfen</a>") == 5
    assert "Wiesbaden" not in section  # the sixth oldest
    assert f'href="{reverse("grants:review_queue")}?status=eingereicht">Alle 7 anzeigen' in section

    everything = todo_section(client, clerk, "?alle=eingereicht")
    assert everything.count(">Antrag prüfen</a>") == 7


def test_full_list_of_a_kind_not_the_persons_is_404(client, coordinator_a, clerk):
    client.force_login(coordinator_a)
    assert client.get(reverse("dashboard") + "?alle=vorbereiten").status_code == 404
    assert client.get(reverse("dashboard") + "?alle=<script>").status_code == 404
    client.force_login(clerk)
    assert client.get(reverse("dashboard") + "?alle=vorbereiten").status_code == 200


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_approver_sees_the_units_review_backlog_counted(client, work, approver2, clerk):
    client.force_login(approver2)
    html = unescape(client.get(reverse("dashboard")).content.decode())
    backlog = html[html.index('id="h-vorrat"'):]
    assert f'<a href="{reverse("grants:payment_queue")}?status=angefordert">Mittelabrufe vorbereiten</a>: ' \
           "<strong>1</strong>" in backlog
    client.force_login(clerk)
    assert 'id="h-vorrat"' not in client.get(reverse("dashboard")).content.decode()  # the clerk has it as to-do


def test_every_todo_link_opens_its_action_page(client, programme, work, coordinator_a, coordinator_b, clerk, approver,
                                               approver2, programme_admin):
    period_2025 = factories.make_programme(code="wir-2025", start=2025, end=2025)
    factories.approved_award(period_2025, coordinator_a, clerk, approver, on=date(2025, 1, 20))
    asked = factories.in_review_application(programme, coordinator_b, clerk)
    application_request_changes(application=asked, user=clerk, message="Bitte ergänzen.")
    factories.submitted_application(factories.make_programme(code="wir-2031", start=2031, end=2031), coordinator_b)
    seen = 0
    for user in (coordinator_a, coordinator_b, clerk, approver, approver2, programme_admin):
        client.force_login(user)
        for group in todo_for(user):
            for item in group.items:
                response = client.get(item.url.split("#")[0])
                assert response.status_code == 200, (user, item.url, response.status_code)
                seen += 1
    assert seen >= 6
