"""A notification of one hand-over for one person, and how that person wants to be told."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    SUBMITTED = "submitted", _("Antrag eingereicht")
    CHANGES_REQUESTED = "changes_requested", _("Nachforderung gesendet")
    RESUBMITTED = "resubmitted", _("Nachforderung beantwortet")
    RECOMMENDED = "recommended", _("Zur Bewilligung empfohlen")
    APPROVED = "approved", _("Antrag bewilligt")
    REJECTED = "rejected", _("Antrag abgelehnt")
    NOTICE_ISSUED = "notice_issued", _("Bescheid erlassen")
    CALL_MADE = "call_made", _("Mittel abgerufen")
    CALL_PREPARED = "call_prepared", _("Auszahlung vorbereitet")
    CALL_RELEASED = "call_released", _("Auszahlung freigegeben")
    CALL_PAID = "call_paid", _("Auszahlung gebucht")
    CALL_REJECTED = "call_rejected", _("Mittelabruf abgelehnt")
    PROOF_SUBMITTED = "proof_submitted", _("Nachweis eingereicht")
    PROOF_QUESTIONS = "proof_questions", _("Rückfragen zum Nachweis")
    RECLAIM_HEARING = "reclaim_hearing", _("Anhörung zur Rückforderung")
    HEARING_ANSWERED = "hearing_answered", _("Anhörung beantwortet")
    RECLAIM_ISSUED = "reclaim_issued", _("Rückforderung festgesetzt")
    AMENDMENT_SUBMITTED = "amendment_submitted", _("Änderungsantrag eingereicht")
    AMENDMENT_QUESTIONS = "amendment_questions", _("Rückfragen zum Änderungsantrag")
    AMENDMENT_RECOMMENDED = "amendment_recommended", _("Änderungsantrag empfohlen")
    AMENDMENT_REJECTED = "amendment_rejected", _("Änderungsantrag abgelehnt")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("Empfänger"))
    event = models.CharField(_("Anlass"), max_length=40, choices=Event.choices)
    # The hand-over ("recommendation:12"): one notification per person and hand-over, however
    # often the transition's code runs.
    key = models.CharField(_("Schlüssel"), max_length=200)
    title = models.CharField(_("Titel"), max_length=300)
    detail = models.TextField(_("Einzelheiten"), blank=True)
    path = models.CharField(_("Verweis"), max_length=500, help_text=_("Adresse der Seite, auf der es weitergeht"))
    actor_name = models.CharField(_("ausgelöst von"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("erstellt"), default=timezone.now)
    read_at = models.DateTimeField(_("gelesen"), null=True, blank=True)
    # Set when the notification went out by mail: at once, with the formal letter, or in a digest.
    mailed_at = models.DateTimeField(_("gemailt"), null=True, blank=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="inbox_one_per_handover")]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="inbox_recipient_newest"),
            # The unread count in the navigation, on every page: a small partial index.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="inbox_unread"),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.TextChoices):
    IMMEDIATE = "sofort", _("Sofort: eine E-Mail je Benachrichtigung")
    DIGEST = "taeglich", _("Täglich: eine Zusammenfassung am Morgen")
    IN_APP = "keine_mail", _("Keine E-Mail: nur hier in der Anwendung")


class NotificationSetting(models.Model):
    """How one person wants to be told; without a row: at once by e-mail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_setting", verbose_name=_("Person"))
    delivery = models.CharField(_("Benachrichtigung per E-Mail"), max_length=20, choices=Delivery.choices,
                                default=Delivery.IMMEDIATE)
    changed_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Benachrichtigungseinstellung")
        verbose_name_plural = _("Benachrichtigungseinstellungen")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_delivery_display()}"
