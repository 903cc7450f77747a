from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.formats import format_date
from grants.models.awards import Award, AwardYear
from grants.models.notices import Notice
from grants.models.programmes import MONEY
from grants.models.usage_reports import UsageReport


class BaseRate(models.Model):
    """The Basiszinssatz under § 247 BGB, valid from `valid_from` until the next entry.

    It changes on 1 January and 1 July (Deutsche Bundesbank publishes it); the table is
    data kept by the programme administration. Interest on reclaims under § 49a Abs. 3
    HVwVfG is this rate plus five percentage points.
    """

    valid_from = models.DateField(_("gültig ab"), unique=True)
    rate = models.DecimalField(_("Basiszinssatz in %"), max_digits=5, decimal_places=2)
    source = models.CharField(_("Quelle"), max_length=200, blank=True,
                              help_text=_("z. B. Bekanntmachung der Deutschen Bundesbank"))
    created_at = models.DateTimeField(_("erfasst am"), default=clock.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True, verbose_name=_("erfasst von"))

    class Meta:
        verbose_name = _("Basiszinssatz")
        verbose_name_plural = _("Basiszinssätze")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(name="base_rate_plausible", condition=Q(rate__gte=-10) & Q(rate__lte=20),
                                   violation_error_message=_("Der Basiszinssatz muss zwischen -10 % und 20 % liegen.")),
        ]

    def __str__(self) -> str:
        return f"{format_date(self.valid_from)}: {self.rate} %"


class Reclaim(models.Model):
    """A Rückforderung of paid money of one budget year (unused or ineligible), with interest
    under § 49a Abs. 3 HVwVfG from `interest_from` until repayment.

    The clerk proposes it from the check of a proof of use; a second person with signing
    authority issues the Rückforderungsbescheid (four-eyes) or discards the proposal;
    repayments are booked until principal and interest are settled.
    """

    class Status(models.TextChoices):
        PROPOSED = "vorgeschlagen", pgettext_lazy("Rückforderungsstatus", "Vorgeschlagen")
        ISSUED = "festgesetzt", pgettext_lazy("Rückforderungsstatus", "Festgesetzt, offen")
        SETTLED = "erledigt", pgettext_lazy("Rückforderungsstatus", "Erledigt")
        DISCARDED = "verworfen", pgettext_lazy("Rückforderungsstatus", "Verworfen")

    class Ground(models.TextChoices):
        UNUSED = "nicht_verwendet", pgettext_lazy("Rückforderungsgrund", "Nicht verwendete Mittel")
        INELIGIBLE = "nicht_foerderfaehig", pgettext_lazy("Rückforderungsgrund", "Nicht zuwendungsfähige Ausgaben")
        # Entered by the clerk: no figure of a proof of use shows it (§ 49 Abs. 3 Satz 1 Nr. 1 HVwVfG).
        PURPOSE_MISSED = "zweck_verfehlt", pgettext_lazy("Rückforderungsgrund", "Zweck nicht oder nicht mehr erfüllt")

    # Reclaims in these states keep an award from being closed.
    OPEN_STATUSES = (Status.PROPOSED, Status.ISSUED)
    # Reclaims in these states count as reclaimed money.
    BINDING_STATUSES = (Status.ISSUED, Status.SETTLED)

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="reclaims", verbose_name=_("Zuwendung"))
    award_year = models.ForeignKey(AwardYear, on_delete=models.PROTECT, related_name="reclaims",
                                   verbose_name=_("Haushaltsjahr der Zuwendung"))
    usage_report = models.ForeignKey(UsageReport, on_delete=models.PROTECT, related_name="reclaims",
                                     null=True, blank=True, verbose_name=_("aus der Prüfung des Nachweises"))
    ground = models.CharField(_("Grund"), max_length=30, choices=Ground.choices)
    principal = models.DecimalField(_("Erstattungsbetrag"), **MONEY)
    reason = models.TextField(_("Begründung"))
    interest_from = models.DateField(_("Verzinsung ab"))
    interest_waived = models.BooleanField(
        _("Zinsen nicht geltend machen"), default=False,
        help_text=_("§ 49a Abs. 3 Satz 2 HVwVfG: etwa wenn die Umstände nicht zu vertreten sind und "
                    "fristgerecht gezahlt wird."))
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.PROPOSED,
                              db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("vorgeschlagen von"))
    proposed_at = models.DateTimeField(_("vorgeschlagen am"), default=clock.now, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True, verbose_name=_("entschieden von"))
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    discard_reason = models.TextField(_("Grund der Verwerfung"), blank=True)
    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="reclaim", null=True, blank=True,
                                  verbose_name=_("Rückforderungsbescheid"))
    due_on = models.DateField(_("zu zahlen bis"), null=True, blank=True)
    settled_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Rückforderung")
        verbose_name_plural = _("Rückforderungen")
        ordering = ["-proposed_at"]
        constraints = [
            models.CheckConstraint(name="reclaim_principal_positive", condition=Q(principal__gt=0),
                                   violation_error_message=_("Der Erstattungsbetrag muss größer als 0,00 € sein.")),
            models.CheckConstraint(
                name="reclaim_four_eyes",
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                violation_error_message=_("Vier-Augen-Prinzip: Wer die Rückforderung vorschlägt, darf sie nicht "
                                          "festsetzen."),
            ),
            models.CheckConstraint(
                name="reclaim_issued_has_notice",
                condition=~Q(status__in=["festgesetzt", "erledigt"])
                | (Q(notice__isnull=False) & Q(due_on__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"Rückforderung {self.pk} ({self.award_year})"

    def save(self, *args, **kwargs):
        # `award` repeats `award_year.award` so that lists and reports filter by award in one
        # join; it is always taken from the award year, never set on its own.
        if self.award_year_id is not None:
            self.award_id = AwardYear.objects.values_list("award_id", flat=True).get(pk=self.award_year_id)
        super().save(*args, **kwargs)

    @property
    def is_proposed(self) -> bool:
        """Proposed, waiting for the second person's decision."""
        return self.status == self.Status.PROPOSED

    @property
    def is_discarded(self) -> bool:
        return self.status == self.Status.DISCARDED


class ReclaimRepayment(models.Model):
    """Money received on a reclaim; applied first to interest, then to the principal
    (§ 367 BGB)."""

    reclaim = models.ForeignKey(Reclaim, on_delete=models.PROTECT, related_name="repayments",
                                verbose_name=_("Rückforderung"))
    received_on = models.DateField(_("eingegangen am"))
    amount = models.DecimalField(_("Betrag"), **MONEY)
    reference = models.CharField(_("Buchungszeichen"), max_length=100, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("gebucht von"))
    booked_at = models.DateTimeField(_("gebucht am"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("Rückzahlung")
        verbose_name_plural = _("Rückzahlungen")
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(name="reclaim_repayment_positive", condition=Q(amount__gt=0),
                                   violation_error_message=_("Der Betrag muss größer als 0,00 € sein.")),
        ]

    def __str__(self) -> str:
        return f"Rückzahlung {format_date(self.received_on)}: {self.amount}"
