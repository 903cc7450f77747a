"""Änderungsanträge and the award's revisions: written by services, read-only here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grants.admin.base import AuditTrailMixin, ReadOnlyModelAdmin, date_column
from grants.models import AmendmentRequest, AwardRevision


@admin.register(AwardRevision)
class AwardRevisionAdmin(ReadOnlyModelAdmin):
    list_display = ("award", "number", date_column("period_end", _("Bewilligungszeitraum bis")), "created_by")
    list_select_related = ("award__application__municipality",)
    search_fields = ("award__application__file_reference",)
    fields = ("award", "number", "period_start", "period_end", "amounts", "plan_snapshot", "created_by")


@admin.register(AmendmentRequest)
class AmendmentRequestAdmin(AuditTrailMixin, ReadOnlyModelAdmin):
    list_display = ("award", "status", date_column("submitted_at", _("eingereicht am")))
    list_filter = ("status",)
    list_select_related = ("award__application__municipality",)
    search_fields = ("award__application__file_reference", "award__application__municipality__name")
    fields = ("award", "status", "reason", "period_end", "amounts", "review_note", "recommended_by",
              "recommendation_note", "decided_by", "decision_reason", "revision", "notice", "audit_trail")
