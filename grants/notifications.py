"""E-mails to the applying body: receipt, request for changes, approval, rejection.

Sent after the transaction commits (a rolled-back transition sends nothing), to the
application's contact address and every active coordinator of the body. Each mail is a
subject/text/html template triple under templates/emails/. A failing mail server never
undoes a transition: the error is logged. A background worker can later take over
`send_application_mail` unchanged.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
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


def send_application_mail(*, application_id: int, event: str, extra: dict | None = None) -> int:
    """Render and send one event's mail; returns the number of messages sent."""
    if event not in EVENTS:
        raise ValueError(f"Unbekanntes Mail-Ereignis {event!r}")
    application = Application.objects.select_related("programme", "municipality").get(pk=application_id)
    to = recipients_for(application)
    if not to:
        logger.warning("Keine Empfänger für %s zu Antrag %s", event, application.pk)
        return 0
    extra = dict(extra or {})
    # A mail about one object (e.g. a reclaim's hearing) links to that object's page.
    path = extra.pop("reclaim_path", None) or reverse("grants:application_detail", args=[application.pk])
    context = {
        "application": application,
        "url": settings.SITE_URL.rstrip("/") + path,
        **extra,
    }
    subject = render_to_string(f"emails/{event}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=render_to_string(f"emails/{event}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, to=to,
    )
    message.attach_alternative(render_to_string(f"emails/{event}.html", context), "text/html")
    try:
        return message.send()
    except Exception:  # noqa: BLE001 - the transition stands; the failure is logged
        logger.exception("Mail %s zu Antrag %s konnte nicht gesendet werden", event, application.pk)
        return 0


def notify_applicant(application, event: str, **extra) -> None:
    """Send the event's mail once the current transaction has committed."""
    if _muted.get():
        return
    application_id = application.pk
    transaction.on_commit(lambda: send_application_mail(application_id=application_id, event=event, extra=extra))
