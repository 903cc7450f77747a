"""E-mails to the applying body: receipt, request for changes, approval, rejection.

The letters that stand for a hand-over to the body (request for changes, approval, rejection,
hearing, reclaim) go to the application's contact address and to the coordinators who want
e-mails at once; the others read them in their notification list or daily digest
(grants/handovers.py, inbox/). Receipts and the other letters go to every coordinator.

Written into the outbox (background/outbox.py) in the transition's own transaction – a
rolled-back transition leaves no mail – and sent by a task after commit. Each mail is a
subject/text/html template triple under templates/emails/. A failing mail server never
undoes a transition: the mail waits in the outbox and is sent again until it goes out.
"""

import logging

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from background.models import OutboxMail
from background.outbox import outbox_enqueue, outbox_key
from grants.models import Application
from inbox.models import Delivery
from inbox.services import deliveries, is_muted, muted

__all__ = ["muted", "notify_applicant", "recipients_for", "application_mail_enqueue"]

logger = logging.getLogger(__name__)

EVENTS = {"submitted", "resubmitted", "changes_requested", "approved", "rejected", "closed",
          "amendment_sent_back", "amendment_approved", "amendment_rejected", "reclaim_issued",
          "reclaim_hearing"}

# Letters that are the e-mail of a hand-over notification to the body: sent to the coordinators
# who chose e-mails at once.
HANDOVER_LETTERS = {"changes_requested", "approved", "rejected", "reclaim_hearing", "reclaim_issued",
                    "amendment_approved", "amendment_sent_back", "amendment_rejected"}


def _coordinators(application) -> list[tuple[int, str]]:
    return list(User.objects.filter(
        role=Role.KOORDINATION, municipality_id=application.municipality_id, is_active=True,
    ).exclude(email="").values_list("pk", "email"))


def recipients_for(application, coordinators: list[tuple[int, str]] | None = None) -> list[str]:
    """The application's contact address and the coordinators' (all active ones unless given)."""
    addresses = [application.contact_email] if application.contact_email else []
    addresses += [email for _pk, email in (_coordinators(application) if coordinators is None else coordinators)]
    seen, unique = set(), []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique


def application_mail_enqueue(*, application_id: int, event: str, extra: dict | None = None,
                             coordinators: list[tuple[int, str]] | None = None) -> OutboxMail | None:
    """Render the event's mail and put it into the outbox (sent after commit); None when the
    application has no recipient. `coordinators`: (id, address) of those to write to, if not all."""
    if event not in EVENTS:
        raise ValueError(f"Unbekanntes Mail-Ereignis {event!r}")
    application = Application.objects.select_related("programme", "municipality").get(pk=application_id)
    to = recipients_for(application, coordinators)
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


def notify_applicant(application, event: str, **extra) -> set[int]:
    """Put the event's mail into the outbox, in the current transaction. Returns the ids of the
    coordinators it reached where the letter stands for a hand-over (HANDOVER_LETTERS): their
    notification needs no second mail."""
    if is_muted():
        return set()
    coordinators = None
    if event in HANDOVER_LETTERS:
        everyone = _coordinators(application)
        choice = deliveries(pk for pk, _email in everyone)
        coordinators = [(pk, email) for pk, email in everyone if choice[pk] == Delivery.IMMEDIATE]
    mail = application_mail_enqueue(application_id=application.pk, event=event, extra=extra, coordinators=coordinators)
    return {pk for pk, _email in coordinators} if mail is not None and coordinators else set()
