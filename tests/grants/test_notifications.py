"""Mails to the applying body on receipt, request for changes, approval and rejection."""

from decimal import Decimal

import pytest
from django.core import mail

from core.errors import PlanInvalid
from grants.models import ApplicationStatus
from grants.services.applications import application_submit
from grants.services.awards import application_approve, application_reject
from grants.services.reviews import application_request_changes
from tests import factories


@pytest.fixture
def colleague_a(body_a):
    from accounts.roles import Role
    return factories.make_user("koordination-a2", Role.KOORDINATION, body_a, email="team@wmk.example.org")


def test_submission_sends_a_german_receipt_to_the_body(programme, coordinator_a, coordinator_b, colleague_a,
                                                       django_capture_on_commit_callbacks):
    application = factories.draft_application(programme, coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application, user=coordinator_a)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Eingangsbestätigung: Antrag WIR-26-0001"
    assert sorted(message.to) == sorted(
        ["jana.keller@example.org", "koordination-a@example.org", "team@wmk.example.org"])
    assert "koordination-b@example.org" not in message.to
    assert "500.000,00 €" in message.body and "WIR-26-0001" in message.body
    assert f"/antraege/{application.pk}/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<strong>WIR-26-0001</strong>" in html


def test_refused_submission_sends_nothing(programme, coordinator_a, django_capture_on_commit_callbacks):
    application = factories.draft_application(programme, coordinator_a, with_plan=False)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PlanInvalid):
        application_submit(application=application, user=coordinator_a)
    assert mail.outbox == []


def test_request_for_changes_and_resubmission_are_mailed(programme, coordinator_a, clerk,
                                                         django_capture_on_commit_callbacks):
    application = factories.in_review_application(programme, coordinator_a, clerk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_request_changes(application=application, user=clerk, message="Bitte den Stellenplan beifügen.")
    assert mail.outbox[0].subject == "Nachforderung zu Ihrem Antrag WIR-26-0001"
    assert "Bitte den Stellenplan beifügen." in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application, user=coordinator_a, answer="Beigefügt.")
    assert mail.outbox[1].subject == "Eingangsbestätigung: überarbeiteter Antrag WIR-26-0001"


def test_approval_mail_states_the_total_and_each_year(programme, coordinator_a, clerk, approver,
                                                      django_capture_on_commit_callbacks):
    amounts = {2026: Decimal("80000.00"), 2027: Decimal("100000.00"), 2028: Decimal("100000.00"),
               2029: Decimal("100000.00"), 2030: Decimal("100000.00")}
    application = factories.recommended_application(programme, coordinator_a, clerk, amounts=amounts,
                                                    justification="Stellenbesetzung erst ab April 2026.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=application, user=approver)
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Ihr Antrag WIR-26-0001 ist bewilligt"
    assert "bis zu 480.000,00 €" in body and "2026: 80.000,00 €" in body and "01.01.2026 bis 31.12.2030" in body


def test_rejection_mail_gives_the_reason(programme, coordinator_a, clerk, approver,
                                         django_capture_on_commit_callbacks):
    application = factories.in_review_application(programme, coordinator_a, clerk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_reject(application=application, user=approver, reason="Die Förderfähigkeit ist nicht belegt.")
    assert mail.outbox[0].subject == "Entscheidung über Ihren Antrag WIR-26-0001"
    assert "Die Förderfähigkeit ist nicht belegt." in mail.outbox[0].body


def test_a_failing_mail_server_does_not_undo_the_transition(monkeypatch, programme, coordinator_a, caplog,
                                                             django_capture_on_commit_callbacks):
    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP nicht erreichbar")
    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    application = factories.draft_application(programme, coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application, user=coordinator_a)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert "konnte nicht gesendet werden" in caplog.text
