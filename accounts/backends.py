"""Signing in with username and password (Django's ModelBackend), and loading the signed-in
person on every request together with what every page shows about them: the number of unread
notifications beside "Benachrichtigungen" comes with the person's row, not as a query of its own."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from inbox.selectors import with_unread_count


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = with_unread_count(get_user_model()._default_manager.all()).get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
