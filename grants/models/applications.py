import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.formats import format_date
from core.money import format_eur
from grants.models.programmes import MONEY, NON_NEGATIVE, CostCategory, FundingProgramme
from grants.plan.lines import FinancingSource


class ApplicationStatus(models.TextChoices):
    DRAFT = "entwurf", pgettext_lazy("Antragsstatus", "Entwurf")
    SUBMITTED = "eingereicht", pgettext_lazy("Antragsstatus", "Eingereicht")
    IN_REVIEW = "in_pruefung", pgettext_lazy("Antragsstatus", "In Prüfung")
    CHANGES_REQUESTED = "nachforderung", pgettext_lazy("Antragsstatus", "Nachforderung")
    RECOMMENDED = "empfohlen", pgettext_lazy("Antragsstatus", "Zur Bewilligung empfohlen")
    APPROVED = "bewilligt", pgettext_lazy("Antragsstatus", "Bewilligt")
    REJECTED = "abgelehnt", pgettext_lazy("Antragsstatus", "Abgelehnt")
    WITHDRAWN = "zurueckgezogen", pgettext_lazy("Antragsstatus", "Zurückgezogen")


# States in which an application still counts as the body's one live application.
CLOSED_STATUSES = (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)
# States in which the coordinator may edit the application and its plan.
EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED)
# States from which the applicant may withdraw: everything before a decision.
WITHDRAWABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW,
                         ApplicationStatus.CHANGES_REQUESTED, ApplicationStatus.RECOMMENDED)


