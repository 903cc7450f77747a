from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from grants.models.awards import Award
from grants.models.notices import Notice
from grants.plan import codec


class AwardRevision(models.Model):
    """One binding state of an award: period, amounts per year and financing plan.

    Revision 1 is the award as approved; every approved Änderungsantrag adds the next one.
    `Award.period_end`, `Award.plan_snapshot` and the `AwardYear` amounts always equal the
    latest revision; the earlier ones stay as they were, so the history is never rewritten.
    """

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("Zuwendung"))
    number = models.PositiveSmallIntegerField(_("Fassung"))
    period_start = models.DateField(_("Bewilligungszeitraum von"))
    period_end = models.DateField(_("Bewilligungszeitraum bis"))
    amounts = models.JSONField(_("bewilligte Jahresbeträge"), encoder=DjangoJSONEncoder,
                               help_text=_("Haushaltsjahr → Betrag"))
    plan_snapshot = models.JSONField(_("verbindlicher Finanzierungsplan"), encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("gültig seit"), default=clock.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True, verbose_name=_("festgelegt von"))

    class Meta:
        verbose_name = _("Fassung der Zuwendung")
        verbose_name_plural = _("Fassungen der Zuwendung")
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="award_revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.award}, Fassung {self.number}"


class AmendmentRequest(models.Model):
    """An Änderungsantrag: the body asks to change the binding plan (shift between years or
    cost categories, extend the period). Entwurf → Eingereicht → (Entwurf with the clerk's
    questions …) → Empfohlen → Bewilligt | Abgelehnt; withdrawn before a decision.

    An approved request writes the next `AwardRevision` and an Änderungsbescheid.
    """

    class Status(models.TextChoices):
        DRAFT = "entwurf", pgettext_lazy("Änderungsantragsstatus", "Entwurf")
        SUBMITTED = "eingereicht", pgettext_lazy("Änderungsantragsstatus", "Eingereicht")
        RECOMMENDED = "empfohlen", pgettext_lazy("Änderungsantragsstatus", "Zur Bewilligung empfohlen")
        APPROVED = "bewilligt", pgettext_lazy("Änderungsantragsstatus", "Bewilligt")
        REJECTED = "abgelehnt", pgettext_lazy("Änderungsantragsstatus", "Abgelehnt")
        WITHDRAWN = "zurueckgezogen", pgettext_lazy("Änderungsantragsstatus", "Zurückgezogen")

    # At most one request per award is open at a time.
    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RECOMMENDED)

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="amendment_requests",
                              verbose_name=_("Zuwendung"))
    # "Änderungsantrag 1" is the award's first: counted per award, given under the award's lock.
    number = models.PositiveIntegerField(_("Nummer"), editable=False)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    reason = models.TextField(_("Begründung"), blank=True)
    period_end = models.DateField(_("beantragtes Ende des Bewilligungszeitraums"))
    plan = models.JSONField(_("beantragter Finanzierungsplan"), encoder=DjangoJSONEncoder,
                            help_text=_("Wie der verbindliche Finanzierungsplan aufgebaut."))
    base_revision = models.ForeignKey(AwardRevision, on_delete=models.PROTECT, related_name="+", null=True,
                                      blank=True, verbose_name=_("beantragt auf Grundlage von Fassung"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("angelegt von"))
    created_at = models.DateTimeField(_("angelegt am"), default=clock.now, editable=False)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    review_note = models.TextField(_("Rückfragen der Sachbearbeitung"), blank=True)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                       null=True, blank=True, verbose_name=_("empfohlen von"))
    recommended_at = models.DateTimeField(_("empfohlen am"), null=True, blank=True)
    recommendation_note = models.TextField(_("Vermerk zur Empfehlung"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True, verbose_name=_("entschieden von"))
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decision_reason = models.TextField(_("Begründung der Entscheidung"), blank=True)
    revision = models.OneToOneField(AwardRevision, on_delete=models.PROTECT, related_name="amendment", null=True,
                                    blank=True, verbose_name=_("ergibt Fassung"))
    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="amendment_request", null=True,
                                  blank=True, verbose_name=_("Änderungsbescheid"))

    class Meta:
        verbose_name = _("Änderungsantrag")
        verbose_name_plural = _("Änderungsanträge")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="amendment_number_per_award",
                                    violation_error_message=_("Diese Nummer hat zu dieser Zuwendung bereits ein "
                                                              "Änderungsantrag.")),
            models.UniqueConstraint(fields=["award"], condition=Q(status__in=["entwurf", "eingereicht", "empfohlen"]),
                                    name="amendment_one_open_per_award",
                                    violation_error_message=_("Zu dieser Zuwendung ist bereits ein Änderungsantrag "
                                                              "offen.")),
            models.CheckConstraint(
                name="amendment_four_eyes",
                condition=Q(decided_by__isnull=True) | Q(recommended_by__isnull=True)
                | ~Q(decided_by=F("recommended_by")),
                violation_error_message=_("Vier-Augen-Prinzip: Wer den Änderungsantrag empfiehlt, darf ihn nicht "
                                          "entscheiden."),
            ),
            models.CheckConstraint(
                name="amendment_approved_has_revision",
                condition=~Q(status="bewilligt") | (Q(revision__isnull=False) & Q(notice__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"Änderungsantrag {self.number} – {self.award}"

    @property
    def audit_case_id(self) -> int | None:
        """The case file (application) its audit entries belong to."""
        return self.award.application_id

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def amounts(self) -> dict[str, str]:
        """The requested grant per budget year ("2027" → "125000.00"), as the plan states it."""
        return {str(year): str(amount) for year, amount in codec.decode(self.plan).grant_by_year().items()}
