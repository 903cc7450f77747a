from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Benutzer und Rollen")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from accounts import signals

        user_locked_out.connect(signals.locked_out, dispatch_uid="accounts.locked_out")
