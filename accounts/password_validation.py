"""Password rules that depend on the person: ministry staff (who sign notices and release
money) need at least 12 characters; coordinators keep Django's minimum of 8. Django's
common-password and similarity checks apply to everyone (settings.AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.two_factor import is_ministry


class MinistryMinimumLengthValidator:
    def __init__(self, min_length: int = 12):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if user is None or not is_ministry(user) or len(password) >= self.min_length:
            return
        raise ValidationError(
            _("Für Konten des Ministeriums muss das Passwort mindestens %(min_length)d Zeichen lang sein."),
            code="password_too_short_for_role",
            params={"min_length": self.min_length},
        )

    def get_help_text(self) -> str:
        return _("Für Konten des Ministeriums (Sachbearbeitung, Bewilligung, Programmverwaltung, Verwaltung) "
                 "mindestens %(min_length)d Zeichen.") % {"min_length": self.min_length}
