"""The e-mail outbox: a mail is written with the change that causes it (and only if that
change commits), sent once after commit, kept and sent again while the mail server is down,
given up after OUTBOX_MAX_ATTEMPTS and then sent again only on request."""

from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEntry
from background.models import OutboxMail
from background.outbox import Delivery, outbox_deliver, outbox_due, outbox_requeue, outbox_send_due, retry_delay
from background.tasks import outbox_send
from grants.models import Application, ApplicationStatus
from grants.services.applications import application_submit
from tests import factories

S = OutboxMail.Status
LATER = timedelta(hours=2)


@pytest.fixture
def draft(programme, coordinator_a):
    return factories.draft_application(programme, coordinator_a)


def submit(application, user):
    """Submit and run what waits for the commit (the test's own transaction never commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return application_submit(application=application, user=user)


def test_the_mail_is_written_in_the_transaction_of_the_change_and_sent_after_commit(draft, coordinator_a):
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        application_submit(application=draft, user=coordinator_a)
        record = OutboxMail.objects.get()
        assert record.status == S.PENDING and mail.outbox == []  # written, not yet sent

    for callback in callbacks:
        callback()

    record.refresh_from_db()
    assert record.status == S.SENT and record.sent_at is not None and record.attempts == 1
    assert [m.subject for m in mail.outbox] == ["Eingangsbestätigung: Antrag WIR-26-0001"]
    assert record.subject == mail.outbox[0].subject and record.to == mail.outbox[0].to


def test_a_rolled_back_change_leaves_no_mail(draft, coordinator_a):
    with TestCase.captureOnCommitCallbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        application_submit(application=draft, user=coordinator_a)
        raise RuntimeError("etwas anderes in derselben Transaktion scheitert")

    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT
    assert OutboxMail.objects.count() == 0
    assert mail.outbox == []


def test_mail_waits_while_the_smtp_server_is_down_and_goes_out_when_it_is_back(draft, coordinator_a, smtp_server):
    submit(draft, coordinator_a)  # the mail server is down

    record = OutboxMail.objects.get()
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.SUBMITTED  # the change stands
    assert record.status == S.PENDING and record.attempts == 1
    assert "ConnectionRefusedError" in record.last_error
    assert outbox_due().count() == 0  # the backoff: not again right away

    smtp_server.start()
    counts = outbox_send_due(now=timezone.now() + LATER)

    record.refresh_from_db()
    assert counts[Delivery.SENT] == 1
    assert record.status == S.SENT and record.attempts == 2
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert str(make_header(decode_header(received["Subject"]))) == "Eingangsbestätigung: Antrag WIR-26-0001"
    assert sorted(received["To"].split(", ")) == sorted(record.to)


def test_a_mail_is_sent_once_however_often_the_task_runs(draft, coordinator_a):
    submit(draft, coordinator_a)
    record = OutboxMail.objects.get()

    assert outbox_send.apply(args=[record.pk]).get() == "skipped"  # delivered again by the broker
    assert outbox_deliver(record.pk) is Delivery.SKIPPED
    assert outbox_send_due(now=timezone.now() + LATER)[Delivery.SENT] == 0

    assert len(mail.outbox) == 1
    record.refresh_from_db()
    assert record.attempts == 1


def test_the_same_notification_key_is_written_once(draft, coordinator_a):
    from background.outbox import outbox_enqueue

    context = {"application": draft, "url": "http://x/", "requested_total": "1"}
    first = outbox_enqueue(key="test:1", event="submitted", to=["a@example.org"], template="submitted",
                           context=context)
    second = outbox_enqueue(key="test:1", event="submitted", to=["a@example.org"], template="submitted",
                            context=context)

    assert first is not None and second is None
    assert OutboxMail.objects.filter(key="test:1").count() == 1


def test_retries_back_off_exponentially_up_to_an_hour(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    assert [retry_delay(n) for n in (1, 2, 3, 4, 7, 12)] == [60, 120, 240, 480, 3600, 3600]


def test_after_the_last_attempt_the_mail_is_failed_and_an_administrator_can_send_it_again(
        draft, coordinator_a, smtp_server, settings, programme_admin):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    submit(draft, coordinator_a)
    outbox_send_due(now=timezone.now() + LATER)

    record = OutboxMail.objects.get()
    assert record.status == S.FAILED and record.attempts == 2
    assert outbox_send_due(now=timezone.now() + LATER * 10)[Delivery.SENT] == 0  # given up: left alone

    smtp_server.start()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert outbox_requeue(mail=record, user=programme_admin)

    record.refresh_from_db()
    assert record.status == S.SENT and len(smtp_server.messages) == 1
    assert AuditEntry.objects.filter(action="background.outbox.requeued", object_id=record.pk).exists()
    assert not outbox_requeue(mail=record, user=programme_admin)  # a sent mail is not sent again


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="admin", password=factories.PASSWORD, email="admin@example.org",
                                         role=Role.PROGRAMMVERWALTUNG)


def test_the_admin_lists_pending_failed_and_sent_mails_with_the_error(client, superuser, draft, coordinator_a,
                                                                      smtp_server):
    submit(draft, coordinator_a)  # pending, server down
    OutboxMail.objects.create(key="x:failed", event="approved", subject="Gescheitert", body_text="-",
                              from_email="a@example.org", to=["b@example.org"], status=S.FAILED, attempts=12,
                              last_error="SMTPRecipientsRefused: 550 unbekannt")
    client.force_login(superuser)

    page = client.get(reverse("admin:background_outboxmail_changelist")).content.decode()
    failed = client.get(reverse("admin:background_outboxmail_changelist") + "?status__exact=failed").content.decode()

    assert "Eingangsbestätigung: Antrag WIR-26-0001" in page and "ConnectionRefusedError" in page
    assert "Gescheitert" in failed and "550 unbekannt" in failed
    assert "Eingangsbestätigung" not in failed
    assert client.get(reverse("admin:background_outboxmail_add")).status_code == 403


def test_the_admin_action_sends_failed_mails_again(client, superuser, mailoutbox):
    record = OutboxMail.objects.create(key="x:failed", event="approved", subject="Noch einmal", body_text="-",
                                       from_email="a@example.org", to=["b@example.org"], status=S.FAILED,
                                       attempts=12, last_error="Zeitüberschreitung")
    client.force_login(superuser)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("admin:background_outboxmail_changelist"),
                               {"action": "requeue", "_selected_action": [record.pk]}, follow=True)

    record.refresh_from_db()
    assert "1 E-Mail wird erneut gesendet." in response.content.decode()
    assert record.status == S.SENT and [m.subject for m in mailoutbox] == ["Noch einmal"]


def test_send_outbox_command_sends_what_is_due(draft, coordinator_a, smtp_server):
    from io import StringIO

    from django.core.management import CommandError, call_command

    submit(draft, coordinator_a)
    OutboxMail.objects.update(last_attempt_at=timezone.now() - LATER)
    with pytest.raises(CommandError, match="1 E-Mail\\(s\\) hat der Mailserver abgelehnt"):
        call_command("send_outbox", stdout=StringIO())

    smtp_server.start()
    OutboxMail.objects.update(last_attempt_at=timezone.now() - LATER)
    out = StringIO()
    call_command("send_outbox", stdout=out)

    assert "Postausgang: 1 versandt, 0 erneut abgelehnt" in out.getvalue()
    assert len(smtp_server.messages) == 1
