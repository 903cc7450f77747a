from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from grants.models.awards import AwardYear
from grants.models.programmes import MONEY


class Disbursement(models.Model):
    """A Mittelabruf and its payment: requested → prepared → released → paid.

    A request reserves its amount against the award year at once, so that requests
    together never exceed what was awarded; rejecting or cancelling frees it again.
    """

    class Status(models.TextChoices):
        REQUESTED = "angefordert", pgettext_lazy("Auszahlungsstatus", "Angefordert")
        PREPARED = "vorbereitet", pgettext_lazy("Auszahlungsstatus", "Vorbereitet")
        RELEASED = "freigegeben", pgettext_lazy("Auszahlungsstatus", "Freigegeben")
        PAID = "ausgezahlt", pgettext_lazy("Auszahlungsstatus", "Ausgezahlt")
        REJECTED = "abgelehnt", pgettext_lazy("Auszahlungsstatus", "Abgelehnt")
        CANCELLED = "zurueckgezogen", pgettext_lazy("Auszahlungsstatus", "Zurückgezogen")

    # Requests in these states hold their amount against the award year.
    ACTIVE_STATUSES = (Status.REQUESTED, Status.PREPARED, Status.RELEASED, Status.PAID)

    award_year = models.ForeignKey(AwardYear, on_delete=models.PROTECT, related_name="disbursements",
                                   verbose_name=_("bewilligter Jahresbetrag"))
    amount = models.DecimalField(_("Betrag"), **MONEY)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.REQUESTED,
                              db_index=True)
    stated_need = models.TextField(_("Begründung des Bedarfs"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("abgerufen von"))
    requested_at = models.DateTimeField(_("abgerufen am"), default=clock.now, editable=False)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("vorbereitet von"))
    prepared_at = models.DateTimeField(_("vorbereitet am"), null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("freigegeben von"))
    released_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    paid_on = models.DateField(_("ausgezahlt am"), null=True, blank=True)
    payment_reference = models.CharField(_("Buchungszeichen"), max_length=100, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  null=True, blank=True, verbose_name=_("gebucht von"))
    rejection_reason = models.TextField(_("Ablehnungsgrund"), blank=True)
    # Set once by `payment_orders_export` when the released payment goes to the treasury.
    export = models.ForeignKey("grants.PaymentOrderExport", on_delete=models.PROTECT, related_name="disbursements",
                               null=True, blank=True, editable=False,
                               verbose_name=_("Export der Zahlungsanordnungen"))

    class Meta:
        verbose_name = _("Mittelabruf / Auszahlung")
        verbose_name_plural = _("Mittelabrufe / Auszahlungen")
        ordering = ["-requested_at"]
        # The payment queue: one status tab, in the order of the requests.
        indexes = [models.Index(fields=["status", "requested_at", "id"], name="disbursement_queue_idx")]
        constraints = [
            models.CheckConstraint(name="disbursement_amount_positive", condition=Q(amount__gt=0),
                                   violation_error_message=_("Der Betrag muss größer als 0,00 € sein.")),
            models.CheckConstraint(
                name="disbursement_four_eyes",
                condition=Q(prepared_by__isnull=True) | Q(released_by__isnull=True)
                | ~Q(prepared_by=F("released_by")),
                violation_error_message=_("Vier-Augen-Prinzip: Wer vorbereitet, darf nicht freigeben."),
            ),
            models.CheckConstraint(
                name="disbursement_released_was_prepared",
                condition=~Q(status__in=["freigegeben", "ausgezahlt"])
                | (Q(prepared_by__isnull=False) & Q(released_by__isnull=False)),
            ),
            models.CheckConstraint(
                name="disbursement_paid_is_booked",
                condition=~Q(status="ausgezahlt") | Q(paid_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Mittelabruf {self.pk} ({self.award_year})"

    @property
    def audit_case_id(self) -> int | None:
        """The case file (application) its audit entries belong to."""
        return self.award_year.award.application_id
