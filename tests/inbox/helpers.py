"""What a person was told: their notifications and the e-mails in the outbox that reach them."""

from collections import Counter

from background.models import OutboxMail
from inbox.models import Notification


def told(event: str) -> Counter:
    """Username → number of notifications of `event`."""
    return Counter(Notification.objects.filter(event=event).values_list("recipient__username", flat=True))


def mails_to(address: str, *, prefix: str = "") -> list[OutboxMail]:
    return [mail for mail in OutboxMail.objects.filter(key__startswith=prefix).order_by("pk") if address in mail.to]


def notification_mails(event: str) -> Counter:
    """Address → number of notification e-mails of `event` (not the letters, not digests)."""
    return Counter(address for mail in OutboxMail.objects.filter(event=f"notification:{event}")
                   for address in mail.to)
