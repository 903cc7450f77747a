"""Confirmation steps before what cannot be undone (grants/selectors/confirmation.py and
templates/grants/_confirm_summary.html): the confirmation shows who, what, how much per year and
what happens, and changes nothing; only its own form acts, once, even when sent twice; a person
of another body cannot open it. Payments: test_payment_views.py; closing: test_closing_views.py;
reclaims: test_reclaim_views.py; amendments: test_amendment_views.py."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from grants.models import Application, ApplicationStatus, Notice
from tests import factories
from tests.grants.views import page_elements

# Every test here may write files: into a temporary directory (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("private_storage")

K = Notice.Kind
S = ApplicationStatus


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def summary_of(response) -> str:
    page = text_of(response)
    return page[page.index('id="bestaetigung"'):]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- submitting an application --------------------------------------------------------------------

@pytest.fixture
def draft(programme, coordinator_a):
    return factories.draft_application(programme, coordinator_a)


def submit_url(application):
    return reverse("grants:application_submit", args=[application.pk])


def test_submit_confirmation_shows_body_amounts_per_year_and_total_and_submits_nothing(client, coordinator_a, draft,
                                                                                       body_a):
    client.force_login(coordinator_a)

    response = client.get(submit_url(draft))

    summary = summary_of(response)
    assert body_a.display_name in summary and "wird beim Einreichen vergeben" in summary
    assert "2026" in summary and "2030" in summary and "100.000,00 €" in summary
    assert page_elements(response).by_id["bestaetigung-summe"].text == "500.000,00 €"
    assert "Danach können Sie ihn nicht mehr ändern" in summary
    assert f'action="{submit_url(draft)}"' in text_of(response)
    draft.refresh_from_db()
    assert (draft.status, draft.file_reference) == (S.DRAFT, None)


def test_submit_confirmation_sent_twice_submits_once(client, coordinator_a, draft):
    client.force_login(coordinator_a)
    form = {"form_token": "einreichen-einmal-0123456789"}

    first = client.post(submit_url(draft), form)
    second = client.post(submit_url(draft), form)

    assert first.status_code == second.status_code == 302
    assert "Dieses Formular wurde bereits abgesendet. Es wurde nicht noch einmal verarbeitet." in messages_of(second)
    draft.refresh_from_db()
    assert (draft.status, draft.file_reference) == (S.SUBMITTED, "WIR-26-0001")


def test_submit_confirmation_of_an_incomplete_plan_names_the_problem_and_offers_no_button(
        client, programme, coordinator_a):
    application = factories.draft_application(programme, coordinator_a, with_plan=False)
    client.force_login(coordinator_a)

    response = client.get(submit_url(application))

    assert "Der Antrag kann so noch nicht eingereicht werden" in text_of(response)
    assert f'action="{submit_url(application)}"' not in text_of(response)


def test_other_body_cannot_open_the_submit_confirmation(client, coordinator_b, draft):
    client.force_login(coordinator_b)

    assert client.get(submit_url(draft)).status_code == 404
    assert client.post(submit_url(draft)).status_code == 404
    assert Application.objects.get(pk=draft.pk).status == S.DRAFT


# --- issuing a notice ---------------------------------------------------------------------------------

@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 10, 29), notice=False)


def issue_url(application, kind=K.AWARD):
    return reverse("grants:notice_issue", args=[application.pk]) + f"?art={kind}"


def test_application_page_form_leads_to_the_confirmation_instead_of_issuing(client, approver2, award):
    client.force_login(approver2)

    page = page_elements(client.get(reverse("grants:application_detail", args=[award.application_id])))

    form = next(e for e in page.elements if e.tag == "form" and e.attrs.get("aria-labelledby") == "h-bescheid-erlassen")
    assert form.attrs["method"] == "get"


def test_notice_confirmation_keeps_the_values_shows_the_summary_and_issues_nothing(client, approver2, award, body_a):
    client.force_login(approver2)

    response = client.get(issue_url(award.application) + "&issued_on=29.10.2026")

    summary = summary_of(response)
    assert award.application.file_reference in summary and body_a.display_name in summary
    assert page_elements(response).by_id["bestaetigung-summe"].text == "500.000,00 €"
    assert "ist er unveränderlich gespeichert" in summary
    page = page_elements(response)
    assert page.by_id["bescheid_issued_on"].attrs["value"] == "29.10.2026"
    form = next(e for e in page.elements if e.tag == "form" and e.attrs.get("method") == "post"
                and "data-busy" in e.attrs)
    assert form.attrs["data-busy"] == "Bescheid wird erzeugt …"
    assert not Notice.objects.exists()


def test_notice_confirmation_sent_twice_issues_one_notice(client, approver2, award):
    client.force_login(approver2)
    form = {"issued_on": "29.10.2026", "form_token": "bescheid-einmal-0123456789"}

    first = client.post(issue_url(award.application), form)
    second = client.post(issue_url(award.application), form)

    assert first.status_code == second.status_code == 302
    assert Notice.objects.filter(application=award.application).count() == 1
    assert Notice.objects.get().issued_on == date(2026, 10, 29)


def test_other_body_cannot_open_the_notice_confirmation(client, coordinator_b, award):
    client.force_login(coordinator_b)

    assert client.get(issue_url(award.application)).status_code in (403, 404)


# --- recommending, approving, rejecting ---------------------------------------------------------------

def test_approve_page_summarises_the_award_and_what_happens(client, programme, coordinator_a, clerk, approver, body_a):
    application = factories.recommended_application(programme, coordinator_a, clerk)
    client.force_login(approver)

    response = client.get(reverse("grants:decision_approve", args=[application.pk]))

    summary = summary_of(response)
    assert body_a.display_name in summary and application.file_reference in summary
    assert page_elements(response).by_id["bestaetigung-summe"].text == "500.000,00 €"
    assert "bindet die Haushaltsansätze" in summary and "nicht zurückgenommen" in summary
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED


def test_four_eyes_still_holds_on_the_approve_page(client, programme, coordinator_a, approver):
    application = factories.recommended_application(programme, coordinator_a, approver)
    client.force_login(approver)

    response = client.get(reverse("grants:decision_approve", args=[application.pk]))
    client.post(reverse("grants:decision_approve", args=[application.pk]))

    assert 'disabled aria-describedby="vier-augen-hinweis"' in text_of(response)
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED


def test_reject_page_says_what_happens(client, programme, coordinator_a, clerk, approver):
    application = factories.recommended_application(programme, coordinator_a, clerk)
    client.force_login(approver)

    response = client.get(reverse("grants:decision_reject", args=[application.pk]))

    assert "Die Ablehnung kann nicht zurückgenommen werden." in summary_of(response)


def test_recommend_page_says_what_happens(client, programme, coordinator_a, clerk):
    application = factories.in_review_application(programme, coordinator_a, clerk)
    client.force_login(clerk)

    response = client.get(reverse("grants:review_recommend", args=[application.pk]))

    assert "eine andere Person mit Bewilligungsbefugnis entscheidet" in summary_of(response)
