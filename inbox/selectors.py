"""Reading a person's notifications; every look-up is scoped to the person."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from inbox.models import Notification


def notifications_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def unread_count(user) -> int:
    """One COUNT on the partial index of unread entries – none where the person was loaded with
    `with_unread_count` (the sign-in backend does so on every request)."""
    counted = getattr(user, "unread_notification_count", None)
    if counted is not None:
        return counted
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def with_unread_count(users: QuerySet) -> QuerySet:
    """The people with `unread_notification_count`: a subquery in the same SELECT as their row."""
    unread = (Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True).order_by()
              .values("recipient").annotate(n=Count("pk")).values("n"))
    return users.annotate(unread_notification_count=Coalesce(Subquery(unread, output_field=IntegerField()), 0))


def get_notification_for_user(user, pk: int) -> Notification:
    """The person's own notification; another person's is a 404, as if it did not exist."""
    return get_object_or_404(Notification, pk=pk, recipient=user)
