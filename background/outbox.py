"""The e-mail outbox: no notification is lost when the mail server is down.

`outbox_enqueue` renders the mail and writes it as an `OutboxMail` in the caller's
transaction – a transition that rolls back leaves no mail behind – and asks for it to be
sent once that transaction has committed (`background.tasks.outbox_send`). `outbox_deliver`
sends one record at most once: it locks the row (skipping a row another worker holds),
sends only what is still pending and marks it sent with the time, in the same transaction.
A refused mail stays pending with the error; the task retries it with exponential backoff
and the periodic `outbox_resend_pending` picks up whatever is still pending, until
OUTBOX_MAX_ATTEMPTS attempts have failed: then it is "fehlgeschlagen" and shown as such in
the administration, where it can be sent again.

One window remains: the mail server accepted a message and the database then failed to
record it as sent – that mail is sent again. Between the two, sending twice is the lesser harm.
"""

import logging
import uuid
from datetime import datetime, timedelta
from enum import Enum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from audit.services import audit_log
from background.models import OutboxMail

logger = logging.getLogger(__name__)

S = OutboxMail.Status


class Delivery(Enum):
    SENT = "sent"
    FAILED = "failed"  # refused this time; still pending unless the attempts are used up
    SKIPPED = "skipped"  # sent before, given up, or being sent by another worker right now


def render_mail(template: str, context: dict) -> tuple[str, str, str]:
    """Subject (one line), text and HTML of the template triple emails/<template>{_subject.txt,.txt,.html}."""
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    return (subject, render_to_string(f"emails/{template}.txt", context),
            render_to_string(f"emails/{template}.html", context))


def outbox_key(prefix: str) -> str:
    """A fresh key for a notification that has no natural one (an event that may recur)."""
    return f"{prefix}:{uuid.uuid4().hex}"


def outbox_enqueue(*, key: str, event: str, to: list[str], template: str, context: dict) -> OutboxMail | None:
    """Write the mail into the outbox in the current transaction and send it after commit.
    Returns None (and writes nothing) when a mail with this key is already in the outbox."""
    subject, text, html = render_mail(template, context)
    with transaction.atomic():
        mail, created = OutboxMail.objects.get_or_create(key=key, defaults={
            "event": event, "subject": subject, "body_text": text, "body_html": html,
            "from_email": settings.DEFAULT_FROM_EMAIL, "to": list(to)})
    if not created:
        return None
    from background.tasks import outbox_send  # the tasks import this module

    mail_id = mail.pk
    transaction.on_commit(lambda: outbox_send.delay(mail_id), robust=True)
    return mail


def _message(mail: OutboxMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=mail.subject, body=mail.body_text, from_email=mail.from_email,
                                     to=list(mail.to), headers={"X-Wirfunding-Outbox": mail.key[:200]})
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    return message


def outbox_deliver(mail_id: int) -> Delivery:
    """Send the outbox mail `mail_id` if it is still pending; at most once (see the module)."""
    with transaction.atomic():
        mail = (OutboxMail.objects.select_for_update(skip_locked=True)
                .filter(pk=mail_id, status=S.PENDING).first())
        if mail is None:
            return Delivery.SKIPPED
        mail.attempts += 1
        mail.last_attempt_at = timezone.now()
        try:
            _message(mail).send()
        except Exception as error:  # noqa: BLE001 - any refusal of the mail server: keep it, try again later
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
            if mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                mail.status = S.FAILED
            mail.save(update_fields=["attempts", "last_attempt_at", "last_error", "status"])
            logger.warning("Mail %s (%s) konnte nicht gesendet werden (Versuch %s): %s",
                           mail.pk, mail.event, mail.attempts, mail.last_error)
            return Delivery.FAILED
        mail.status = S.SENT
        mail.sent_at = mail.last_attempt_at
        mail.save(update_fields=["attempts", "last_attempt_at", "status", "sent_at"])
    return Delivery.SENT


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failure: 1, 2, 4, … minutes, at most an hour."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), 3600)


def outbox_due(*, now: datetime | None = None) -> QuerySet[OutboxMail]:
    """Pending mails whose next attempt is due: never tried and older than a minute (the
    task after commit was lost, e.g. the broker was down), or tried and past their backoff."""
    now = now or timezone.now()
    due = Q(last_attempt_at__isnull=True, created_at__lte=now - timedelta(minutes=1))
    for attempts in range(1, settings.OUTBOX_MAX_ATTEMPTS):
        due |= Q(attempts=attempts, last_attempt_at__lte=now - timedelta(seconds=retry_delay(attempts)))
    return OutboxMail.objects.filter(due, status=S.PENDING).order_by("created_at", "pk")


def outbox_send_due(*, now: datetime | None = None, limit: int = 500) -> dict[Delivery, int]:
    """Send the due pending mails here and now (the periodic task; `manage.py send_outbox`)."""
    counts = dict.fromkeys(Delivery, 0)
    for mail_id in list(outbox_due(now=now).values_list("pk", flat=True)[:limit]):
        counts[outbox_deliver(mail_id)] += 1
    return counts


def outbox_requeue(*, mail: OutboxMail, user) -> bool:
    """Give a failed mail another round of attempts (the administration's "erneut senden")."""
    with transaction.atomic():
        updated = OutboxMail.objects.filter(pk=mail.pk, status=S.FAILED).update(
            status=S.PENDING, attempts=0, last_attempt_at=None)
        if not updated:
            return False
        audit_log(actor=user, action="background.outbox.requeued", target=mail,
                  changes={"status": [S.FAILED.value, S.PENDING.value]})
        from background.tasks import outbox_send

        mail_id = mail.pk
        transaction.on_commit(lambda: outbox_send.delay(mail_id), robust=True)
    return True
