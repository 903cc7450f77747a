"""The unread count next to "Benachrichtigungen" in the navigation: counted lazily, once per
page, and only when the page shows the navigation (a signed-in person's page)."""

from django.utils.functional import SimpleLazyObject

from inbox.selectors import unread_count


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
