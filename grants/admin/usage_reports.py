"""Proofs of use and sent reminders: written by services and the reminder command; read-only here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grants.admin.base import AuditTrailMixin, ReadOnlyModelAdmin, ReadOnlyTabularInline, date_column
from grants.models import ReminderSent, UsageReport, UsageReportExpenditure, UsageReportFinancing


class UsageReportExpenditureInline(ReadOnlyTabularInline):
    model = UsageReportExpenditure
    related = ("category",)
    fields = ("category", "amount")


class UsageReportFinancingInline(ReadOnlyTabularInline):
    model = UsageReportFinancing
    fields = ("source", "amount")


@admin.register(UsageReport)
class UsageReportAdmin(AuditTrailMixin, ReadOnlyModelAdmin):
    list_display = ("award", "kind", "year", "status", date_column("submitted_at", _("eingereicht am")))
    list_filter = ("kind", "status")
    search_fields = ("award__application__file_reference", "award__application__municipality__name")
    list_select_related = ("award__application__municipality",)
    fields = ("award", "kind", "year", "status", "narrative_name", "narrative_sha256", "declaration",
              date_column("submitted_at", _("eingereicht am")), "submitted_by",
              date_column("checked_at", _("geprüft am")), "checked_by", "check_note", "audit_trail")
    inlines = [UsageReportExpenditureInline, UsageReportFinancingInline]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyModelAdmin):
    list_display = ("key", date_column("sent_at", _("gesendet am")))
    search_fields = ("key",)
    fields = ("key", date_column("sent_at", _("gesendet am")))
