"""E-mails to the applying body: receipt, request for changes, approval, rejection.

Written into the outbox (background/outbox.py) in the transition's own transaction – a
rolled-back transition leaves no mail – and sent by a task after commit, to the
application's contact address and every active coordinator of the body. Each mail is a
subject/text/html template triple under templates/emails/. A failing mail server never
undoes a transition: the mail waits in the outbox and is sent again until it goes out.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from background.models import OutboxMail
from background.outbox import outbox_enqueue, outbox_key
from grants.models import Application

logger = logging.getLogger(__name__)

EVENTS = {"submitted", "resubmitted", "changes_requested", "approved", "rejected", "closed",
          "amendment_sent_back", "amendment_approved", "amendment_rejected", "reclaim_issued",
          "reclaim_hearing"}

_muted: ContextVar[bool] = ContextVar("wirfunding_notifications_muted", default=False)


@contextmanager
def muted():
    """No mails from transitions run inside: importing history (the demo's 2021 awards)
    must not write to people about events of years ago."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def recipients_for(application) -> list[str]:
    addresses = [application.contact_email] if application.contact_email else []
    addresses += User.objects.filter(
        role=Role.KOORDINATION, municipality_id=application.municipality_id, is_active=True,
    ).exclude(email="").values_list("email", flat=True)
    seen, unique = set(), []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique


def application_mail_enqueue(*, application_id: int, event: str, extra: dict | None = None) -> OutboxMail | None:
    """Render the event's mail and put it into the outbox (sent after commit); None when the
    application has no recipient."""
    if event not in EVENTS:
        raise ValueError(f"Unbekanntes Mail-Ereignis {event!r}")
    application = Application.objects.select_related("programme", "municipality").get(pk=application_id)
    to = recipients_for(application)
    if not to:
        logger.warning("Keine Empfänger für %s zu Antrag %s", event, application.pk)
        return None
    extra = dict(extra or {})
    # A mail about one object (e.g. a reclaim's hearing) links to that object's page.
    path = extra.pop("reclaim_path", None) or reverse("grants:application_detail", args=[application.pk])
    context = {
        "application": application,
        "url": settings.SITE_URL.rstrip("/") + path,
        **extra,
    }
    return outbox_enqueue(key=outbox_key(f"application:{application.pk}:{event}"), event=event, to=to,
                          template=event, context=context)


def notify_applicant(application, event: str, **extra) -> None:
    """Put the event's mail into the outbox, in the current transaction."""
    if _muted.get():
        return
    application_mail_enqueue(application_id=application.pk, event=event, extra=extra)
