from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    """Benachrichtigungen: one entry per person for every hand-over between roles (a submission
    for the clerks, a recommendation for the approvers, a paid call for the coordinators …),
    shown in the notification list and mailed at once or in the daily digest as each person
    chooses. The formal letters to the applying body stay in grants/notifications.py."""

    name = "inbox"
    verbose_name = _("Benachrichtigungen")
