"""Reminders of reporting deadlines by e-mail, and the secret address of a body's
deadline calendar (the same reminders, to subscribe to).

`reminders_send(today=…)` is safe to run every day, from `manage.py send_reminders` or a
task: for every deadline of a running award that is not done it works out the one stage
due on that day –

- "faellig": from 14 days before the due date up to the due date itself;
- "ueberfaellig-1": from the day after the due date, "ueberfaellig-2" 30 days later, and so on
  every 30 days –

and mails it to the body's active coordinators and the application's contact address,
one message per address. A `ReminderSent` row per award, kind, year, stage and address and
the mail in the outbox (background/outbox.py, key "reminder:<that key>") are written in one
transaction, so a second run queues nothing; a run after a gap sends only the latest stage
(older ones are never caught up). The outbox sends the mail after commit and keeps it, and
tries again, while the mail server refuses it: a reminder is never lost.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from audit.services import audit_log
from background.outbox import outbox_enqueue
from core import clock
from grants.models import ReminderSent
from grants.notifications import recipients_for
from grants.policies import check, may_calendar_subscribe
from grants.selectors.deadlines import DeadlineRow, DeadlineState, deadline_rows, running_awards

DUE_SOON_STAGE = "faellig"
OVERDUE_STAGE = "ueberfaellig"
DUE_SOON_DAYS_BEFORE = 14
OVERDUE_EVERY_DAYS = 30
KEY_MAX = 200


def reminder_stage(row: DeadlineRow, today: date) -> tuple[str, int] | None:
    """The stage of reminder due on `today` – ("faellig", 0) or ("ueberfaellig", n) – or None."""
    if row.state == DeadlineState.DONE:
        return None
    due = row.deadline.due
    if due - timedelta(days=DUE_SOON_DAYS_BEFORE) <= today <= due:
        return DUE_SOON_STAGE, 0
    if today > due:
        return OVERDUE_STAGE, 1 + (today - due - timedelta(days=1)).days // OVERDUE_EVERY_DAYS
    return None


def stage_code(stage: str, number: int) -> str:
    return f"{stage}-{number}" if number else stage


def reminder_key(row: DeadlineRow, stage: str, address: str) -> str:
    """f"{award}:{kind}:{year or '-'}:{stage}:{address}"; the address hashed where the key
    would pass 200 characters."""
    deadline = row.deadline
    prefix = f"{row.award.pk}:{deadline.kind}:{deadline.year or '-'}:{stage}:"
    address = address.strip().lower()
    if len(prefix) + len(address) > KEY_MAX:
        address = "sha256-" + hashlib.sha256(address.encode()).hexdigest()
    return prefix + address


@dataclass(frozen=True)
class Reminder:
    row: DeadlineRow
    stage: str  # "faellig" or "ueberfaellig"
    number: int  # 0 for "faellig", 1, 2, … for "ueberfaellig"
    address: str

    @property
    def code(self) -> str:
        return stage_code(self.stage, self.number)

    @property
    def key(self) -> str:
        return reminder_key(self.row, self.code, self.address)


@dataclass
class ReminderSummary:
    today: date
    dry_run: bool = False
    sent: list[Reminder] = field(default_factory=list)  # put into the outbox by this run
    already_sent: int = 0
    planned: list[Reminder] = field(default_factory=list)  # dry run: what would be sent


def _link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _context(reminder: Reminder, today: date) -> dict:
    row = reminder.row
    return {
        "application": row.application,
        "row": row,
        "deadline": row.deadline,
        "proof": row.proof_label,
        "number": reminder.number,
        "days_overdue": (today - row.deadline.due).days,
        "days_left": (row.deadline.due - today).days,
        "url": _link(reverse("grants:application_detail", args=[row.application.pk])),
        "deadlines_url": _link(reverse("grants:deadline_list")),
    }


def _queue_one(reminder: Reminder, today: date) -> bool:
    """True when the reminder went into the outbox now, False when it had been queued before."""
    event = "reminder_due" if reminder.stage == DUE_SOON_STAGE else "reminder_overdue"
    with transaction.atomic():
        _entry, created = ReminderSent.objects.get_or_create(key=reminder.key)
        if created:
            outbox_enqueue(key=f"reminder:{reminder.key}", event=event, to=[reminder.address], template=event,
                           context=_context(reminder, today))
    return created


def due_reminders(*, today: date) -> list[Reminder]:
    """Every (deadline, stage, address) due on `today`, whether or not sent before."""
    reminders, addresses = [], {}
    for row in deadline_rows(running_awards(), today=today):
        stage = reminder_stage(row, today)
        if stage is None:
            continue
        if row.application.pk not in addresses:  # one look-up per application, not per deadline
            addresses[row.application.pk] = recipients_for(row.application)
        for address in addresses[row.application.pk]:
            reminders.append(Reminder(row, stage[0], stage[1], address))
    return reminders


def reminders_send(*, today: date | None = None, dry_run: bool = False) -> ReminderSummary:
    """Send the reminders due on `today` (default: the clock's today) that have not gone out yet."""
    today = today or clock.today()
    summary = ReminderSummary(today=today, dry_run=dry_run)
    reminders = due_reminders(today=today)
    sent_before = set(ReminderSent.objects.filter(key__in=[r.key for r in reminders]).values_list("key", flat=True))
    for reminder in reminders:
        if reminder.key in sent_before:
            summary.already_sent += 1
        elif dry_run:
            summary.planned.append(reminder)
        else:
            if _queue_one(reminder, today):
                summary.sent.append(reminder)
            else:
                summary.already_sent += 1
    return summary


# -- the calendar subscription --------------------------------------------------------------------


def calendar_token_regenerate(*, user) -> str:
    """A new secret for the coordinator's calendar address; the old address stops working."""
    check(may_calendar_subscribe(user))
    with transaction.atomic():
        had_token = bool(user.calendar_token)
        user.calendar_token = secrets.token_urlsafe(32)
        user.save(update_fields=["calendar_token"])
        audit_log(actor=user, action="accounts.calendar_token.renewed" if had_token else
                  "accounts.calendar_token.created", target=user)
    return user.calendar_token


def calendar_token_ensure(*, user) -> str:
    """The coordinator's calendar secret, created on first use."""
    check(may_calendar_subscribe(user))
    if user.calendar_token:
        return user.calendar_token
    return calendar_token_regenerate(user=user)
