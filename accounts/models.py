from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import ROLE_CAPABILITIES, Role


class User(AbstractUser):
    """A person signing in: a coordinator of exactly one body, or ministry staff."""

    role = models.CharField(_("Rolle"), max_length=32, choices=Role.choices)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("Gebietskörperschaft"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Nur für die Rolle Koordination: die eine Gebietskörperschaft, für die die Person handelt."),
    )
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    calendar_token = models.CharField(
        _("Kalender-Schlüssel"), max_length=64, blank=True, db_index=True, editable=False,
        help_text=_("Geheimer Teil der Adresse des Fristenkalenders (iCalendar); neu erzeugen sperrt die alte."),
    )

    class Meta:
        verbose_name = _("Benutzer")
        verbose_name_plural = _("Benutzer")
        constraints = [
            models.CheckConstraint(
                name="user_coordinator_has_exactly_one_body",
                condition=(Q(role=Role.KOORDINATION) & Q(municipality__isnull=False))
                | (~Q(role=Role.KOORDINATION) & Q(municipality__isnull=True)),
                violation_error_message=_(
                    "Personen der Rolle Koordination gehören genau einer Gebietskörperschaft an; "
                    "Ministeriumspersonal keiner."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def can(self, capability: str) -> bool:
        return self.is_active and capability in ROLE_CAPABILITIES.get(self.role, frozenset())

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.KOORDINATION
