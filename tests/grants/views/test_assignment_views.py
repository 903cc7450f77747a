"""Responsibility for a case on the pages: take, hand on, "Meine Fälle", and what a coordinator sees."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.selectors import audit_entries_for
from grants.services.assignments import application_assign
from grants.services.disbursements import disbursement_request
from municipalities.models import Municipality
from tests import factories
from tests.form_tokens import form_token
from tests.grants.views.test_review_views import queue_url, refs_on_page


@pytest.fixture
def case(programme, coordinator_a):
    return factories.submitted_application(programme, coordinator_a)


def detail(application):
    return reverse("grants:application_detail", args=[application.pk])


def take_url(application):
    return reverse("grants:assignment_take", args=[application.pk])


def hand_on_url(application):
    return reverse("grants:assignment_hand_on", args=[application.pk])


def test_clerk_takes_the_case_from_the_application_page(client, case, clerk):
    client.force_login(clerk)
    page = client.get(detail(case))
    assert "zuständig:" in page.content.decode() and "Übernehmen" in page.content.decode()

    response = client.post(take_url(case), {"form_token": form_token(page, take_url(case))}, follow=True)

    case.refresh_from_db()
    assert case.assignee == clerk
    html = response.content.decode()
    assert f'<strong id="zustaendig">{clerk}</strong>' in html
    assert "Zuständigkeit übernommen" in html  # the case history


def test_double_click_on_take_records_it_once(client, case, clerk):
    client.force_login(clerk)
    token = form_token(client.get(detail(case)), take_url(case))

    client.post(take_url(case), {"form_token": token})
    client.post(take_url(case), {"form_token": token})

    assert audit_entries_for(case).filter(action="grants.application.assignment_taken").count() == 1


def test_clerk_hands_on_with_a_note(client, case, clerk, clerk2):
    application_assign(application=case, assignee=clerk, by=clerk)
    client.force_login(clerk)

    response = client.post(hand_on_url(case), {"assignee": str(clerk2.pk), "note": "Urlaubsvertretung"})

    assert response.status_code == 302 and response.url == detail(case)
    case.refresh_from_db()
    assert case.assignee == clerk2
    page = client.get(detail(case)).content.decode()
    assert f"{clerk} → {clerk2} · Urlaubsvertretung" in page


def test_hand_on_without_a_choice_keeps_the_note(client, case, clerk):
    client.force_login(clerk)

    response = client.post(hand_on_url(case), {"assignee": "", "note": "Bitte übernehmen"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte wählen Sie, wer den Fall übernimmt." in html
    assert "Bitte übernehmen" in html


def test_hand_on_page_offers_only_the_ministrys_case_workers(client, case, clerk, clerk2, approver, programme_admin,
                                                              coordinator_a):
    client.force_login(clerk)

    html = client.get(hand_on_url(case)).content.decode()

    assert str(clerk2) in html and str(approver) in html
    assert str(programme_admin) not in html and f'value="{coordinator_a.pk}"' not in html


def test_clerk_cannot_hand_on_a_colleagues_case(client, case, clerk, clerk2):
    application_assign(application=case, assignee=clerk2, by=clerk2)
    client.force_login(clerk)

    assert client.get(hand_on_url(case)).status_code == 403
    response = client.post(hand_on_url(case), {"assignee": str(clerk.pk)})
    assert response.status_code == 200 and "Referatsleitung" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee == clerk2
    page = client.get(detail(case)).content.decode()
    assert "Übernehmen" not in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_coordinator_cannot_assign(client, case, coordinator_a, clerk, method):
    client.force_login(coordinator_a)

    assert getattr(client, method)(hand_on_url(case), {"assignee": str(clerk.pk)}).status_code == 403
    assert client.post(take_url(case)).status_code == 403
    case.refresh_from_db()
    assert case.assignee is None


def test_coordinator_of_other_body_gets_404(client, case, coordinator_b):
    client.force_login(coordinator_b)

    assert client.post(take_url(case)).status_code == 404
    assert client.get(hand_on_url(case)).status_code == 404


def test_coordinator_sees_the_name_of_the_responsible_person_only(client, case, clerk, coordinator_a):
    application_assign(application=case, assignee=clerk, by=clerk, note="interne Notiz")
    client.force_login(coordinator_a)

    page = client.get(detail(case)).content.decode()
    listing = client.get(reverse("grants:application_list")).content.decode()

    assert f"Zuständig im Ministerium: <strong>{clerk}</strong>" in page
    assert "interne Notiz" not in page and clerk.email not in page and "Weitergeben" not in page
    assert str(clerk) in listing and clerk.email not in listing


def test_mine_shows_only_my_cases_in_the_work_queue(client, programme, clerk, clerk2):
    mine, theirs, nobodys = (factories.submitted_application(programme, factories.make_user(
        f"k{i}", "koordination", body)) for i, body in enumerate(_three_bodies()))
    application_assign(application=mine, assignee=clerk, by=clerk)
    application_assign(application=theirs, assignee=clerk2, by=clerk2)
    client.force_login(clerk)

    assert refs_on_page(client.get(queue_url(zustaendig="ich"))) == [mine.file_reference]
    assert refs_on_page(client.get(queue_url(zustaendig="niemand"))) == [nobodys.file_reference]
    everything = client.get(queue_url())
    assert set(refs_on_page(everything)) == {mine.file_reference, theirs.file_reference, nobodys.file_reference}
    assert str(clerk2) in everything.content.decode()  # the "Zuständig" column
    # The "Meine Fälle" button: every status of my cases, not only those waiting for review.
    assert 'href="/pruefung/?zustaendig=ich&amp;status=alle"' in everything.content.decode()


def test_work_queue_with_assignees_costs_no_query_per_row(client, programme, clerk, clerk2):
    def queries_for_mine() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(queue_url(zustaendig="ich")).status_code == 200
        return len(queries)

    bodies = _three_bodies()
    cases = [factories.submitted_application(programme, factories.make_user(f"k{i}", "koordination", body))
             for i, body in enumerate(bodies)]
    application_assign(application=cases[0], assignee=clerk, by=clerk)
    client.force_login(clerk)
    client.get(queue_url())  # warm the caches (content types, session)
    one = queries_for_mine()
    for case in cases[1:]:
        application_assign(application=case, assignee=clerk, by=clerk)

    assert queries_for_mine() == one


def _three_bodies():
    return list(Municipality.objects.order_by("name")[:3])


def test_mine_in_the_payments_queue_shows_the_payments_of_my_cases(client, programme, coordinator_a, coordinator_b,
                                                                   clerk, clerk2, approver):
    calls = []
    for coordinator in (coordinator_a, coordinator_b):
        award = factories.approved_award(programme, coordinator, clerk, approver)
        calls.append(disbursement_request(award=award, year=2026, amount=Decimal("1000.00"), user=coordinator,
                                          stated_need="Personalkosten"))
        application_assign(application=award.application, assignee=clerk if coordinator == coordinator_a else clerk2,
                           by=approver)
    client.force_login(clerk)

    html = client.get(reverse("grants:payment_queue") + "?zustaendig=ich").content.decode()

    assert f'id="mittelabruf-{calls[0].pk}"' in html
    assert f'id="mittelabruf-{calls[1].pk}"' not in html
