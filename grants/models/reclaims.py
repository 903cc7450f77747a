import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

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
    facts_known_on = models.DateField(
        _("Tatsachen bekannt seit"), null=True, blank=True,
        help_text=_("Tag, an dem die Behörde die Tatsachen kannte, die den Widerruf rechtfertigen; ab ihm läuft "
                    "die Jahresfrist (§ 49 Abs. 3 Satz 2 i. V. m. § 48 Abs. 4 HVwVfG)."))
    weighing = models.TextField(
        _("Abwägung"), blank=True,
        help_text=_("Würdigung der Anhörung und Ermessenserwägungen der entscheidenden Person; steht in der "
                    "Begründung des Bescheids."))
    interest_waiver_reason = models.TextField(_("Begründung zum Zinsverzicht"), blank=True)
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
    def audit_case_id(self) -> int | None:
        """The case file (application) its audit entries belong to."""
        return self.award.application_id

    @property
    def is_proposed(self) -> bool:
        """Proposed, waiting for the second person's decision."""
        return self.status == self.Status.PROPOSED

    @property
    def is_discarded(self) -> bool:
        return self.status == self.Status.DISCARDED

    @property
    def revocation_deadline(self):
        """Last day on which the partial revocation may be issued: one year after the authority
        learnt the facts (§ 48 Abs. 4 HVwVfG; §§ 187 Abs. 1, 188 Abs. 2 BGB via § 31 HVwVfG)."""
        return one_year_after(self.facts_known_on) if self.facts_known_on else None


def one_year_after(day):
    """The same calendar day a year later; 29 February becomes 28 February (§ 188 Abs. 3 BGB)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class HearingRecordError(Exception):
    pass


def _hearing_answer_path(instance, filename) -> str:
    # Never the sender's file name in storage: it may carry path tricks or personal data.
    return f"hearings/{instance.reclaim_id}/{uuid.uuid4().hex}.pdf"


class ReclaimHearing(models.Model):
    """The Anhörung nach § 28 HVwVfG before a Rückforderungsbescheid: the letter (not a
    Verwaltungsakt) stored immutably like a notice – bytes, SHA-256, snapshot – and the body's
    one answer (text, optionally a PDF), marked late when it came after the reply deadline.

    Not a Notice kind: it has no notice number and does not count in the notice numbering."""

    reclaim = models.OneToOneField(Reclaim, on_delete=models.PROTECT, related_name="hearing",
                                   verbose_name=_("Rückforderung"))
    letter_date = models.DateField(_("Datum des Anhörungsschreibens"))
    reply_due = models.DateField(_("Frist zur Äußerung"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("versandt von"))
    sent_at = models.DateTimeField(_("versandt am"), default=clock.now, editable=False)
    pdf = models.BinaryField(_("PDF"), editable=False, default=bytes)
    sha256 = models.CharField(_("SHA-256 des PDF"), max_length=64, editable=False, default="")
    snapshot = models.JSONField(_("gedruckte Angaben"), editable=False, default=dict)
    answer_text = models.TextField(_("Stellungnahme"), blank=True)
    answer_pdf = models.FileField(_("Stellungnahme (PDF)"), upload_to=_hearing_answer_path, blank=True, editable=False)
    answer_pdf_name = models.CharField(_("Dateiname der Stellungnahme"), max_length=255, blank=True)
    answer_pdf_sha256 = models.CharField(_("SHA-256 der Stellungnahme"), max_length=64, blank=True)
    answered_at = models.DateTimeField(_("Stellungnahme eingegangen am"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("Stellungnahme von"))
    answer_late = models.BooleanField(_("nach Fristablauf eingegangen"), default=False)

    # What was printed never changes; the answer is written once (see reclaim_hearing_answer).
    PRINTED_FIELDS = ("reclaim_id", "letter_date", "reply_due", "sent_by_id", "sent_at", "pdf", "sha256", "snapshot")

    class Meta:
        verbose_name = _("Anhörung vor der Rückforderung")
        verbose_name_plural = _("Anhörungen vor der Rückforderung")
        ordering = ["-letter_date", "-pk"]
        constraints = [
            models.CheckConstraint(name="hearing_reply_after_letter", condition=Q(reply_due__gt=F("letter_date")),
                                   violation_error_message=_("Die Frist muss nach dem Datum des Schreibens enden.")),
        ]

    def __str__(self) -> str:
        return f"Anhörung vom {format_date(self.letter_date)} ({self.reclaim})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values(*self.PRINTED_FIELDS).first()
            if stored is not None and any(bytes(stored[f]) != bytes(getattr(self, f)) if f == "pdf"
                                          else stored[f] != getattr(self, f) for f in self.PRINTED_FIELDS):
                raise HearingRecordError(gettext("Ein versandtes Anhörungsschreiben kann nicht geändert werden."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HearingRecordError(gettext("Ein versandtes Anhörungsschreiben kann nicht gelöscht werden."))

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


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
            # One receipt is booked once: the same amount received on the same day under the same
            # Buchungszeichen is the same money (instalments differ by their day).
            models.UniqueConstraint(fields=["reclaim", "received_on", "amount", "reference"],
                                    name="reclaim_repayment_once",
                                    violation_error_message=_("Diese Rückzahlung ist bereits gebucht.")),
        ]

    def __str__(self) -> str:
        return f"Rückzahlung {format_date(self.received_on)}: {self.amount}"
