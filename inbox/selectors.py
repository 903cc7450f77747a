"""Reading a person's notifications; every look-up is scoped to the person."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from inbox.models import Notification


def notifications_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def unread_count(user) -> int:
    """One COUNT on the partial index of unread entries."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def get_notification_for_user(user, pk: int) -> Notification:
    """The person's own notification; another person's is a 404, as if it did not exist."""
    return get_object_or_404(Notification, pk=pk, recipient=user)
