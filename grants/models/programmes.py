from decimal import Decimal
from typing import Final, TypedDict

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class _MoneyColumn(TypedDict):
    max_digits: int
    decimal_places: int


# Every amount: DecimalField(**MONEY), up to 999.999.999.999,99 € with cents.
MONEY: Final[_MoneyColumn] = {"max_digits": 14, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0.00"))]


class IssuingAuthority(models.Model):
    """The authority whose letterhead, address and contact a notice carries."""

    name = models.CharField(_("Name"), max_length=200)
    unit = models.CharField(_("Organisationseinheit"), max_length=200, blank=True,
                            help_text=_("z. B. Referat oder Dezernat"))
    acting_for = models.CharField(_("handelnd für"), max_length=200, blank=True,
                                  help_text=_("Wenn die Behörde im Auftrag einer anderen handelt."))
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("PLZ"), max_length=5)
    city = models.CharField(_("Ort"), max_length=100)
    contact_name = models.CharField(_("Ansprechperson"), max_length=200)
    contact_phone = models.CharField(_("Telefon"), max_length=40)
    contact_email = models.EmailField(_("E-Mail"))
    website = models.CharField(_("Internetadresse"), max_length=200, blank=True)
    # The account that receives repayments of reclaims (printed on the Rückforderungsbescheid).
    payee = models.CharField(_("Zahlungsempfänger für Rückzahlungen"), max_length=200, blank=True,
                             help_text=_("z. B. Hessische Landeshauptkasse"))
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("Kreditinstitut"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Bewilligungsbehörde")
        verbose_name_plural = _("Bewilligungsbehörden")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.unit}" if self.unit else self.name


class FinancingType(models.TextChoices):
    """The Finanzierungsart (VV Nr. 2 zu § 44 LHO): how the grant relates to the expenditure,
    and so how it falls when the expenditure falls or other money comes in (Nr. 2 ANBest-GK)."""

    FESTBETRAG = "festbetrag", pgettext_lazy("Finanzierungsart", "Festbetragsfinanzierung")
    ANTEIL = "anteil", pgettext_lazy("Finanzierungsart", "Anteilfinanzierung")
    FEHLBEDARF = "fehlbedarf", pgettext_lazy("Finanzierungsart", "Fehlbedarfsfinanzierung")
    VOLL = "voll", pgettext_lazy("Finanzierungsart", "Vollfinanzierung")


# Anteilfinanzierung needs its share (0 < p ≤ 100); the other types carry none.
FINANCING_SHARE_FITS_TYPE = (
    # isnull=False spelled out: a CHECK whose result is NULL passes.
    (Q(financing_type="anteil") & Q(financing_share__isnull=False) & Q(financing_share__gt=0)
     & Q(financing_share__lte=100))
    | (~Q(financing_type="anteil") & Q(financing_share__isnull=True))
)
FINANCING_SHARE_MESSAGE = _("Bei Anteilfinanzierung ist ein Anteil über 0 bis 100 % anzugeben, sonst keiner.")


def financing_share_errors(financing_type: str, share: Decimal | None) -> dict[str, str]:
    """The German message for a share that does not fit the financing type, keyed by field."""
    if financing_type == FinancingType.ANTEIL:
        if share is None:
            return {"financing_share": str(_("Bei Anteilfinanzierung ist der Anteil in Prozent anzugeben."))}
        if not Decimal("0") < share <= Decimal("100"):
            return {"financing_share": str(_("Der Anteil muss über 0 und höchstens 100 % betragen."))}
    elif share is not None:
        return {"financing_share": str(_("Ein Anteil wird nur bei Anteilfinanzierung angegeben."))}
    return {}


