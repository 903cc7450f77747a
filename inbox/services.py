"""Writing notifications: one per person and hand-over, in the transition's own transaction.

`notify` is called by the grants services right after the audit entry of a hand-over (a
submission, a recommendation, a prepared payment …). It writes one `Notification` per
recipient – never for the person who acted – and, for those who want it at once, puts one
e-mail into the outbox (background/outbox.py), also in that transaction: a transition that
rolls back leaves neither entry nor mail. A second call with the same key writes nothing
(the key names the hand-over, e.g. "recommendation:12"), so a repeated task or a retried
request never notifies twice. Those who chose the daily digest get the day's entries in one
mail the next morning (`digests_send`, `manage.py send_digests`, the beat schedule); the
digest of one person and day goes out once.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import ROLE_CAPABILITIES, Role
from audit.services import audit_log
from background.outbox import outbox_enqueue
from core import clock
from core.errors import FieldErrors
from inbox.models import Delivery, Notification, NotificationSetting

_INVALID_DELIVERY = _("Bitte wählen Sie, wie Sie benachrichtigt werden möchten.")

# "all": nothing is told (muted); "mail": entries are written, no e-mail goes out (in_app_only).
_quiet: ContextVar[str] = ContextVar("wirfunding_notifications_quiet", default="")


@contextmanager
def _quiet_as(state: str):
    token = _quiet.set(state)
    try:
        yield
    finally:
        _quiet.reset(token)


def muted():
    """No notifications and no mails from transitions run inside: importing history (the demo's
    2021 awards) must not write to people about events of years ago."""
    return _quiet_as("all")


def in_app_only():
    """Notifications are written (as if mailed already), but no e-mail and no letter goes out:
    the demo's recent history, so its people find realistic entries in their lists."""
    return _quiet_as("mail")


def is_muted() -> bool:
    """No mail at all (the formal letters ask this)."""
    return _quiet.get() != ""


def site_url(path: str) -> str:
    """The absolute address of `path` at the configured site (SITE_URL; `make run` sets it from HOST/PORT)."""
    return settings.SITE_URL.rstrip("/") + path


# -- who is told ----------------------------------------------------------------------------------


def roles_acting_on(capability: str) -> list[str]:
    """The roles whose work the capability is: of all roles holding it, those with the fewest
    rights. Reviewing is the clerks' work although heads of unit may review too (they hold the
    clerk's rights in addition), approving is the heads of unit's."""
    holding = [role for role, capabilities in ROLE_CAPABILITIES.items() if capability in capabilities]
    fewest = min((len(ROLE_CAPABILITIES[role]) for role in holding), default=0)
    return [role for role in holding if len(ROLE_CAPABILITIES[role]) == fewest]


def staff_acting_on(capability: str):
    """The active ministry staff whose role does the next step (see `roles_acting_on`)."""
    return User.objects.filter(is_active=True, role__in=roles_acting_on(capability))


def coordinators_of(municipality_id: int):
    return User.objects.filter(is_active=True, role=Role.KOORDINATION, municipality_id=municipality_id)


