from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.formats import format_date
from grants.models.applications import Application
from grants.models.notices import AppendOnlyModel
from grants.models.programmes import FundingProgramme


class CaseFileTransfer(AppendOnlyModel):
    """What was handed over as an xdomea message, and to whom: one grant's file to the e-file
    system (Abgabe 0401) or the closed grants of a period to the state archive (Aussonderung
    0503). Written once when the validated package is made (grants/services/xdomea.py); never
    changed or deleted. Handing over the same files again is a new record with `again` set."""

    class MessageType(models.TextChoices):
        ABGABE = "Abgabe.Abgabe.0401", pgettext_lazy("xdomea", "Abgabe an die E-Akte (0401)")
        AUSSONDERUNG = "Aussonderung.Aussonderung.0503", pgettext_lazy("xdomea", "Aussonderung an das Archiv (0503)")

    process_id = models.UUIDField(_("ProzessID"), unique=True, editable=False)
    message_type = models.CharField(_("Nachrichtentyp"), max_length=40, choices=MessageType.choices)
    programme = models.ForeignKey(FundingProgramme, on_delete=models.PROTECT, related_name="casefile_transfers",
                                  verbose_name=_("Förderperiode"))
    applications = models.ManyToManyField(Application, related_name="casefile_transfers",
                                          verbose_name=_("übergebene Akten"))
    # The file references as handed over (a copy: the record reads the same whatever happens later).
    file_references = models.JSONField(_("Aktenzeichen"), default=list)
    recipient = models.CharField(_("Empfänger"), max_length=200)
    again = models.BooleanField(_("erneute Übergabe"), default=False,
                                help_text=_("Mindestens eine der Akten war schon einmal so übergeben worden."))
    package_name = models.CharField(_("Dateiname des Pakets"), max_length=200)
    package_sha256 = models.CharField(_("SHA-256 des Pakets"), max_length=64)
    package_size = models.PositiveBigIntegerField(_("Größe des Pakets (Bytes)"))
    document_count = models.PositiveIntegerField(_("Dokumente"))
    job_uuid = models.UUIDField(_("Auftrag"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("übergeben von"))
    created_at = models.DateTimeField(_("übergeben am"), default=clock.now, editable=False)

    change_refused = _("Eine Übergabe von Akten kann nicht geändert werden; eine erneute Übergabe wird neu erfasst.")
    delete_refused = _("Eine Übergabe von Akten kann nicht gelöscht werden.")

    class Meta:
        verbose_name = _("Übergabe von Akten (xdomea)")
        verbose_name_plural = _("Übergaben von Akten (xdomea)")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="casefile_transfer_package_not_empty", condition=Q(package_size__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_message_type_display()} {self.process_id} ({format_date(self.created_at)})"
