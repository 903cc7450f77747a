"""The legal pages every public body's site must have (Impressum, Datenschutzerklärung,
Erklärung zur Barrierefreiheit) and the feedback the statement asks for.

`LegalPage` is one page, `LegalPageVersion` one published text of it: an edit adds a version
(never changes one), so what the page said on any day can be shown. `AccessibilityFeedback` is
a message sent through the feedback form (BITV 2.0 § 7, § 4 Abs. 2 Nr. 2 HVBIT).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock


class LegalPage(models.Model):
    class Kind(models.TextChoices):
        IMPRESSUM = "impressum", _("Impressum")
        DATENSCHUTZ = "datenschutz", _("Datenschutzerklärung")
        BARRIEREFREIHEIT = "barrierefreiheit", _("Erklärung zur Barrierefreiheit")

    kind = models.CharField(_("Seite"), max_length=20, choices=Kind.choices, unique=True)

    class Meta:
        verbose_name = _("Rechtstext")
        verbose_name_plural = _("Rechtstexte")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class LegalPageVersion(models.Model):
    """One published text of a page. Written once; an edit is a new version."""

    page = models.ForeignKey(LegalPage, on_delete=models.PROTECT, related_name="versions", verbose_name=_("Seite"))
    number = models.PositiveIntegerField(_("Fassung"))
    title = models.CharField(_("Überschrift"), max_length=200)
    body = models.TextField(_("Text"))
    note = models.CharField(_("Anlass der Änderung"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("veröffentlicht am"), default=clock.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("veröffentlicht von"))

    class Meta:
        verbose_name = _("Fassung eines Rechtstexts")
        verbose_name_plural = _("Fassungen der Rechtstexte")
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="legal_version_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="legal_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.page} – {_('Fassung')} {self.number}"


class AccessibilityFeedback(models.Model):
    """A barrier reported, or an accessible format asked for, through the feedback form."""

    created_at = models.DateTimeField(_("eingegangen am"), default=clock.now, editable=False, db_index=True)
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    page_address = models.CharField(_("betroffene Seite"), max_length=500, blank=True)
    message = models.TextField(_("Nachricht"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("angemeldete Person"))

    class Meta:
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{_('Rückmeldung')} {self.pk}"
