"""Exports of payment orders: written once by `payment_orders_export`, shown read-only."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from grants.admin.base import EMPTY, AuditTrailMixin, ReadOnlyModelAdmin, date_column, money_column
from grants.models import PaymentOrderExport


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
