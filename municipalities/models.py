from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, F, Value, When
from django.db.models.functions import Concat, Replace
from django.db.models.lookups import IContains, In
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core import banking

POSTAL_CODE_VALIDATOR = RegexValidator(r"^\d{5}$", _("Die Postleitzahl besteht aus fünf Ziffern."))


def address_missing(street: str, postal_code: str, city: str) -> list[str]:
    """The parts of a postal address that are missing or wrong, as German labels; empty when complete."""
    missing = []
    if not (street or "").strip():
        missing.append(gettext("Straße und Hausnummer"))
    if not (postal_code or "").isdigit() or len(postal_code) != 5:
        missing.append(gettext("fünfstellige Postleitzahl"))
    if not (city or "").strip():
        missing.append(gettext("Ort"))
    return missing


class AdministrativeCourt(models.Model):
    """A Hessian Verwaltungsgericht; named in the Rechtsbehelfsbelehrung of a notice."""

    seat = models.CharField(_("Sitz"), max_length=100, unique=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("PLZ"), max_length=5, blank=True, validators=[POSTAL_CODE_VALIDATOR])
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

    @property
    def address_missing(self) -> list[str]:
        return address_missing(self.street, self.postal_code, self.city)


# Districts whose official name is "Kreis …" rather than "Landkreis …" (their Kreisausschuss is
# "des Kreises …", /work/shared/domain/hessen-gebietskoerperschaften.csv).
OFFICIAL_KREIS_NAMES = frozenset({"Bergstraße", "Groß-Gerau", "Offenbach"})


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
    postal_code = models.CharField(_("PLZ"), max_length=5, blank=True, validators=[POSTAL_CODE_VALIDATOR])
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    treasury_account_holder = models.CharField(
        _("Kontoinhaber"), max_length=200, blank=True,
        help_text=_("Die Kasse der Gebietskörperschaft (Kreiskasse, Stadtkasse), wie die Bank das Konto führt."))
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[banking.validate_iban],
                            help_text=_("Deutsche IBAN, 22 Zeichen; Leerzeichen sind erlaubt."))
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[banking.validate_bic])
    bank_name = models.CharField(_("Kreditinstitut"), max_length=100, blank=True)
    note = models.TextField(_("Anmerkung"), blank=True)

    class Meta:
        verbose_name = _("Gebietskörperschaft")
        verbose_name_plural = _("Gebietskörperschaften")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The unambiguous name shown everywhere: "Landkreis Gießen" and "Stadt Gießen",
        "Kreis Offenbach" and "Stadt Offenbach am Main"; a district whose name says "Kreis"
        keeps it ("Werra-Meißner-Kreis"). Read from `name` and `kind` only."""
        base = self.name.removesuffix(" (Stadt)").removesuffix(" (Landkreis)")
        if self.kind != self.Kind.LANDKREIS:
            return f"Stadt {base}"
        if "kreis" in base.lower():
            return base
        return f"Kreis {base}" if base in OFFICIAL_KREIS_NAMES else f"Landkreis {base}"

    @property
    def address_lines(self) -> list[str]:
        """The lines of the recipient address as printed in a letter's address field."""
        lines = [self.recipient_body]
        if self.street:
            lines.append(self.street)
        if self.postal_code or self.city:
            lines.append(f"{self.postal_code} {self.city}".strip())
        return lines

    @property
    def address_missing(self) -> list[str]:
        return address_missing(self.street, self.postal_code, self.city)

    @property
    def payee(self) -> str:
        """The legal payee printed on payment orders: the body acting through its organ
        (Kreisausschuss / Magistrat, §§ 41 HKO, 66 HGO), i.e. the notice's recipient."""
        return self.recipient_body

    @property
    def has_test_iban(self) -> bool:
        return banking.is_test_iban(self.iban)

    @property
    def bank_details_missing(self) -> list[str]:
        """What keeps a payment to this body's treasury from being ordered; empty when the details are valid."""
        return list(_bank_details_problems(self.treasury_account_holder, self.iban, self.bic, get_language()))

    def clean(self):
        super().clean()
        self.iban = banking.compact(self.iban)
        self.bic = banking.compact(self.bic)
        errors: dict[str, list[str]] = {}
        if any((self.iban, self.bic, self.treasury_account_holder.strip())):
            for field, label in (("treasury_account_holder", gettext("Kontoinhaber")), ("iban", gettext("IBAN")),
                                 ("bic", gettext("BIC"))):
                if not getattr(self, field).strip():
                    errors.setdefault(field, []).append(
                        gettext("Bitte %(field)s angeben: eine Bankverbindung braucht Kontoinhaber, IBAN und BIC.")
                        % {"field": label})
        if self.iban and self.bic and not banking.bic_matches_iban(self.bic, self.iban):
            errors.setdefault("bic", []).append(gettext("Der BIC gehört zu einem anderen Land als die IBAN."))
        if errors:
            raise ValidationError(errors)


@lru_cache(maxsize=1024)
def _bank_details_problems(holder: str, iban: str, bic: str, language: str | None) -> tuple[str, ...]:
    """`Municipality.bank_details_missing` of these values, in `language`. A function of its
    arguments alone, so kept per process: the payment queue and panels ask for every row, and
    checking an IBAN and a BIC (schwifty) was most of their time."""
    problems = []
    for value, label, validator in ((holder, gettext("Kontoinhaber"), None),
                                    (iban, gettext("IBAN"), banking.validate_iban),
                                    (bic, gettext("BIC"), banking.validate_bic)):
        if not value.strip():
            problems.append(gettext("%(field)s fehlt") % {"field": label})
            continue
        if validator is not None:
            try:
                validator(value)
            except ValidationError as error:
                problems.extend(error.messages)
    if not problems and not banking.bic_matches_iban(bic, iban):
        problems.append(gettext("BIC und IBAN nennen verschiedene Länder"))
    return tuple(problems)


def display_name_sql(path: str = ""):
    """`Municipality.display_name` as an SQL expression over the body at `path` (e.g.
    "award__application__municipality"; empty for the Municipality itself), for lists that
    sort by the name they show."""
    prefix = f"{path}__" if path else ""
    base = Replace(Replace(F(f"{prefix}name"), Value(" (Stadt)"), Value("")), Value(" (Landkreis)"), Value(""))
    return Case(
        When(~models.Q(**{f"{prefix}kind": Municipality.Kind.LANDKREIS}), then=Concat(Value("Stadt "), base)),
        When(IContains(base, "kreis"), then=base),
        When(In(base, sorted(OFFICIAL_KREIS_NAMES)), then=Concat(Value("Kreis "), base)),
        default=Concat(Value("Landkreis "), base),
        output_field=models.CharField(),
    )
