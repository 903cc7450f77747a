"""Personal API tokens: a person's key for the REST API (api/authentication.py).

Only the SHA-256 of the secret is stored; the secret itself is shown once, right after it was
made (accounts: "Mein Konto" → "API-Schlüssel"). The first characters (`prefix`) stay visible so
that a person can tell their tokens apart.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock

# "wir_" marks the secret as ours (secret scanners, log filters); 32 random bytes behind it.
SECRET_MARK = "wir_"
PREFIX_LENGTH = 12


def new_secret() -> str:
    return SECRET_MARK + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("Person"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("Bezeichnung"), max_length=100)
    prefix = models.CharField(_("Anfang des Schlüssels"), max_length=PREFIX_LENGTH, editable=False)
    secret_hash = models.CharField(_("SHA-256 des Schlüssels"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), default=clock.now, editable=False)
    expires_on = models.DateField(_("gültig bis einschließlich"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("zuletzt benutzt am"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API-Schlüssel")
        verbose_name_plural = _("API-Schlüssel")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="apitoken_hash_is_sha256_hex",
                                   condition=models.Q(secret_hash__regex=r"^[0-9a-f]{64}$")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < clock.today()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def state_label(self) -> str:
        if self.is_revoked:
            return str(_("widerrufen"))
        if self.is_expired:
            return str(_("abgelaufen"))
        return str(_("gültig"))