class FundingProgramme(models.Model):
    """A funding period of the programme, e.g. "WIR – Vielfalt und Teilhabe 2021–2025"."""

    FinancingType = FinancingType

    code = models.SlugField(_("Kürzel"), max_length=40, unique=True,
                            help_text=_("Eindeutiges Kürzel, z. B. wir-2021"))
    name = models.CharField(_("Bezeichnung"), max_length=200)
    file_reference_prefix = models.CharField(
        _("Aktenzeichen-Präfix"), max_length=40,
        help_text=_("Anträge erhalten bei Eingang das Aktenzeichen <Präfix>-<laufende Nummer>."),
    )
    period_start = models.DateField(_("Beginn der Förderperiode"))
    period_end = models.DateField(_("Ende der Förderperiode"))
    application_deadline = models.DateField(
        _("Antragsfrist"), null=True, blank=True,
        help_text=_("Letzter Tag für die erste Einreichung; leer: keine Frist."),
    )
    accepts_applications = models.BooleanField(_("nimmt Anträge an"), default=False)
    legal_basis = models.TextField(
        _("Rechtsgrundlage"), blank=True,
        help_text=_("z. B. Förderrichtlinie vom 11. Dezember 2020, §§ 23, 44 LHO"),
    )
    # The parts of a complete Zuwendungsbescheid that are programme data (issue 10, item 5).
    guideline_title = models.CharField(
        _("Förderrichtlinie (Titel)"), max_length=300, blank=True,
        help_text=_("z. B. Richtlinie des Landes Hessen zur Förderung der Vielfalt und Teilhabe (WIR)"))
    guideline_date = models.DateField(_("Förderrichtlinie vom"), null=True, blank=True)
    guideline_publication = models.CharField(_("Fundstelle der Förderrichtlinie"), max_length=200, blank=True,
                                             help_text=_("z. B. StAnz. 2021 S. 38"))
    no_legal_claim = models.TextField(
        _("Hinweis: kein Rechtsanspruch"),
        default="Ein Rechtsanspruch auf die Zuwendung besteht nicht; die Bewilligungsbehörde entscheidet nach "
                "pflichtgemäßem Ermessen im Rahmen der verfügbaren Haushaltsmittel.")
    commitment_note = models.TextField(
        _("Verpflichtungsermächtigung"), blank=True,
        help_text=_("Gedruckt bei Bewilligungen über mehrere Haushaltsjahre, z. B. „Die Bewilligung für die "
                    "Haushaltsjahre 2022 bis 2025 erfolgt zulasten der im Haushaltsplan 2021 ausgebrachten "
                    "Verpflichtungsermächtigung …“"))
    unspent_funds_note = models.TextField(
        _("Nicht abgerufene Jahresbeträge"),
        default="Bis zum Ende eines Haushaltsjahres nicht abgerufene Beträge verfallen; sie können nicht in "
                "spätere Haushaltsjahre übertragen werden.",
        help_text=_("Was mit Beträgen eines Haushaltsjahres geschieht, die bis zu seinem Ende nicht abgerufen "
                    "sind."))
    plan_deviation_percent = models.DecimalField(
        _("zulässige Überschreitung der Einzelansätze (%)"), max_digits=5, decimal_places=2,
        default=Decimal("20.00"), validators=NON_NEGATIVE,
        help_text=_("ANBest-GK: Einzelansätze des Finanzierungsplans dürfen um bis zu diesen Prozentsatz "
                    "überschritten werden, soweit die Überschreitung durch Einsparungen bei anderen "
                    "Einzelansätzen ausgeglichen wird."))
    exclusions = models.TextField(
        _("Nicht zuwendungsfähige Ausgaben"), blank=True,
        help_text=_("Ein Absatz je Zeile; ergänzt die nicht zuwendungsfähigen Kostenarten."))
    third_party_conditions = models.TextField(
        _("Nebenbestimmungen zur Weiterleitung an Dritte"), blank=True,
        help_text=_("Ein Absatz je Zeile: Bedingungen für die Weitergabe von Mitteln an Dritte (Mikroprojekte, "
                    "VV Nr. 12 zu § 44 LHO)."))
    general_conditions_version = models.ForeignKey(
        "grants.GeneralConditionsVersion", verbose_name=_("Fassung der ANBest-GK (Anlage)"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="programmes",
        help_text=_("Diese Fassung wird jedem Zuwendungsbescheid als Anlage beigefügt."))
    issuing_authority = models.ForeignKey(
        IssuingAuthority, verbose_name=_("Bewilligungsbehörde"), on_delete=models.PROTECT,
        related_name="programmes",
    )
    financing_type = models.CharField(
        _("Finanzierungsart"), max_length=20, choices=FinancingType.choices,
        default=FinancingType.FESTBETRAG,
        help_text=_("Gilt für jede Zuwendung der Periode; bis zum Zuwendungsbescheid je Zuwendung änderbar."),
    )
    financing_share = models.DecimalField(
        _("Anteil an den zuwendungsfähigen Ausgaben (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        help_text=_("Nur bei Anteilfinanzierung: der Prozentsatz der zuwendungsfähigen Ausgaben (über 0 bis 100)."),
    )
    # Haushaltsstelle: printed on the notices and carried by the payment orders.
    budget_chapter = models.CharField(_("Kapitel"), max_length=20, blank=True,
                                      help_text=_("Kapitel des Landeshaushalts, z. B. 08 02"))
    budget_title = models.CharField(_("Titel"), max_length=20, blank=True,
                                    help_text=_("Haushaltstitel, z. B. 633 51"))
    max_grant_per_applicant = models.DecimalField(
        _("Höchstbetrag je Gebietskörperschaft"), **MONEY, null=True, blank=True,
        validators=NON_NEGATIVE,
        help_text=_("Obergrenze der Zuwendung über die ganze Periode; leer: keine."),
    )
    # Texts and periods printed on the notices: data of the programme, not template literals.
    grant_type = models.CharField(_("Zuwendungsart"), max_length=100, default="Projektförderung")
    grant_form = models.CharField(_("Form der Zuwendung"), max_length=200,
                                  default="nicht rückzahlbarer Zuschuss (Zuweisung)")
    general_conditions = models.TextField(
        _("Allgemeine Nebenbestimmungen"),
        default="Die Allgemeinen Nebenbestimmungen für Zuwendungen zur Projektförderung an Gemeinden und "
                "Gemeindeverbände (ANBest-GK) in der jeweils geltenden Fassung sind Bestandteil dieses Bescheids.",
    )
    special_conditions = models.TextField(
        _("Programmspezifische Nebenbestimmungen"), blank=True,
        help_text=_("Ein Absatz je Zeile; erscheint nummeriert im Bescheid."),
    )
    funds_use_months = models.PositiveSmallIntegerField(
        _("Verwendung innerhalb von … Monaten nach Auszahlung"), default=2,
        help_text=_("Mittel dürfen nur angefordert werden, soweit sie innerhalb dieser Frist benötigt werden."),
    )
    first_payment_awaits_finality = models.BooleanField(
        _("Erste Auszahlung erst nach Bestandskraft"), default=False,
        help_text=_("Der erste Mittelabruf ist erst möglich, wenn der Zuwendungsbescheid bestandskräftig ist "
                    "(ein Monat nach Bekanntgabe oder früher bei Rechtsbehelfsverzicht)."),
    )
    interim_report_month = models.PositiveSmallIntegerField(_("Zwischennachweis fällig im Monat"), default=3)
    interim_report_day = models.PositiveSmallIntegerField(_("Zwischennachweis fällig am Tag"), default=31)
    final_report_months = models.PositiveSmallIntegerField(
        _("Verwendungsnachweis … Monate nach Ende des Bewilligungszeitraums"), default=6)
    reclaim_payment_days = models.PositiveSmallIntegerField(
        _("Zahlungsfrist für Rückforderungen in Tagen"), default=30,
        help_text=_("Frist ab dem Datum des Rückforderungsbescheids."))
    hearing_reply_days = models.PositiveSmallIntegerField(
        _("Äußerungsfrist der Anhörung in Tagen"), default=28,
        validators=[MinValueValidator(14), MaxValueValidator(90)],
        help_text=_("Frist zur Stellungnahme nach § 28 HVwVfG ab dem Datum des Anhörungsschreibens "
                    "(Standard: vier Wochen)."))

    class Meta:
        verbose_name = _("Förderprogramm / Förderperiode")
        verbose_name_plural = _("Förderprogramme / Förderperioden")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                name="programme_period_start_before_end",
                condition=Q(period_start__lte=F("period_end")),
                violation_error_message=_("Der Beginn der Förderperiode muss vor ihrem Ende liegen."),
            ),
            models.CheckConstraint(
                name="programme_report_due_date_valid",
                condition=Q(interim_report_month__gte=1, interim_report_month__lte=12,
                            interim_report_day__gte=1, interim_report_day__lte=31),
                violation_error_message=_("Monat und Tag des Zwischennachweises sind kein gültiges Datum."),
            ),
            models.CheckConstraint(
                name="programme_max_grant_non_negative",
                condition=Q(max_grant_per_applicant__isnull=True) | Q(max_grant_per_applicant__gte=0),
                violation_error_message=_("Der Höchstbetrag darf nicht negativ sein."),
            ),
            models.CheckConstraint(
                name="programme_financing_share_fits_type",
                condition=FINANCING_SHARE_FITS_TYPE,
                violation_error_message=FINANCING_SHARE_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period_label}"

    @property
    def period_label(self) -> str:
        """The period in years, e.g. "2021–2025"."""
        return f"{self.period_start.year}–{self.period_end.year}"

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start.year, self.period_end.year + 1))

    @property
    def budget_line(self) -> str:
        """The Haushaltsstelle as printed, e.g. "Kapitel 08 02, Titel 633 51"; empty when not kept."""
        parts = [f"{label} {value}" for label, value in ((_("Kapitel"), self.budget_chapter),
                                                         (_("Titel"), self.budget_title)) if value]
        return ", ".join(parts)

    def clean(self):
        import calendar
        month, day = self.interim_report_month, self.interim_report_day
        if month and day and (not 1 <= month <= 12 or day > calendar.monthrange(2001, month)[1]):
            raise ValidationError({"interim_report_day": _("Monat und Tag ergeben kein gültiges Datum.")})
        errors = financing_share_errors(self.financing_type, self.financing_share)
        if errors:
            raise ValidationError(errors)