def deliveries(user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's choice; IMMEDIATE for those who never chose."""
    ids = list(user_ids)
    chosen = dict(NotificationSetting.objects.filter(user_id__in=ids).values_list("user_id", "delivery"))
    return {user_id: chosen.get(user_id, Delivery.IMMEDIATE) for user_id in ids}


def delivery_of(user) -> str:
    return deliveries([user.pk])[user.pk]


# -- writing --------------------------------------------------------------------------------------


def notify(*, users, event: str, key: str, title: str, path: str, detail: str = "", actor=None,
           mailed: Iterable[int] = ()) -> list[Notification]:
    """One notification per person in `users` (not the `actor`) for the hand-over `key`; an
    e-mail at once for those who want it. `mailed`: ids of people the hand-over's formal
    letter (grants/notifications.py) already reached – they get the entry, not a second mail.
    Returns the notifications written now (none when muted or written before)."""
    if _quiet.get() == "all":
        return []
    recipients = {user.pk: user for user in users if user.is_active and (actor is None or user.pk != actor.pk)}
    if not recipients:
        return []
    already = set(Notification.objects.filter(key=key, recipient_id__in=recipients).values_list(
        "recipient_id", flat=True))
    choice = deliveries(recipients)
    mailed = set(recipients) if _quiet.get() == "mail" else set(mailed)
    now = clock.now()
    written = []
    with transaction.atomic():
        for user_id, user in sorted(recipients.items()):
            if user_id in already:
                continue
            notification = Notification.objects.create(
                recipient=user, event=event, key=key, title=title[:300], detail=detail, path=path,
                actor_name=str(actor) if actor is not None else "", created_at=now,
                mailed_at=now if user_id in mailed else None)
            if user_id not in mailed and choice[user_id] == Delivery.IMMEDIATE and user.email:
                _mail_one(notification, user)
            written.append(notification)
    return written


def _mail_one(notification: Notification, user) -> None:
    outbox_enqueue(key=f"notification:{notification.pk}", event=f"notification:{notification.event}",
                   to=[user.email], template="notification", context={
                       "notification": notification, "recipient": user,
                       "url": site_url(reverse("inbox:open", args=[notification.pk])),
                       **_mail_links()})
    notification.mailed_at = notification.created_at
    notification.save(update_fields=["mailed_at"])


def _mail_links() -> dict:
    return {"list_url": site_url(reverse("inbox:list")), "settings_url": site_url(reverse("accounts:account"))}


# -- reading --------------------------------------------------------------------------------------


def notification_read(*, notification: Notification, user) -> bool:
    """Mark the person's own notification read; False when it was read before."""
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    return bool(Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=clock.now()))


def notifications_read_all(*, user) -> int:
    """Mark every unread notification of the person read; the number marked."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())


def notification_setting_set(*, user, delivery: str) -> NotificationSetting:
    if delivery not in Delivery.values:
        raise FieldErrors({"delivery": [str(_INVALID_DELIVERY)]})
    with transaction.atomic():
        setting, _created = NotificationSetting.objects.select_for_update().get_or_create(user=user)
        before = setting.delivery if not _created else Delivery.IMMEDIATE
        if before != delivery or _created:
            setting.delivery = delivery
            setting.save()
            audit_log(actor=user, action="inbox.setting.changed", target=user,
                      changes={"notification_delivery": [before, delivery]})
    return setting


# -- the daily digest -----------------------------------------------------------------------------


@dataclass
class DigestSummary:
    day: date
    sent: dict[int, int] = field(default_factory=dict)  # user id → entries mailed now
    already_sent: int = 0


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def digests_send(*, day: date | None = None) -> DigestSummary:
    """Mail every person who chose the digest the unread entries up to the end of `day` (default:
    yesterday – the beat schedule runs in the morning) not mailed before: the day's hand-overs,
    and any left over from a day the digest did not run. One mail per person and day, however
    often this runs; an entry is in one digest only."""
    day = day or clock.today() - timedelta(days=1)
    summary = DigestSummary(day=day)
    user_ids = (NotificationSetting.objects.filter(delivery=Delivery.DIGEST, user__is_active=True)
                .exclude(user__email="").values_list("user_id", flat=True))
    pending = (Notification.objects.filter(recipient_id__in=user_ids, read_at__isnull=True, mailed_at__isnull=True,
                                           created_at__lt=_end_of(day))
               .values_list("recipient_id", flat=True).distinct())
    for user_id in sorted(set(pending)):
        count = _digest_one(user_id, day)
        if count:
            summary.sent[user_id] = count
        else:
            summary.already_sent += 1
    return summary


def _digest_one(user_id: int, day: date) -> int:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        entries = list(Notification.objects.filter(recipient=user, read_at__isnull=True, mailed_at__isnull=True,
                                                   created_at__lt=_end_of(day)).order_by("created_at", "pk"))
        if not entries:
            return 0
        mail = outbox_enqueue(key=f"digest:{user.pk}:{day.isoformat()}", event="notification:digest",
                              to=[user.email], template="notification_digest", context={
                                  "recipient": user, "day": day, "entries": [
                                      (entry, site_url(reverse("inbox:open", args=[entry.pk]))) for entry in entries],
                                  **_mail_links()})
        if mail is None:  # this day's digest went out before
            return 0
        Notification.objects.filter(pk__in=[entry.pk for entry in entries]).update(mailed_at=clock.now())
    return len(entries)
