"""Data the notices print that is dated or versioned: the general conditions (ANBest-GK) in a
fixed version, the authority's name as it was on a given day, and the consent to an early
project start (vorzeitiger Maßnahmebeginn) recorded on an application."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock


class GeneralConditionsVersion(models.Model):
    """One fixed version of the general conditions (e.g. ANBest-GK), attached to the notices
    of the programme periods that use it. An issued notice keeps the text it printed (in its
    snapshot), so a later version never changes an earlier notice."""

    short_name = models.CharField(_("Kurzbezeichnung"), max_length=40, default="ANBest-GK")
    title = models.CharField(_("Titel"), max_length=300)
    version_date = models.DateField(_("Fassung vom"))
    source = models.CharField(_("Fundstelle"), max_length=200, blank=True,
                              help_text=_("z. B. Veröffentlichung im Staatsanzeiger"))
    text = models.TextField(
        _("Text"), help_text=_("Ein Absatz je Zeile; eine Zeile wie „1. Überschrift“ ohne Schlusspunkt wird als "
                               "Überschrift gedruckt."))

    class Meta:
        verbose_name = _("Fassung der Allgemeinen Nebenbestimmungen")
        verbose_name_plural = _("Fassungen der Allgemeinen Nebenbestimmungen")
        ordering = ["short_name", "-version_date"]
        constraints = [
            models.UniqueConstraint(fields=["short_name", "version_date"], name="general_conditions_version_unique",
                                    violation_error_message=_("Diese Fassung gibt es schon.")),
        ]

    def __str__(self) -> str:
        return f"{self.short_name} (Fassung vom {self.version_date:%d.%m.%Y})"


class AuthorityName(models.Model):
    """The name (and unit) an issuing authority bore from a date on: ministries are renamed
    (2024: "Hessisches Ministerium für Soziales und Integration" became "Hessisches Ministerium
    für Arbeit, Integration, Jugend und Soziales"); a notice prints the name of its date."""

    authority = models.ForeignKey("grants.IssuingAuthority", on_delete=models.CASCADE, related_name="names",
                                  verbose_name=_("Bewilligungsbehörde"))
    valid_from = models.DateField(_("gültig ab"))
    name = models.CharField(_("Name"), max_length=200)
    unit = models.CharField(_("Organisationseinheit"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Behördenname (ab Datum)")
        verbose_name_plural = _("Behördennamen (ab Datum)")
        ordering = ["authority", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "valid_from"], name="authority_name_one_per_day",
                                    violation_error_message=_("Für diesen Tag ist schon ein Name eingetragen.")),
        ]

    def __str__(self) -> str:
        return f"{self.name} (ab {self.valid_from:%d.%m.%Y})"


class EarlyStartConsent(models.Model):
    """The consent to an early project start (vorzeitiger Maßnahmebeginn, VV Nr. 1.3 zu § 44
    LHO): the authority allowed the body to begin before the notice, without a claim to the
    grant. Recorded by ministry staff; printed on the Zuwendungsbescheid."""

    application = models.OneToOneField("grants.Application", on_delete=models.PROTECT,
                                       related_name="early_start_consent", verbose_name=_("Antrag"))
    consented_on = models.DateField(_("Zustimmung erteilt am"))
    consented_by = models.CharField(_("Zustimmung erteilt durch"), max_length=300,
                                    help_text=_("Behörde und Organisationseinheit, ggf. mit Aktenzeichen des "
                                                "Schreibens"))
    allowed_from = models.DateField(_("Beginn zugelassen ab"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("erfasst von"))
    recorded_at = models.DateTimeField(_("erfasst am"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("Zustimmung zum vorzeitigen Maßnahmebeginn")
        verbose_name_plural = _("Zustimmungen zum vorzeitigen Maßnahmebeginn")

    def __str__(self) -> str:
        return f"{self.application} – {self.consented_on:%d.%m.%Y}"

    def covers(self, start: date) -> bool:
        return self.allowed_from <= start
