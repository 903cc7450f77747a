import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.ordering import choice_order
from grants.models.awards import Award
from grants.models.programmes import MONEY, NON_NEGATIVE, CostCategory
from grants.plan.lines import FinancingSource

# The proofs list opens on what waits for the ministry: submitted proofs first, then those with
# open questions, then the others – by the day they came in (grants/lists/columns.py, USAGE_REPORTS).
LIST_FIRST_STATUSES = ("eingereicht", "rueckfrage")


def list_order() -> Case:
    """The position of a proof's status in the list's default order: 0 submitted, 1 questions,
    2 any other. The index `usage_report_list_idx` is built on this very expression, so the first
    page is read from the index instead of sorting every submitted proof."""
    return choice_order("status", (), first=LIST_FIRST_STATUSES)


def _narrative_path(instance, filename) -> str:
    return f"usage-reports/{instance.award_id}/{uuid.uuid4().hex}.pdf"


class UsageReport(models.Model):
    """A Verwendungsnachweis: an interim proof for one budget year or the final proof for the
    whole period – actual expenditure per cost category, financing actually received, a
    narrative report (PDF) and the recipient's declaration; checked by the ministry."""

    class Kind(models.TextChoices):
        INTERIM = "zwischennachweis", pgettext_lazy("Nachweisart", "Zwischennachweis")
        FINAL = "verwendungsnachweis", pgettext_lazy("Nachweisart", "Verwendungsnachweis")

    class Status(models.TextChoices):
        DRAFT = "entwurf", pgettext_lazy("Nachweisstatus", "Entwurf")
        SUBMITTED = "eingereicht", pgettext_lazy("Nachweisstatus", "Eingereicht")
        QUESTIONS = "rueckfrage", pgettext_lazy("Nachweisstatus", "Rückfragen")
        ACCEPTED = "angenommen", pgettext_lazy("Nachweisstatus", "Angenommen")

    # The coordinator may change the report while it is a draft or answers the ministry's questions.
    EDITABLE_STATUSES = (Status.DRAFT, Status.QUESTIONS)

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="usage_reports",
                              verbose_name=_("Zuwendung"))
    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("Haushaltsjahr"), null=True, blank=True,
                                            help_text=_("Nur beim Zwischennachweis."))
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    narrative = models.FileField(_("Sachbericht (PDF)"), upload_to=_narrative_path, blank=True)
    narrative_name = models.CharField(_("Dateiname des Sachberichts"), max_length=255, blank=True)
    narrative_sha256 = models.CharField(_("SHA-256 des Sachberichts"), max_length=64, blank=True)
    declaration = models.BooleanField(
        _("Erklärung"), default=False,
        help_text=_("Die Ausgaben waren notwendig, wirtschaftlich und sparsam; die Angaben stimmen mit den "
                    "Büchern und Belegen überein."),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=clock.now, editable=False)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     null=True, blank=True, verbose_name=_("eingereicht von"))
    checked_at = models.DateTimeField(_("geprüft am"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True, verbose_name=_("geprüft von"))
    check_note = models.TextField(_("Prüfvermerk / Rückfragen"), blank=True)

    class Meta:
        verbose_name = _("Verwendungsnachweis")
        verbose_name_plural = _("Verwendungsnachweise")
        ordering = ["award", "kind", "year"]
        constraints = [
            models.CheckConstraint(
                name="usage_report_year_matches_kind",
                condition=(Q(kind="zwischennachweis") & Q(year__isnull=False))
                | (Q(kind="verwendungsnachweis") & Q(year__isnull=True)),
                violation_error_message=_("Ein Zwischennachweis gilt einem Haushaltsjahr, der "
                                          "Verwendungsnachweis dem ganzen Zeitraum."),
            ),
            models.UniqueConstraint(fields=["award", "year"], condition=Q(kind="zwischennachweis"),
                                    name="usage_report_one_interim_per_year"),
            models.UniqueConstraint(fields=["award"], condition=Q(kind="verwendungsnachweis"),
                                    name="usage_report_one_final"),
        ]
        indexes = [
            # The proofs waiting for a check (the clerk's to-do, the list's first filter) by the day they came in.
            models.Index(fields=["status", "submitted_at", "id"], name="usage_report_queue_idx"),
            # The proofs list in its default order (the ministry sees submitted proofs only).
            models.Index(list_order(), F("submitted_at"), F("id"), name="usage_report_list_idx",
                         condition=Q(submitted_at__isnull=False)),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label} {self.year}" if self.year else str(label)

    @property
    def audit_case_id(self) -> int | None:
        """The case file (application) its audit entries belong to."""
        return self.award.application_id

    @property
    def in_review(self) -> bool:
        """Submitted, waiting for the ministry's check."""
        return self.status == self.Status.SUBMITTED

    @property
    def has_questions(self) -> bool:
        """The ministry has asked back and waits for the body's answer."""
        return self.status == self.Status.QUESTIONS

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED


class UsageReportExpenditure(models.Model):
    """Actual expenditure of one cost category in the period the report covers."""

    report = models.ForeignKey(UsageReport, on_delete=models.CASCADE, related_name="expenditures",
                               verbose_name=_("Nachweis"))
    category = models.ForeignKey(CostCategory, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("Kostenart"))
    amount = models.DecimalField(_("tatsächliche Ausgaben"), **MONEY, validators=NON_NEGATIVE)

    class Meta:
        verbose_name = _("Ausgabe im Nachweis")
        verbose_name_plural = _("Ausgaben im Nachweis")
        constraints = [
            models.UniqueConstraint(fields=["report", "category"], name="usage_expenditure_unique"),
            models.CheckConstraint(name="usage_expenditure_non_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.amount}"


class UsageReportFinancing(models.Model):
    """Financing actually received from one source in the period the report covers."""

    report = models.ForeignKey(UsageReport, on_delete=models.CASCADE, related_name="financings",
                               verbose_name=_("Nachweis"))
    source = models.CharField(_("Quelle"), max_length=20, choices=FinancingSource.choices)
    amount = models.DecimalField(_("tatsächlich erhalten"), **MONEY, validators=NON_NEGATIVE)

    class Meta:
        verbose_name = _("Finanzierung im Nachweis")
        verbose_name_plural = _("Finanzierung im Nachweis")
        constraints = [
            models.UniqueConstraint(fields=["report", "source"], name="usage_financing_unique"),
            models.CheckConstraint(name="usage_financing_non_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount}"


class ReminderSent(models.Model):
    """One reminder mail that went out; its key makes `send_reminders` safe to run daily."""

    key = models.CharField(_("Schlüssel"), max_length=200, unique=True,
                           help_text=_("Frist, Stufe und Empfänger, z. B. 12:verwendungsnachweis:-:ueberfaellig:3"))
    sent_at = models.DateTimeField(_("gesendet am"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("versandte Erinnerung")
        verbose_name_plural = _("versandte Erinnerungen")

    def __str__(self) -> str:
        return self.key
