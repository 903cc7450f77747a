"""The tasks on the real broker: a worker (in this process, its own thread and database
connection) takes them from Redis. Run with REQUIRE_BROKER=1 (CI starts Redis);
CELERY_TEST_BROKER_URL names the broker (default redis://127.0.0.1:6379/1)."""

from datetime import date

import pytest
from celery.worker import state as worker_state
from django.core import mail

from background.jobs import job_start
from background.models import Job, OutboxMail
from background.tasks import outbox_send
from grants.models import HandoverCeremony, Notice
from grants.services.applications import application_submit
from grants.services.notices import notice_attach_ceremony
from tests import factories
from tests.background.conftest import wait_for

pytestmark = [pytest.mark.broker]


def test_the_worker_sends_the_mail_of_a_committed_change(celery_worker, programme, coordinator_a):
    application = factories.draft_application(programme, coordinator_a)

    application_submit(application=application, user=coordinator_a)  # commits: no test transaction here

    wait_for(lambda: OutboxMail.objects.filter(status=OutboxMail.Status.SENT).exists(), what="Mail versandt")
    assert [m.subject for m in mail.outbox] == ["Eingangsbestätigung: Antrag WIR-26-0001"]


def test_the_worker_retries_until_the_smtp_server_is_back_and_sends_once(celery_worker, programme, coordinator_a,
                                                                          smtp_server, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    application = factories.draft_application(programme, coordinator_a)
    application_submit(application=application, user=coordinator_a)

    wait_for(lambda: OutboxMail.objects.filter(attempts__gte=2).exists(), what="zweiter Versuch")
    record = OutboxMail.objects.get()
    assert record.status == OutboxMail.Status.PENDING and "ConnectionRefusedError" in record.last_error

    smtp_server.start()
    wait_for(lambda: OutboxMail.objects.filter(status=OutboxMail.Status.SENT).exists(), what="Mail versandt")
    runs = worker_state.total_count["background.outbox_send"]
    outbox_send.delay(record.pk)  # the task delivered once more: it must send nothing
    wait_for(lambda: worker_state.total_count["background.outbox_send"] > runs, what="noch ein Lauf der Aufgabe")

    assert len(smtp_server.messages) == 1


def test_the_worker_makes_the_ceremony_bundle(celery_worker, programme, coordinator_a, clerk, approver,
                                              private_storage):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 10, 29), notice=False)
    notice = factories.issue_notice(award.application, approver, date(2026, 10, 29), kind=Notice.Kind.AWARD)
    ceremony = HandoverCeremony.objects.create(date=date(2026, 10, 29), place="Eschwege",
                                               official_title="Staatssekretärin", official_name="Anne Janz")
    notice_attach_ceremony(notice=notice, ceremony=ceremony, user=approver)

    job, created = job_start(user=clerk, kind=Job.Kind.CEREMONY_BUNDLE, target=ceremony, label="Eschwege")
    again, created_again = job_start(user=clerk, kind=Job.Kind.CEREMONY_BUNDLE, target=ceremony, label="Eschwege")

    assert created and not created_again and again.pk == job.pk
    wait_for(lambda: Job.objects.filter(pk=job.pk, status__in=[Job.Status.DONE, Job.Status.FAILED]).exists(),
             seconds=120, what="Auftrag beendet")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.result_name == "Uebergabemappe_2026-10-29_Eschwege.pdf" and job.result_size > 0
