"""Notices (issued, never changed except for their handover ceremony), ceremonies, and the
number sequences that notice numbers and file references are drawn from."""

import io

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from accounts.roles import Capability
from audit.admin_writes import AuditedAdminMixin
from core.errors import NotPermitted
from grants.admin.base import (
    EMPTY,
    AuditTrailMixin,
    ReadOnlyModelAdmin,
    ReadOnlyTabularInline,
    ServiceForm,
    ServiceModelAdmin,
    date_column,
    link_column,
)
from grants.models import HandoverCeremony, Notice, NoticeDelivery, NumberSequence, RemedyWaiver
from grants.policies import check, refuse_capability
from grants.services.notices import notice_attach_ceremony

issued_on_column = date_column("issued_on", _("Bescheiddatum"))
application_column = link_column("application", _("Antrag"), ordering="application__file_reference")
municipality_column = link_column("application__municipality", _("Gebietskörperschaft"),
                                  ordering="application__municipality__name")


class NoticeForm(ServiceForm):
    """Only the ceremony can change, and only for someone who may issue notices."""

    class Meta:
        model = Notice
        fields = ("ceremony",)

    def clean(self):
        cleaned = super().clean()
        if "ceremony" in self.changed_data:
            try:
                check(refuse_capability(self.request_user, Capability.ISSUE_NOTICE))
            except NotPermitted as refusal:
                self.add_error("ceremony", refusal.message)
        return cleaned


class NoticeDeliveryInline(ReadOnlyTabularInline):
    """The notice's Bekanntgabe entries (append-only; the latest counts)."""

    model = NoticeDelivery
    fields = ("method", "event_on", "notified_on", "ceremony", "correction_reason", "recorded_by", "recorded_at")


class RemedyWaiverInline(ReadOnlyTabularInline):
    model = RemedyWaiver
    fields = ("declared_on", "declared_by_name", "recorded_by", "recorded_at")


@admin.register(Notice)
class NoticeAdmin(AuditTrailMixin, ServiceModelAdmin):
    """An issued notice keeps its content forever; a correction is a new Änderungsbescheid.
    The handover ceremony is attached through `notice_attach_ceremony` (with audit entry)."""

    form = NoticeForm
    inlines = (NoticeDeliveryInline, RemedyWaiverInline)
    list_display = ("number", "kind", application_column, municipality_column, issued_on_column, "issued_by",
                    "ceremony")
    list_filter = ("kind", "application__programme", "ceremony")
    search_fields = ("number", "application__file_reference", "application__municipality__name")
    list_select_related = ("application__municipality", "issued_by", "ceremony")
    fields = ("kind", "number", application_column, link_column("award", _("Zuwendung")), "refers_to",
              issued_on_column, "issued_by", date_column("created_at", _("erfasst am")), "ceremony",
              "pdf_download", "sha256", "page_count", "sealed_at", "seal_subject", "seal_serial", "seal_fingerprint",
              "seal_test", "audit_trail")
    readonly_fields = tuple(field for field in fields if field != "ceremony")

    def get_queryset(self, request):
        # The PDF bytes are read only where they are needed (the page count), never for a list.
        return super().get_queryset(request).defer("pdf", "snapshot")

    @admin.display(description=_("PDF"))
    def pdf_download(self, notice):
        """The stored bytes through the checked download view; the admin never shows them."""
        if notice is None or notice.pk is None:
            return EMPTY
        return format_html('<a href="{}">{}</a>', reverse("grants:notice_download", args=[notice.pk]),
                           _("PDF herunterladen"))

    @admin.display(description=_("Seitenzahl"))
    def page_count(self, notice):
        try:
            return len(PdfReader(io.BytesIO(bytes(notice.pdf))).pages) if notice.pdf else EMPTY
        except (PdfReadError, ValueError):
            return EMPTY

    def has_add_permission(self, request):
        return False  # notices are issued by `notice_issue`, with the next number

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if "ceremony" in form.changed_data:
            notice_attach_ceremony(notice=obj, ceremony=obj.ceremony, user=request.user)


class CeremonyNoticeInline(ReadOnlyTabularInline):
    model = Notice
    related = ("application__municipality",)
    show_change_link = True
    fields = ("number", "kind", application_column, issued_on_column)


@admin.register(HandoverCeremony)
class HandoverCeremonyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (date_column("date", _("Datum")), "place", "official_title", "official_name", "notice_count")
    search_fields = ("place", "official_name")
    ordering = ("-date",)
    fields = ("date", "place", "official_title", "official_name", "note")
    inlines = [CeremonyNoticeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(notice_count=Count("notices"))

    @admin.display(description=_("Bescheide"), ordering="notice_count")
    def notice_count(self, ceremony):
        return ceremony.notice_count


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyModelAdmin):
    """Counters drawn under a row lock; changing one by hand would duplicate or skip numbers."""

    list_display = ("key", "last_value")
    search_fields = ("key",)
    fields = ("key", "last_value")
