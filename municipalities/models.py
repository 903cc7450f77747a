from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AdministrativeCourt(models.Model):
    """A Hessian Verwaltungsgericht; named in the Rechtsbehelfsbelehrung of a notice."""

    seat = models.CharField(_("Sitz"), max_length=100, unique=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("PLZ"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("Verwaltungsgericht")
        verbose_name_plural = _("Verwaltungsgerichte")
        ordering = ["seat"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"Verwaltungsgericht {self.seat}"


class Municipality(models.Model):
    """One of the 33 eligible Gebietskörperschaften (districts and cities)."""

    class Kind(models.TextChoices):
        LANDKREIS = "landkreis", _("Landkreis")
        KREISFREIE_STADT = "kreisfreie_stadt", _("kreisfreie Stadt")
        SONDERSTATUSSTADT = "sonderstatusstadt", _("Sonderstatusstadt")

    class Regierungsbezirk(models.TextChoices):
        DARMSTADT = "Darmstadt", _("Darmstadt")
        GIESSEN = "Gießen", _("Gießen")
        KASSEL = "Kassel", _("Kassel")

    name = models.CharField(_("Name"), max_length=100, unique=True)
    kind = models.CharField(_("Art"), max_length=32, choices=Kind.choices)
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel (AGS)"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^\d{8}$", _("Der AGS besteht aus genau acht Ziffern."))],
    )
    regierungsbezirk = models.CharField(
        _("Regierungsbezirk"), max_length=20, choices=Regierungsbezirk.choices
    )
    seat = models.CharField(_("Sitz"), max_length=100)
    recipient_body = models.CharField(
        _("Bescheidempfänger"),
        max_length=200,
        help_text=_("Kreisausschuss bzw. Magistrat, an den Bescheide gerichtet werden."),
    )
    administrative_court = models.ForeignKey(
        AdministrativeCourt,
        verbose_name=_("zuständiges Verwaltungsgericht"),
        on_delete=models.PROTECT,
        related_name="municipalities",
    )
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("PLZ"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("Die Postleitzahl besteht aus fünf Ziffern."))],
    )
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    note = models.TextField(_("Anmerkung"), blank=True)

    class Meta:
        verbose_name = _("Gebietskörperschaft")
        verbose_name_plural = _("Gebietskörperschaften")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def address_lines(self) -> list[str]:
        """The lines of the recipient address as printed in a letter's address field."""
        lines = [self.recipient_body]
        if self.street:
            lines.append(self.street)
        if self.postal_code or self.city:
            lines.append(f"{self.postal_code} {self.city}".strip())
        return lines