class CostCategory(models.Model):
    """An expenditure category of a programme's financing plan, with its caps.

    The caps limit what is *fundable* (zuwendungsfähig); spending above them is allowed
    but must be financed from own or third-party funds.
    """

    programme = models.ForeignKey(FundingProgramme, on_delete=models.CASCADE,
                                  related_name="cost_categories", verbose_name=_("Förderprogramm"))
    code = models.SlugField(_("Kürzel"), max_length=40)
    name = models.CharField(_("Bezeichnung"), max_length=200)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_fundable = models.BooleanField(
        _("zuwendungsfähig"), default=True,
        help_text=_("Nicht zuwendungsfähige Ausgaben sind mit Eigen- oder Drittmitteln zu finanzieren."),
    )
    counts_positions = models.BooleanField(
        _("Stellenbezogen"), default=False,
        help_text=_("Personalausgaben: je Jahr sind die Stellenanteile (Vollzeitäquivalente) anzugeben."),
    )
    max_positions = models.DecimalField(_("höchstens Stellen (VZÄ)"), max_digits=5, decimal_places=2,
                                        null=True, blank=True, validators=NON_NEGATIVE)
    cap_per_position = models.DecimalField(_("Obergrenze je Vollzeitstelle und Jahr"), **MONEY,
                                           null=True, blank=True, validators=NON_NEGATIVE)
    cap_per_year = models.DecimalField(_("Obergrenze je Jahr"), **MONEY, null=True, blank=True,
                                       validators=NON_NEGATIVE)
    first_year = models.PositiveSmallIntegerField(
        _("förderfähig ab Jahr"), null=True, blank=True,
        help_text=_("z. B. 2022 für die weitere Stelle; leer: ab Beginn der Periode."),
    )

    class Meta:
        verbose_name = _("Kostenart")
        verbose_name_plural = _("Kostenarten")
        ordering = ["programme", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="cost_category_code_unique",
                                    violation_error_message=_("Dieses Kürzel gibt es im Programm schon.")),
            models.CheckConstraint(
                name="cost_category_caps_non_negative",
                condition=(Q(max_positions__isnull=True) | Q(max_positions__gte=0))
                & (Q(cap_per_position__isnull=True) | Q(cap_per_position__gte=0))
                & (Q(cap_per_year__isnull=True) | Q(cap_per_year__gte=0)),
                violation_error_message=_("Obergrenzen dürfen nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.cap_per_position is not None and not self.counts_positions:
            raise ValidationError({"cap_per_position": _(
                "Eine Obergrenze je Stelle setzt eine stellenbezogene Kostenart voraus.")})


class Budget(models.Model):
    """The programme's Haushaltsansatz for one budget year: awards commit it, payments draw it."""

    programme = models.ForeignKey(FundingProgramme, on_delete=models.PROTECT, related_name="budgets",
                                  verbose_name=_("Förderprogramm"))
    year = models.PositiveSmallIntegerField(_("Haushaltsjahr"))
    amount = models.DecimalField(_("Haushaltsansatz"), **MONEY, validators=NON_NEGATIVE)
    note = models.CharField(_("Anmerkung"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Haushaltsansatz")
        verbose_name_plural = _("Haushaltsansätze")
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="budget_one_per_programme_year",
                                    violation_error_message=_("Für dieses Jahr gibt es schon einen Haushaltsansatz.")),
            models.CheckConstraint(name="budget_amount_non_negative", condition=Q(amount__gte=0),
                                   violation_error_message=_("Der Haushaltsansatz darf nicht negativ sein.")),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.year}"

    def clean(self):
        if self.programme_id and self.year and self.year not in self.programme.years:
            raise ValidationError({"year": _("Das Haushaltsjahr liegt außerhalb der Förderperiode.")})
