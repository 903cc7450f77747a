"""The records of background work.

`OutboxMail`: every notification e-mail, written in the transaction of the change that
causes it and sent after commit by a task; what the mail server refused stays here and is
sent again. `Job`: a long piece of work a person started (a ceremony bundle, a notice
archive), with its progress and, when done, its result file in the default storage.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("ausstehend")
        SENT = "sent", _("versandt")
        FAILED = "failed", _("fehlgeschlagen")

    # One key per notification ("reminder:…" for a reminder, "application:<id>:<event>:<uuid>"
    # for an event mail): the same notification is never written, nor sent, twice.
    key = models.CharField(_("Schlüssel"), max_length=255, unique=True)
    event = models.CharField(_("Anlass"), max_length=50)
    subject = models.CharField(_("Betreff"), max_length=998)
    body_text = models.TextField(_("Text"))
    body_html = models.TextField(_("HTML"), blank=True)
    from_email = models.CharField(_("Absender"), max_length=254)
    to = models.JSONField(_("Empfänger"), default=list)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    created_at = models.DateTimeField(_("erstellt"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("letzter Versuch"), null=True, blank=True)
    sent_at = models.DateTimeField(_("versandt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("E-Mail im Postausgang")
        verbose_name_plural = _("Postausgang (E-Mails)")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "last_attempt_at"], name="outbox_status_attempt")]
        constraints = [
            models.CheckConstraint(condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                                   name="outbox_sent_has_timestamp"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class Job(models.Model):
    class Kind(models.TextChoices):
        CEREMONY_PRESENTATION = "ceremony_presentation", _("Übergabeexemplare")
        CEREMONY_BUNDLE = "ceremony_bundle", _("Übergabemappe")
        NOTICE_ARCHIVE = "notice_archive", _("Bescheidarchiv")
        XDOMEA_ABGABE = "xdomea_abgabe", _("E-Akte (xdomea-Abgabe)")
        XDOMEA_AUSSONDERUNG = "xdomea_aussonderung", _("Aussonderung an das Archiv (xdomea)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("läuft")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("Art"), max_length=40, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs",
                             verbose_name=_("gestartet von"))
    # What the job works on, e.g. "grants.handoverceremony:7" or "grants.fundingprogramme:1".
    object_ref = models.CharField(_("Gegenstand"), max_length=100)
    object_label = models.CharField(_("Bezeichnung"), max_length=300)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    step = models.CharField(_("Schritt"), max_length=200, blank=True)
    result_name = models.CharField(_("Dateiname"), max_length=200, blank=True)
    result_path = models.CharField(_("Speicherort"), max_length=300, blank=True)
    result_size = models.PositiveBigIntegerField(_("Größe (Bytes)"), null=True, blank=True)
    result_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    content_type = models.CharField(_("Inhaltstyp"), max_length=100, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    created_at = models.DateTimeField(_("gestartet"), default=timezone.now)
    started_at = models.DateTimeField(_("begonnen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("beendet"), null=True, blank=True)

    class Meta:
        verbose_name = _("Auftrag")
        verbose_name_plural = _("Aufträge")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Starting the same job twice while it waits or runs gives the one job, not two.
            models.UniqueConstraint(fields=["user", "kind", "object_ref"],
                                    condition=Q(status__in=["queued", "running"]), name="job_one_active_per_object"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_at_most_100"),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(result_sha256=""),
                                   name="job_done_has_result"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.object_label}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
