"""Exports of payment orders: written once by `payment_orders_export`, shown read-only."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from grants.admin.base import EMPTY, AuditTrailMixin, ReadOnlyModelAdmin, date_column, money_column
from grants.models import PaymentOrderExport, PaymentOrderSepaFile


@admin.register(PaymentOrderExport)
class PaymentOrderExportAdmin(AuditTrailMixin, ReadOnlyModelAdmin):
    list_display = ("number", date_column("day", _("Freigabetag")), "row_count", money_column("total", _("Summe")),
                    "created_by", date_column("created_at", _("exportiert am")))
    list_filter = ("day",)
    search_fields = ("number",)
    list_select_related = ("created_by",)
    fields = ("number", date_column("day", _("Freigabetag")), "sequence", "row_count",
              money_column("total", _("Summe")), "sha256", "created_by",
              date_column("created_at", _("exportiert am")), "page_link", "audit_trail")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("snapshot")

    @admin.display(description=_("Zeilen und Dateien"))
    def page_link(self, export):
        if export is None or export.pk is None:
            return EMPTY
        return format_html('<a href="{}">{}</a>', reverse("grants:payment_order_detail", args=[export.pk]),
                           _("Export ansehen"))


@admin.register(PaymentOrderSepaFile)
class PaymentOrderSepaFileAdmin(ReadOnlyModelAdmin):
    """The SEPA file of an export, made once; its bytes are downloaded from the export's page."""

    list_display = ("message_id", "export", date_column("execution_date", _("Ausführungstermin")), "debtor_iban",
                    "created_by", date_column("created_at", _("erstellt am")))
    search_fields = ("message_id", "export__number")
    list_select_related = ("export", "created_by")
    fields = ("export", "schema", "message_id", "payment_info_id", "debtor_name", "debtor_iban", "debtor_bic",
              date_column("execution_date", _("Ausführungstermin")), "sha256", "created_by",
              date_column("created_at", _("erstellt am")), "page_link")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content", "export__snapshot")

    @admin.display(description=_("Datei"))
    def page_link(self, sepa_file):
        if sepa_file is None or sepa_file.pk is None:
            return EMPTY
        return format_html('<a href="{}">{}</a>', reverse("grants:payment_order_download",
                                                           args=[sepa_file.export_id, "xml"]),
                           _("SEPA-Datei herunterladen"))
