from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.formats import format_decimal
from grants.models.applications import Application, Decision
from grants.models.programmes import (
    FINANCING_SHARE_FITS_TYPE,
    FINANCING_SHARE_MESSAGE,
    MONEY,
    NON_NEGATIVE,
    Budget,
    FinancingType,
)


class Award(models.Model):
    """A Zuwendung: the binding result of an approved application.

    The per-year maximum amounts are `AwardYear` rows, each committing the budget of its
    year. `plan_snapshot` is the binding financing plan as approved, kept as data so later
    changes to the application never rewrite what was awarded.
    """

    class Status(models.TextChoices):
        RUNNING = "laufend", pgettext_lazy("Zuwendungsstatus", "Laufend")
        CLOSED = "abgeschlossen", pgettext_lazy("Zuwendungsstatus", "Abgeschlossen")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award",
                                       verbose_name=_("Antrag"))
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="award",
                                    verbose_name=_("Entscheidung"))
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    period_start = models.DateField(_("Bewilligungszeitraum von"))
    period_end = models.DateField(_("Bewilligungszeitraum bis"))
    # The Finanzierungsart of this grant: copied from the programme period at approval, changeable
    # until the Zuwendungsbescheid is issued (award_financing_set); the notice prints it and the
    # refund suggestion follows it.
    financing_type = models.CharField(_("Finanzierungsart"), max_length=20, choices=FinancingType.choices,
                                      default=FinancingType.FESTBETRAG)
    financing_share = models.DecimalField(_("Anteil an den zuwendungsfähigen Ausgaben (%)"), max_digits=5,
                                          decimal_places=2, null=True, blank=True)
    plan_snapshot = models.JSONField(_("verbindlicher Finanzierungsplan"), encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("bewilligt am"), default=clock.now, editable=False)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                  blank=True,
                                  verbose_name=_("abgeschlossen von"))

    class Meta:
        verbose_name = _("Zuwendung")
        verbose_name_plural = _("Zuwendungen")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="award_period_start_before_end",
                                   condition=Q(period_start__lte=F("period_end"))),
            models.CheckConstraint(name="award_closed_has_date",
                                   condition=~Q(status="abgeschlossen") | Q(closed_at__isnull=False)),
            models.CheckConstraint(name="award_financing_share_fits_type", condition=FINANCING_SHARE_FITS_TYPE,
                                   violation_error_message=FINANCING_SHARE_MESSAGE),
        ]
        indexes = [
            # "the running awards" (deadlines, reclaims, payments) from the index alone: a row
            # carries its plan snapshot, so reading the table to find them read 22 MB at 7,900 awards.
            models.Index(fields=["status", "id"], name="award_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Zuwendung {self.application.file_reference} – {self.application.municipality}"

    @property
    def audit_case_id(self) -> int | None:
        """The case file (application) its audit entries belong to."""
        return self.application_id

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def financing_label(self) -> str:
        """E.g. "Anteilfinanzierung (62,5 % der zuwendungsfähigen Ausgaben)"."""
        label = str(self.get_financing_type_display())
        if self.financing_share is None:
            return label
        return _("%(type)s (%(share)s %% der zuwendungsfähigen Ausgaben)") % {
            "type": label, "share": format_decimal(self.financing_share)}


class AwardYear(models.Model):
    """The maximum amount awarded for one budget year; commits that year's budget."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="years", verbose_name=_("Zuwendung"))
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="award_years",
                               verbose_name=_("Haushaltsansatz"))
    amount = models.DecimalField(_("bewilligter Betrag"), **MONEY, validators=NON_NEGATIVE)

    class Meta:
        verbose_name = _("bewilligter Jahresbetrag")
        verbose_name_plural = _("bewilligte Jahresbeträge")
        ordering = ["budget__year"]
        constraints = [
            models.UniqueConstraint(fields=["award", "budget"], name="award_year_unique"),
            models.CheckConstraint(name="award_year_non_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.award} {self.budget.year}"

    @property
    def year(self) -> int:
        return self.budget.year
