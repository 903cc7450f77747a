"""The one table core keeps: claimed one-time submissions – form tokens (core/form_tokens.py) and
the REST API's Idempotency-Keys (api/writes/idempotency.py)."""

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
    # Only for an API request with an Idempotency-Key (token "api:…"): the SHA-256 of its method,
    # address and body, and – once it succeeded – its answer (status, body, Location), sent again
    # to a repeat. Empty / null for a form token and while the first request is running.
    fingerprint = models.CharField(_("Prüfsumme der Anfrage"), max_length=64, blank=True)
    response = models.JSONField(_("Antwort"), null=True, blank=True)

    class Meta:
        verbose_name = _("abgesendetes Formular")
        verbose_name_plural = _("abgesendete Formulare")

    def __str__(self) -> str:
        return f"{self.path} ({self.created_at:%Y-%m-%d %H:%M})"
