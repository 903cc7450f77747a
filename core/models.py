"""The one table core keeps: claimed one-time form tokens (core/form_tokens.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormSubmission(models.Model):
    """A form token that has been sent once. The unique token is the lock: whoever inserts it
    first handles the form; a second request with the same token finds the row and changes
    nothing. Rows older than FORM_TOKEN_MAX_AGE_HOURS are deleted as new ones arrive."""

    token = models.CharField(_("Formularkennung"), max_length=64, unique=True)
    path = models.CharField(_("Adresse"), max_length=2000)
    # Where the first request sent the person (its redirect); a repeat is sent there too.
    location = models.CharField(_("Weiterleitung"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("abgesendet am"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("abgesendetes Formular")
        verbose_name_plural = _("abgesendete Formulare")

    def __str__(self) -> str:
        return f"{self.path} ({self.created_at:%Y-%m-%d %H:%M})"
