from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import clock
from grants.models.notices import AppendOnlyModel, IssuedRecordError
from grants.models.programmes import MONEY


class PaymentOrderExportQuerySet(models.QuerySet):
    """Bulk changes would bypass the record's own guard; an export refuses them."""

    def update(self, **kwargs):
        raise IssuedRecordError(gettext("Ein Export von Zahlungsanordnungen kann nicht geändert werden."))

    def delete(self):
        raise IssuedRecordError(gettext("Ein Export von Zahlungsanordnungen kann nicht gelöscht werden."))


class PaymentOrderExport(models.Model):
    """The payment orders handed to the state treasury (Landeshauptkasse) for one release day.

    Each released payment is exported once; its `Disbursement.export` points here. The rows
    as they were exported are kept in `snapshot`, so the files can be delivered again with
    exactly the same content (`sha256` is that of the CSV). Once written, never changed or
    deleted.
    """

    number = models.CharField(_("Exportnummer"), max_length=40, unique=True)
    day = models.DateField(_("Freigabetag"), help_text=_("Die Zahlungen, die an diesem Tag freigegeben wurden."))
    sequence = models.PositiveIntegerField(_("laufende Nummer des Tages"))
    row_count = models.PositiveIntegerField(_("Anzahl Zahlungen"))
    total = models.DecimalField(_("Summe"), **MONEY)
    sha256 = models.CharField(_("SHA-256 der CSV-Datei"), max_length=64)
    snapshot = models.JSONField(_("exportierte Zeilen"), default=dict,
                                help_text=_("Jede exportierte Zeile, wie sie beim Export galt."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("exportiert von"))
    created_at = models.DateTimeField(_("exportiert am"), default=clock.now, editable=False)

    objects = PaymentOrderExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("Export von Zahlungsanordnungen")
        verbose_name_plural = _("Exporte von Zahlungsanordnungen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["day", "sequence"], name="payment_order_export_day_sequence_unique"),
            models.CheckConstraint(name="payment_order_export_has_rows", condition=Q(row_count__gt=0)),
            models.CheckConstraint(name="payment_order_export_total_positive", condition=Q(total__gt=0)),
        ]

    def __str__(self) -> str:
        return gettext("Zahlungsanordnungen %(number)s") % {"number": self.number}

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IssuedRecordError(gettext(
                "Ein Export von Zahlungsanordnungen kann nicht geändert werden; "
                "die Dateien lassen sich nur erneut herunterladen."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedRecordError(gettext("Ein Export von Zahlungsanordnungen kann nicht gelöscht werden."))

    def filename(self, fmt: str) -> str:
        """`Zahlungsanordnungen_2026-11-25_1.csv`."""
        return f"Zahlungsanordnungen_{self.day.isoformat()}_{self.sequence}.{fmt}"


class PaymentOrderSepaFile(AppendOnlyModel):
    """The SEPA credit transfer file (pain.001) of one payment order export, made once.

    Made with the export when the paying account (`SEPA_DEBTOR_*`) is configured, otherwise
    later on request from the export's snapshot. The bytes are stored as they were made and
    delivered only while their SHA-256 matches; the debtor account and the execution date are
    copied, so a later change of the configuration never changes a file. Never changed or
    deleted."""

    export = models.OneToOneField(PaymentOrderExport, on_delete=models.PROTECT, related_name="sepa_file",
                                  verbose_name=_("Export"))
    schema = models.CharField(_("Schema"), max_length=40)
    message_id = models.CharField(_("Nachrichten-ID"), max_length=35, unique=True)
    payment_info_id = models.CharField(_("Sammler-ID"), max_length=35)
    debtor_name = models.CharField(_("Auftraggeber"), max_length=70)
    debtor_iban = models.CharField(_("IBAN des Auftraggebers"), max_length=34)
    debtor_bic = models.CharField(_("BIC des Auftraggebers"), max_length=11)
    execution_date = models.DateField(_("Ausführungstermin"))
    content = models.BinaryField(_("Datei"))
    sha256 = models.CharField(_("SHA-256 der SEPA-Datei"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("erstellt von"))
    created_at = models.DateTimeField(_("erstellt am"), default=clock.now, editable=False)

    change_refused = _("Eine SEPA-Datei kann nicht geändert werden; sie lässt sich nur erneut herunterladen.")
    delete_refused = _("Eine SEPA-Datei kann nicht gelöscht werden.")

    class Meta:
        verbose_name = _("SEPA-Datei einer Zahlungsanordnung")
        verbose_name_plural = _("SEPA-Dateien der Zahlungsanordnungen")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return gettext("SEPA-Datei %(number)s") % {"number": self.message_id}

