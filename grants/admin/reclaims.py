"""Reclaims, their repayments and the base-rate table: written by services (the base rates on
the page „Basiszinssatz“ through base_rate_set, which refuses to change a rate an issued notice
printed), read-only here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grants.admin.base import AuditTrailMixin, ReadOnlyModelAdmin, ReadOnlyTabularInline, date_column, money_column
from grants.models import BaseRate, Reclaim, ReclaimHearing, ReclaimRepayment


@admin.register(BaseRate)
class BaseRateAdmin(ReadOnlyModelAdmin):
    list_display = (date_column("valid_from", _("gültig ab")), "rate", "source")
    fields = ("valid_from", "rate", "source")


class ReclaimRepaymentInline(ReadOnlyTabularInline):
    model = ReclaimRepayment
    related = ("booked_by",)
    fields = (date_column("received_on", _("eingegangen am")), money_column("amount", _("Betrag")), "reference",
              "booked_by")


class ReclaimHearingInline(ReadOnlyTabularInline):
    model = ReclaimHearing
    fields = (date_column("letter_date", _("Schreiben vom")), date_column("reply_due", _("Frist")), "sent_by",
              "sha256", "answered_at", "answer_late", "answer_pdf_name")


@admin.register(Reclaim)
class ReclaimAdmin(AuditTrailMixin, ReadOnlyModelAdmin):
    list_display = ("award", "award_year", "status", money_column("principal", _("Erstattungsbetrag")),
                    date_column("due_on", _("zu zahlen bis")))
    list_filter = ("status", "ground")
    search_fields = ("award__application__file_reference", "award__application__municipality__name")
    # The award year prints its award: both paths are read with the row.
    list_select_related = ("award__application__municipality", "award_year__budget",
                           "award_year__award__application__municipality")
    fields = ("award", "award_year", "usage_report", "ground", money_column("principal", _("Erstattungsbetrag")),
              "reason", date_column("interest_from", _("Verzinsung ab")), "interest_waived", "interest_waiver_reason",
              date_column("facts_known_on", _("Tatsachen bekannt seit")), "weighing", "status",
              "proposed_by", "decided_by", "discard_reason", "notice", date_column("due_on", _("zu zahlen bis")),
              "audit_trail")
    inlines = [ReclaimHearingInline, ReclaimRepaymentInline]
