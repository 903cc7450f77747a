"""Nothing twice: the POST endpoints honour an Idempotency-Key (api/writes/idempotency.py); a
second submission is refused by the application's state machine even without one – also when
both arrive at the same moment (PostgreSQL, real threads)."""

import pytest

from audit.models import AuditEntry
from audit.services import audit_log
from background.models import OutboxMail
from core.models import FormSubmission
from grants.models import Application, ApplicationStatus
from inbox.models import Notification
from tests import factories
from tests.api.test_write import CREATE, DETAILS, plan_body, url
from tests.concurrency import run_together, slowed

KEY = {"HTTP_IDEMPOTENCY_KEY": "5f0c8a1e-3b7d-4f7e-9a51-2d6c0e9b1a77"}


@pytest.mark.django_db
def test_same_key_and_body_answers_the_first_answer_again_and_creates_one_draft(api_client, coordinator_a,
                                                                                 programme):
    api = api_client(coordinator_a)
    first = api.post(CREATE, DETAILS | plan_body(), format="json", **KEY)
    again = api.post(CREATE, DETAILS | plan_body(), format="json", **KEY)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Application.objects.count() == 1
    assert AuditEntry.objects.filter(action="grants.application.created").count() == 1


@pytest.mark.django_db
def test_same_key_with_another_body_is_refused_with_422(api_client, coordinator_a, programme):
    api = api_client(coordinator_a)
    assert api.post(CREATE, DETAILS, format="json", **KEY).status_code == 201
    response = api.post(CREATE, DETAILS | {"title": "Anderes Vorhaben"}, format="json", **KEY)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith("Dieser Idempotency-Key wurde bereits für eine andere Anfrage")
    assert Application.objects.get().title == DETAILS["title"]


@pytest.mark.django_db
def test_a_refused_request_releases_its_key_for_the_corrected_one(api_client, coordinator_a, programme):
    api = api_client(coordinator_a)
    refused = api.post(CREATE, DETAILS | {"title": ""}, format="json", **KEY)
    assert refused.status_code == 400
    corrected = api.post(CREATE, DETAILS, format="json", **KEY)
    assert corrected.status_code == 201 and "Idempotent-Replayed" not in corrected


@pytest.mark.django_db
def test_keys_belong_to_their_person(api_client, coordinator_a, coordinator_b, programme):
    assert api_client(coordinator_a).post(CREATE, DETAILS, format="json", **KEY).status_code == 201
    response = api_client(coordinator_b).post(CREATE, DETAILS, format="json", **KEY)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Application.objects.count() == 2


@pytest.mark.django_db
def test_an_unusable_key_is_refused(api_client, coordinator_a, programme):
    response = api_client(coordinator_a).post(CREATE, DETAILS, format="json", HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert response.status_code == 400 and list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not Application.objects.exists() and not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_submission_repeated_with_its_key_is_answered_again_not_done_again(api_client, coordinator_a, programme):
    draft = factories.draft_application(programme, coordinator_a)
    api = api_client(coordinator_a)
    first = api.post(url(draft, "submit/"), {}, format="json", **KEY)
    again = api.post(url(draft, "submit/"), {}, format="json", **KEY)
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert AuditEntry.objects.filter(action="grants.application.submitted").count() == 1


@pytest.mark.django_db
def test_a_form_token_can_never_match_an_api_key(api_client, coordinator_a, programme):
    api_client(coordinator_a).post(CREATE, DETAILS, format="json", **KEY)
    token = FormSubmission.objects.get().token
    assert token.startswith("api:") and len(token) == 64  # ":" is no character of a form token


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_parallel_requests_with_one_key_create_one_draft(monkeypatch, api_client, coordinator_a, programme):
    monkeypatch.setattr("grants.services.applications.audit_log", slowed(audit_log))
    clients = [api_client(coordinator_a), api_client(coordinator_a)]

    results = run_together(*[lambda c=c: c.post(CREATE, DETAILS, format="json", **KEY) for c in clients])

    statuses = sorted(response.status_code for _kind, response in results)
    assert statuses == [201, 409]
    running = next(response for _kind, response in results if response.status_code == 409)
    assert running.json()["detail"].startswith("Eine Anfrage mit diesem Idempotency-Key wird gerade bearbeitet")
    assert Application.objects.count() == 1
    assert AuditEntry.objects.filter(action="grants.application.created").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_parallel_submissions_without_key_submit_once(monkeypatch, api_client, coordinator_a, programme):
    draft = factories.draft_application(programme, coordinator_a)
    monkeypatch.setattr("grants.services.applications.audit_log", slowed(audit_log))
    clients = [api_client(coordinator_a), api_client(coordinator_a)]

    results = run_together(*[lambda c=c: c.post(url(draft, "submit/"), {}, format="json") for c in clients])

    responses = sorted((response for _kind, response in results), key=lambda r: r.status_code)
    assert [r.status_code for r in responses] == [200, 409]
    assert responses[1].json()["detail"] == "Das Einreichen ist im Status „Eingereicht“ nicht möglich."
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED and draft.file_reference == "WIR-26-0001"
    assert AuditEntry.objects.filter(action="grants.application.submitted").count() == 1
    assert OutboxMail.objects.filter(event="submitted").count() == 1
    notified = Notification.objects.filter(key=f"application:{draft.pk}:submitted")
    assert notified.count() == notified.values("recipient").distinct().count()


@pytest.mark.django_db
def test_a_repeat_while_the_first_still_runs_is_told_to_wait(api_client, coordinator_a, programme):
    api = api_client(coordinator_a)
    first = api.post(CREATE, DETAILS, format="json", **KEY)
    FormSubmission.objects.update(response=None)  # as while the first request is still being handled
    response = api.post(CREATE, DETAILS, format="json", **KEY)
    assert first.status_code == 201 and response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert Application.objects.count() == 1
