"""Reminders of reporting deadlines (grants/services/reminders.py, manage.py send_reminders):
which mail goes out on which day, to whom, exactly once, and what a refusing mail server
leaves behind (the mail waits in the outbox and goes out later)."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from accounts.roles import Role
from background.models import OutboxMail
from background.outbox import outbox_send_due
from core import clock
from grants.models import Award, ReminderSent, UsageReport
from grants.services.reminders import reminder_key
from grants.services.reminders import reminders_send as queue_reminders
from tests import factories
from tests.grants.test_deadlines_overview import make_award, report

R = UsageReport.Status
CONTACT = "jana.keller@wmk.example.org"
DUE = date(2025, 3, 31)  # Zwischennachweis 2024 of a 2021–2025 award


@pytest.fixture
def award(body_a, coordinator_a, clerk, approver):
    """2021–2025, interim proofs 2021–2023 accepted: open are the Zwischennachweis 2024
    (due 31.03.2025) and the Verwendungsnachweis (due 30.06.2026)."""
    programme = factories.make_programme(code="wir-2021", start=2021, end=2025)
    award = make_award(programme, body_a, clerk, approver, number=21, contact_email=CONTACT)
    for year in (2021, 2022, 2023):
        report(award, "zwischennachweis", year, R.ACCEPTED)
    return award


def reminders_send(**kwargs):
    """Queue the reminders, then let the outbox send them as it does after commit (the test
    itself runs inside one transaction that never commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return queue_reminders(**kwargs)


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


def test_due_soon_mail_goes_out_14_days_before_and_not_earlier(award, mailoutbox):
    assert reminders_send(today=date(2025, 3, 16)).sent == []
    assert mailoutbox == []

    summary = reminders_send(today=date(2025, 3, 17))

    assert recipients(mailoutbox) == [CONTACT, "koordination-a@example.org"]
    assert [r.code for r in summary.sent] == ["faellig", "faellig"]
    message = mailoutbox[0]
    assert message.subject == "Erinnerung: Zwischennachweis 2024 zu WIR-21-0021 fällig am 31.03.2025"
    assert "bis zum 31.03.2025 ist der Zwischennachweis 2024 zur Zuwendung WIR-21-0021" in message.body
    assert "01.01.2024 bis 31.12.2024" in message.body
    assert f"/antraege/{award.application.pk}/" in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_due_soon_mail_is_sent_exactly_once_across_runs(award, mailoutbox):
    reminders_send(today=date(2025, 3, 17))
    second = reminders_send(today=date(2025, 3, 17))
    third = reminders_send(today=date(2025, 3, 25))

    assert len(mailoutbox) == 2
    assert second.sent == third.sent == []
    assert second.already_sent == third.already_sent == 2
    assert set(ReminderSent.objects.values_list("key", flat=True)) == {
        f"{award.pk}:zwischennachweis:2024:faellig:{CONTACT}",
        f"{award.pk}:zwischennachweis:2024:faellig:koordination-a@example.org",
    }


def test_overdue_mail_goes_out_the_day_after_the_due_date(award, mailoutbox):
    reminders_send(today=date(2025, 3, 31))  # due today: still the due-soon reminder
    assert {m.subject for m in mailoutbox} == {
        "Erinnerung: Zwischennachweis 2024 zu WIR-21-0021 fällig am 31.03.2025"}
    mailoutbox.clear()

    summary = reminders_send(today=date(2025, 4, 1))

    assert [r.code for r in summary.sent] == ["ueberfaellig-1", "ueberfaellig-1"]
    assert mailoutbox[0].subject == "Frist überschritten: Zwischennachweis 2024 zu WIR-21-0021 war am 31.03.2025 fällig"
    assert "die Frist ist seit 1 Tag überschritten" in mailoutbox[0].body


def test_further_overdue_mails_every_30_days(award, mailoutbox):
    reminders_send(today=date(2025, 4, 1))
    assert reminders_send(today=date(2025, 4, 30)).sent == []
    assert [r.code for r in reminders_send(today=date(2025, 5, 1)).sent] == ["ueberfaellig-2"] * 2
    assert reminders_send(today=date(2025, 5, 30)).sent == []
    assert [r.code for r in reminders_send(today=date(2025, 5, 31)).sent] == ["ueberfaellig-3"] * 2
    assert len(mailoutbox) == 6


def test_catch_up_after_a_gap_sends_only_the_latest_stage(award, mailoutbox):
    summary = reminders_send(today=date(2025, 6, 5))  # never run before; 66 days overdue

    assert [r.code for r in summary.sent] == ["ueberfaellig-3", "ueberfaellig-3"]
    assert len(mailoutbox) == 2
    assert not ReminderSent.objects.filter(key__contains=":faellig:").exists()
    assert not ReminderSent.objects.filter(key__contains="ueberfaellig-1").exists()
    assert not ReminderSent.objects.filter(key__contains="ueberfaellig-2").exists()


@pytest.mark.parametrize("status", [R.SUBMITTED, R.ACCEPTED])
def test_nothing_for_a_submitted_or_accepted_proof(award, mailoutbox, status):
    report(award, "zwischennachweis", 2024, status)
    assert reminders_send(today=date(2025, 3, 17)).sent == []
    assert reminders_send(today=date(2025, 4, 1)).sent == []
    assert mailoutbox == []


def test_a_draft_or_open_questions_do_not_stop_the_reminder(award, mailoutbox):
    report(award, "zwischennachweis", 2024, R.QUESTIONS)
    reminders_send(today=date(2025, 4, 1))
    assert len(mailoutbox) == 2
    assert "Rückfragen offen" in mailoutbox[0].body


def test_nothing_for_a_closed_award(award, mailoutbox):
    Award.objects.filter(pk=award.pk).update(status=Award.Status.CLOSED, closed_at=clock.now())
    assert reminders_send(today=date(2025, 4, 1)).sent == []
    assert mailoutbox == []


def test_only_active_coordinators_of_the_own_body_are_written_to(award, mailoutbox, coordinator_b, body_a):
    factories.make_user("koordination-a2", Role.KOORDINATION, body_a, is_active=False)
    reminders_send(today=date(2025, 4, 1))
    assert recipients(mailoutbox) == [CONTACT, "koordination-a@example.org"]


def test_a_refused_mail_waits_in_the_outbox_and_goes_out_later(award, mailoutbox, monkeypatch, caplog):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("Mailserver nicht erreichbar")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", refuse)
        summary = reminders_send(today=date(2025, 4, 1))

    assert len(summary.sent) == 2 and mailoutbox == []
    pending = OutboxMail.objects.filter(status=OutboxMail.Status.PENDING)
    assert pending.count() == 2
    assert all("Mailserver nicht erreichbar" in mail.last_error for mail in pending)
    assert "konnte nicht gesendet werden" in caplog.text

    assert reminders_send(today=date(2025, 4, 2)).sent == []  # queued once, never again
    outbox_send_due(now=timezone.now() + timedelta(hours=1))

    assert recipients(mailoutbox) == [CONTACT, "koordination-a@example.org"]
    assert OutboxMail.objects.filter(status=OutboxMail.Status.SENT).count() == 2
    assert ReminderSent.objects.count() == 2


def test_a_refusal_for_one_address_does_not_stop_the_others(award, mailoutbox, monkeypatch):
    original = EmailMultiAlternatives.send

    def refuse_contact(self, fail_silently=False):
        if self.to == [CONTACT]:
            raise ConnectionRefusedError("abgelehnt")
        return original(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse_contact)
    reminders_send(today=date(2025, 4, 1))

    assert recipients(mailoutbox) == ["koordination-a@example.org"]
    assert list(OutboxMail.objects.filter(status=OutboxMail.Status.PENDING).values_list("to", flat=True)) == [
        [CONTACT]]


def test_long_addresses_are_hashed_so_the_key_fits(award):
    from grants.selectors.deadlines import deadline_rows, running_awards

    row = next(r for r in deadline_rows(running_awards(), today=DUE) if r.deadline.year == 2024)
    address = "a" * 190 + "@example.org"
    key = reminder_key(row, "ueberfaellig-12", address)
    assert len(key) <= 200
    assert key.startswith(f"{award.pk}:zwischennachweis:2024:ueberfaellig-12:sha256-")
    assert key == reminder_key(row, "ueberfaellig-12", address.upper())  # case does not make a new reminder
    assert reminder_key(row, "faellig", "x@example.org") == f"{award.pk}:zwischennachweis:2024:faellig:x@example.org"


# -- the command ----------------------------------------------------------------------------------


def test_command_sends_and_prints_a_german_summary(award, mailoutbox):
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_reminders", "--today", "2025-04-01", stdout=out)
    text = out.getvalue()
    assert len(mailoutbox) == 2
    assert "ueberfaellig-1 · WIR-21-0021 · Werra-Meißner-Kreis · Zwischennachweis 2024, fällig am 31.03.2025" in text
    assert "Erinnerungen für den 01.04.2025: 2 in den Postausgang gestellt, 0 bereits früher versandt" in text

    again = StringIO()
    call_command("send_reminders", "--today", "2025-04-01", stdout=again)
    assert len(mailoutbox) == 2
    assert "0 in den Postausgang gestellt, 2 bereits früher versandt" in again.getvalue()


def test_dry_run_sends_and_records_nothing(award, mailoutbox):
    out = StringIO()
    call_command("send_reminders", "--today", "2025-04-01", "--dry-run", stdout=out)
    assert mailoutbox == []
    assert ReminderSent.objects.count() == 0
    assert f"→ {CONTACT}" in out.getvalue()
    assert "Probelauf für den 01.04.2025: 2 Erinnerungen würden versandt" in out.getvalue()


@pytest.mark.parametrize("value", ["2025-13-01", "01.04.2025", "morgen"])
def test_bad_today_is_refused_in_german(db, value):
    with pytest.raises(CommandError, match="kein gültiges Datum für --today; erwartet wird JJJJ-MM-TT"):
        call_command("send_reminders", "--today", value, stdout=StringIO())


# -- the daily task (beat) ------------------------------------------------------------------------


def test_the_daily_task_queues_the_reminders_of_today_once_however_often_it_runs(award, mailoutbox, settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from background.tasks import reminders_send as daily_task

    assert settings.CELERY_BEAT_SCHEDULE["reminders-daily"]["task"] == daily_task.name
    with clock.frozen_at(datetime(2025, 4, 1, 6, tzinfo=ZoneInfo("Europe/Berlin"))), \
            TestCase.captureOnCommitCallbacks(execute=True):
        first = daily_task.apply().get()
        second = daily_task.apply().get()  # delivered again after a lost acknowledgement

    assert first == {"queued": 2, "already_sent": 0} and second == {"queued": 0, "already_sent": 2}
    assert recipients(mailoutbox) == [CONTACT, "koordination-a@example.org"]