class Application(models.Model):
    """A body's application for funding in one programme period, with its financing plan."""

    programme = models.ForeignKey(FundingProgramme, on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("Förderprogramm"))
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT,
                                     related_name="applications", verbose_name=_("Gebietskörperschaft"))
    file_reference = models.CharField(_("Aktenzeichen"), max_length=60, unique=True, null=True, blank=True,
                                      help_text=_("Wird bei der ersten Einreichung vergeben."))
    status = models.CharField(_("Status"), max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT, db_index=True)
    title = models.CharField(_("Vorhaben"), max_length=200)
    purpose = models.TextField(_("Zweck der Zuwendung"))
    period_start = models.DateField(_("Beginn des Vorhabens"))
    period_end = models.DateField(_("Ende des Vorhabens"))
    contact_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    contact_email = models.EmailField(_("E-Mail"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("angelegt von"))
    created_at = models.DateTimeField(_("angelegt am"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    submitted_at = models.DateTimeField(_("Antrag vom"), null=True, blank=True,
                                        help_text=_("Zeitpunkt der ersten Einreichung."))
    # Who in the ministry handles the case ("zuständig"); set only by grants/services/assignments.py.
    # Stays with the file after a decision or the closing: the person remains the contact for it.
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="assigned_applications", null=True, blank=True, editable=False,
                                 verbose_name=_("zuständig"))
    assigned_at = models.DateTimeField(_("zuständig seit"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Antrag")
        verbose_name_plural = _("Anträge")
        ordering = ["-created_at"]
        # The ministry's lists sort by the day of submission (work queue, oldest first); the work
        # queue and the to-do read one or two states of 10,000 applications.
        indexes = [models.Index(fields=["submitted_at", "id"], name="application_submitted_idx"),
                   models.Index(fields=["status", "submitted_at", "id"], name="application_queue_idx")]
        constraints = [
            models.CheckConstraint(
                name="application_period_start_before_end",
                condition=Q(period_start__lte=F("period_end")),
                violation_error_message=_("Der Beginn des Vorhabens muss vor seinem Ende liegen."),
            ),
            models.UniqueConstraint(
                fields=["programme", "municipality"],
                condition=~Q(status__in=CLOSED_STATUSES),
                name="application_one_live_per_body_and_programme",
                violation_error_message=_(
                    "Für diese Gebietskörperschaft gibt es in dieser Förderperiode bereits einen laufenden Antrag."
                ),
            ),
            models.CheckConstraint(
                name="application_submitted_has_file_reference",
                condition=Q(status=ApplicationStatus.DRAFT) | Q(status=ApplicationStatus.WITHDRAWN)
                | Q(file_reference__isnull=False),
                violation_error_message=_("Ein eingereichter Antrag braucht ein Aktenzeichen."),
            ),
        ]

    def __str__(self) -> str:
        ref = self.file_reference or _("Entwurf")
        return f"{ref} – {self.municipality}"

    @property
    def audit_case_id(self) -> int | None:
        """The case file (application) its audit entries belong to."""
        return self.pk

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start.year, self.period_end.year + 1))

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def changes_requested(self) -> bool:
        """The ministry waits for the body's answer to a request for changes."""
        return self.status == ApplicationStatus.CHANGES_REQUESTED


class PlanExpenditure(models.Model):
    """Planned expenditure of one budget year in one cost category."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="expenditures",
                                    verbose_name=_("Antrag"))
    year = models.PositiveSmallIntegerField(_("Haushaltsjahr"))
    category = models.ForeignKey(CostCategory, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("Kostenart"))
    amount = models.DecimalField(_("Betrag"), **MONEY, validators=NON_NEGATIVE)
    positions = models.DecimalField(_("Stellen (VZÄ)"), max_digits=5, decimal_places=2, null=True, blank=True,
                                    validators=NON_NEGATIVE)

    class Meta:
        verbose_name = _("Ausgabe im Finanzierungsplan")
        verbose_name_plural = _("Ausgaben im Finanzierungsplan")
        ordering = ["year", "category__position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "year", "category"], name="plan_expenditure_unique"),
            models.CheckConstraint(name="plan_expenditure_non_negative",
                                   condition=Q(amount__gte=0) & (Q(positions__isnull=True) | Q(positions__gte=0))),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.category}: {format_eur(self.amount)}"


class PlanFinancing(models.Model):
    """Planned financing of one budget year from one source."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="financings",
                                    verbose_name=_("Antrag"))
    year = models.PositiveSmallIntegerField(_("Haushaltsjahr"))
    source = models.CharField(_("Quelle"), max_length=20, choices=FinancingSource.choices)
    amount = models.DecimalField(_("Betrag"), **MONEY, validators=NON_NEGATIVE)

    class Meta:
        verbose_name = _("Finanzierung im Finanzierungsplan")
        verbose_name_plural = _("Finanzierung im Finanzierungsplan")
        ordering = ["year", "source"]
        constraints = [
            models.UniqueConstraint(fields=["application", "year", "source"], name="plan_financing_unique"),
            models.CheckConstraint(name="plan_financing_non_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_source_display()}: {format_eur(self.amount)}"


def _attachment_path(instance, filename) -> str:
    # Never the user's file name on disk: it may carry path tricks or personal data.
    return f"attachments/{instance.application_id}/{uuid.uuid4().hex}.pdf"


class ApplicationAttachment(models.Model):
    """A PDF belonging to an application; stored privately, served only through checked views."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments",
                                    verbose_name=_("Antrag"))
    file = models.FileField(_("Datei"), upload_to=_attachment_path)
    original_name = models.CharField(_("Dateiname"), max_length=255)
    description = models.CharField(_("Beschreibung"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("Größe (Bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("hochgeladen von"))
    uploaded_at = models.DateTimeField(_("hochgeladen am"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("Anlage")
        verbose_name_plural = _("Anlagen")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ApplicationComment(models.Model):
    class Visibility(models.TextChoices):
        INTERNAL = "intern", _("intern (nur Ministerium)")
        APPLICANT = "antragsteller", _("für die Antragstellenden sichtbar")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments",
                                    verbose_name=_("Antrag"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("verfasst von"))
    text = models.TextField(_("Kommentar"))
    visibility = models.CharField(_("Sichtbarkeit"), max_length=20, choices=Visibility.choices,
                                  default=Visibility.INTERNAL)
    created_at = models.DateTimeField(_("erstellt am"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{format_date(self.created_at)} {self.author}: {self.text[:60]}"


class ChangeRequest(models.Model):
    """A Nachforderung: the clerk asks for changes; the coordinator answers on resubmission."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="change_requests",
                                    verbose_name=_("Antrag"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("angefordert von"))
    message = models.TextField(_("Nachricht an die Koordination"))
    created_at = models.DateTimeField(_("angefordert am"), default=clock.now, editable=False)
    answer = models.TextField(_("Antwort"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("beantwortet von"))
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Nachforderung")
        verbose_name_plural = _("Nachforderungen")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Nachforderung vom {format_date(self.created_at)} zu {self.application}"


class Recommendation(models.Model):
    """The clerk's recommendation to award, with per-year amounts (possibly cut)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="recommendations",
                                    verbose_name=_("Antrag"))
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("empfohlen von"))
    created_at = models.DateTimeField(_("empfohlen am"), default=clock.now, editable=False)
    justification = models.TextField(_("Begründung"), blank=True)

    class Meta:
        verbose_name = _("Empfehlung")
        verbose_name_plural = _("Empfehlungen")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Empfehlung zu {self.application}"


class RecommendationYear(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="years",
                                       verbose_name=_("Empfehlung"))
    year = models.PositiveSmallIntegerField(_("Haushaltsjahr"))
    amount = models.DecimalField(_("empfohlene Zuwendung"), **MONEY, validators=NON_NEGATIVE)

    class Meta:
        verbose_name = _("empfohlener Jahresbetrag")
        verbose_name_plural = _("empfohlene Jahresbeträge")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "year"], name="recommendation_year_unique"),
            models.CheckConstraint(name="recommendation_year_non_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {format_eur(self.amount)}"


class Decision(models.Model):
    """Approval or rejection of an application, by someone other than the recommender."""

    class Outcome(models.TextChoices):
        APPROVED = "bewilligt", pgettext_lazy("Entscheidung", "Bewilligung")
        REJECTED = "abgelehnt", pgettext_lazy("Entscheidung", "Ablehnung")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decision",
                                       verbose_name=_("Antrag"))
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("Empfehlung"))
    outcome = models.CharField(_("Entscheidung"), max_length=20, choices=Outcome.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("entschieden von"))
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                       null=True, blank=True, verbose_name=_("empfohlen von"))
    decided_at = models.DateTimeField(_("entschieden am"))
    reason = models.TextField(_("Begründung"), blank=True)
    # § 39 Abs. 1 Satz 3 HVwVfG: the reasons of a rejection show the discretion exercised.
    discretion = models.TextField(_("Ermessenserwägungen"), blank=True)

    class Meta:
        verbose_name = _("Entscheidung")
        verbose_name_plural = _("Entscheidungen")
        constraints = [
            models.CheckConstraint(
                name="decision_four_eyes",
                condition=Q(recommended_by__isnull=True) | ~Q(decided_by=F("recommended_by")),
                violation_error_message=_("Vier-Augen-Prinzip: Wer empfohlen hat, darf nicht entscheiden."),
            ),
            models.CheckConstraint(
                name="decision_rejection_has_reason",
                condition=Q(outcome="bewilligt") | ~Q(reason=""),
                violation_error_message=_("Eine Ablehnung braucht eine Begründung."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.application}"

    @property
    def is_rejection(self) -> bool:
        return self.outcome == self.Outcome.REJECTED
